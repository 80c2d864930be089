"""The schema version table and how pending migrations are applied."""
from peewee import CharField
from playhouse.migrate import migrate

from webapp import migrations
from webapp.db import database
from webapp.models import SchemaVersion, Unit


def test_fresh_database_is_at_the_current_version(app):
    assert migrations.current_version() == migrations.CURRENT_VERSION


def test_pending_migrations_run_once_in_order(app, monkeypatch):
    def add_code(migrator):
        migrate(migrator.add_column("unit", "code", CharField(default="")))

    base = migrations.CURRENT_VERSION
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (base + 1, add_code)])
    assert migrations.upgrade() == [base + 1]
    assert "code" in {c.name for c in database.get_columns(Unit._meta.table_name)}
    assert SchemaVersion.get().version == base + 1
    assert migrations.upgrade() == []
