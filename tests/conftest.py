"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
its frozen clock, the demo, logged-in clients and the factory. Helpers live in tests/helpers.py."""
import pytest
from werkzeug.security import check_password_hash

from tests.helpers import DEMO_PASSWORD, PASSWORD, Factory, load_demo, log_in, make_app
from webapp.db import database
from webapp.models import User


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
    load_demo()


@pytest.fixture
def client_for(app):
    """client_for('quaicang') -> a test client logged in as that user (demo password if demo loaded)."""
    def make(username, password=None):
        user = User.get(User.username == username)
        pw = password or (DEMO_PASSWORD if check_password_hash(user.password_hash, DEMO_PASSWORD) else PASSWORD)
        return log_in(app.test_client(), username, pw)
    return make


@pytest.fixture
def factory(app, clock):
    return Factory(clock.now)
