"""Factories and helpers shared by the tests: an app on a fresh database, a frozen clock, logging in,
builders for units, users, directives and tasks, and a fingerprint of the whole database."""
import hashlib
import itertools
import os
from datetime import date, datetime

from webapp import create_app
from webapp.core.directives import save_task
from webapp.core.units import create_unit
from webapp.core.users import create_user
from webapp.db import database
from webapp.migrations import upgrade
from webapp.models import DERIVED, MODELS, Directive, SchemaVersion, Task

FAST_HASH = "pbkdf2:sha256:1000"  # tests only: the app defaults to scrypt
PASSWORD = "matkhau-thu"
DEMO_PASSWORD = "doimatkhau"
# The moment the tests' clock shows unless a test moves it: inside the Tuần Giáo campaign of 2024.
TEST_NOW = datetime(2024, 3, 20, 10, 0)


class FrozenClock:
    """The app's clock, set by tests."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def make_app(tmp_path, **overrides):
    """An app on an empty database at the current schema: SQLite under tmp_path, or the PostgreSQL
    database of TEST_DATABASE_URL (emptied first)."""
    url = (overrides.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
           or f"sqlite:///{tmp_path / 'test.db'}")
    config = {
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
        "UPLOAD_DIR": str(tmp_path / "uploads"), "PASSWORD_METHOD": FAST_HASH,
        "WTF_CSRF_ENABLED": False, "CLOCK": FrozenClock(TEST_NOW),
    }
    config.update({k: v for k, v in overrides.items() if k != "DATABASE_URL"})
    app = create_app(config)
    with database.connection_context():
        if not url.startswith("sqlite"):  # one shared PostgreSQL database: start each test empty
            database.drop_tables([SchemaVersion, *MODELS, *DERIVED], cascade=True)
        upgrade()
    return app


def load_demo(now=TEST_NOW):
    from webapp.seed import load_demo as load
    load(DEMO_PASSWORD, FAST_HASH, now)


def log_in(client, username, password=PASSWORD):
    response = client.post("/dang-nhap", data={"username": username, "password": password})
    assert response.status_code == 302, f"login as {username} failed"
    return client


_names = itertools.count(1)


class Factory:
    """Small builders for tests that do not need the whole demo; rows are created at `now`."""

    def __init__(self, now=TEST_NOW):
        self.now = now

    def unit(self, name=None, kind="ubnd_xa", parent=None):
        return create_unit(name or f"Đơn vị {next(_names)}", kind, parent, now=self.now)

    def user(self, username=None, role="staff", unit=None, password=PASSWORD):
        return create_user(username or f"user{next(_names)}", password, "Người dùng thử", role,
                           unit or self.unit(), method=FAST_HASH, now=self.now)

    def directive(self, issuer=None, **fields):
        fields.setdefault("number", f"{next(_names)}/UBND-TEST")
        fields.setdefault("subject", "V/v thử nghiệm")
        fields.setdefault("issued_on", date(2024, 3, 1))
        fields.setdefault("created_at", self.now)
        return Directive.create(issuer=issuer or self.unit(kind="ubnd_tinh"), **fields)

    def task(self, directive=None, lead=(), coop=(), kind="fixed", due=date(2024, 3, 31), **fields):
        task = Task(directive=directive or self.directive(), text=fields.pop("text", "Nhiệm vụ thử"),
                    number=fields.pop("number", str(next(_names))), deadline_kind=kind,
                    deadline_date=due if kind in ("fixed", "immediate", "within_month") else None, **fields)
        return save_task(task, list(lead) or [self.unit()], list(coop), now=self.now)


def database_fingerprint() -> dict:
    """Row count and a checksum of every table: equal fingerprints mean nothing changed. The counts
    the database keeps (models.DERIVED) are left out: they follow the rest, and a page may move them
    to its own moment."""
    fingerprint = {}
    for model in (SchemaVersion, *MODELS):
        rows = model.select().order_by(model._meta.primary_key).tuples()
        digest = hashlib.sha256()
        count = 0
        for row in rows:
            digest.update(repr(row).encode())
            count += 1
        fingerprint[model._meta.table_name] = (count, digest.hexdigest())
    return fingerprint
