"""Schema versions: a fresh database gets the current schema, an older one its pending migrations.

Each migration is a function taking a playhouse.migrate migrator; append new ones to MIGRATIONS
and never edit one that has shipped.
"""
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate  # noqa: F401

from .db import database, is_sqlite
from .models import MODELS, SchemaVersion

# Version 1 is the schema created by create_tables for the models of the first release.
MIGRATIONS = []  # [(version, function(migrator)), ...] for versions 2, 3, ...

CURRENT_VERSION = 1 + len(MIGRATIONS)


def current_version() -> int | None:
    if not database.table_exists(SchemaVersion._meta.table_name):
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else None


def upgrade() -> list[int]:
    """Create or migrate the schema; returns the versions applied."""
    applied = []
    with database.atomic():
        version = current_version()
        if version is None:
            database.create_tables([SchemaVersion, *MODELS])
            SchemaVersion.create(version=CURRENT_VERSION)
            return [CURRENT_VERSION]
        migrator = SqliteMigrator(database.obj) if is_sqlite() else PostgresqlMigrator(database.obj)
        for target, step in MIGRATIONS:
            if target > version:
                step(migrator)
                SchemaVersion.update(version=target).execute()
                applied.append(target)
    return applied
