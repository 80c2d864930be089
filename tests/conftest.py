"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
a frozen clock, logged-in clients, and factories for units, users, directives and tasks."""
import itertools
import os
from datetime import date, datetime

import pytest

from webapp import create_app
from webapp.db import database
from webapp.migrations import upgrade
from webapp.models import MODELS, Directive, SchemaVersion, Task
from webapp.tasks import save_task
from webapp.units.queries import create_unit
from webapp.users import create_user

FAST_HASH = "pbkdf2:sha256:1000"  # tests only: the app defaults to scrypt
PASSWORD = "matkhau-thu"
DEMO_PASSWORD = "doimatkhau"


class FrozenClock:
    """The app's clock, set by tests."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def make_app(tmp_path, **overrides):
    url = (overrides.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
           or f"sqlite:///{tmp_path / 'test.db'}")
    config = {
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
        "UPLOAD_DIR": str(tmp_path / "uploads"), "PASSWORD_METHOD": FAST_HASH,
        "WTF_CSRF_ENABLED": False, "CLOCK": FrozenClock(datetime(2024, 3, 20, 10, 0)),
    }
    config.update({k: v for k, v in overrides.items() if k != "DATABASE_URL"})
    app = create_app(config)
    with database.connection_context():
        if not url.startswith("sqlite"):  # one shared PostgreSQL database: start each test empty
            database.drop_tables([SchemaVersion, *MODELS], cascade=True)
        upgrade()
    return app


@pytest.fixture
def app(tmp_path):
    # No app context is held open here: Flask would then share `g` (and Flask-Login's cached user)
    # between the test's requests. Model calls in tests connect on their own.
    app = make_app(tmp_path)
    yield app
    if not database.is_closed():
        database.close()


@pytest.fixture
def clock(app):
    return app.config["CLOCK"]


@pytest.fixture
def demo(app):
    from webapp.seed import load_demo
    load_demo(DEMO_PASSWORD, FAST_HASH)


def log_in(client, username, password=PASSWORD):
    response = client.post("/dang-nhap", data={"username": username, "password": password})
    assert response.status_code == 302, f"login as {username} failed"
    return client


@pytest.fixture
def client_for(app):
    """client_for('quaicang') -> a test client logged in as that user (demo password if demo loaded)."""
    def make(username, password=None):
        client = app.test_client()
        from webapp.models import User
        user = User.get(User.username == username)
        from werkzeug.security import check_password_hash
        pw = password or (DEMO_PASSWORD if check_password_hash(user.password_hash, DEMO_PASSWORD) else PASSWORD)
        return log_in(client, username, pw)
    return make


_names = itertools.count(1)


@pytest.fixture
def factory(app):
    return Factory()


class Factory:
    """Small builders for tests that do not need the whole demo."""

    def unit(self, name=None, kind="ubnd_xa", parent=None):
        return create_unit(name or f"Đơn vị {next(_names)}", kind, parent)

    def user(self, username=None, role="staff", unit=None, password=PASSWORD):
        return create_user(username or f"user{next(_names)}", password, "Người dùng thử", role,
                           unit or self.unit(), method=FAST_HASH)

    def directive(self, issuer=None, **fields):
        fields.setdefault("number", f"{next(_names)}/UBND-TEST")
        fields.setdefault("subject", "V/v thử nghiệm")
        fields.setdefault("issued_on", date(2024, 3, 1))
        return Directive.create(issuer=issuer or self.unit(kind="ubnd_tinh"), **fields)

    def task(self, directive=None, lead=(), coop=(), kind="fixed", due=date(2024, 3, 31), **fields):
        task = Task(directive=directive or self.directive(), text=fields.pop("text", "Nhiệm vụ thử"),
                    number=fields.pop("number", str(next(_names))), deadline_kind=kind,
                    deadline_date=due if kind in ("fixed", "immediate", "within_month") else None, **fields)
        return save_task(task, list(lead) or [self.unit()], list(coop))


def database_fingerprint() -> dict:
    """Row count and a checksum of every table: equal fingerprints mean nothing changed."""
    import hashlib
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
