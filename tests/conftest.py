"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
its frozen clock, the demo, logged-in clients and the factory; for the browser tests, the app served
on a free port and headless Chromium. Helpers live in tests/helpers.py."""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.security import check_password_hash
from werkzeug.serving import make_server

from tests.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    PASSWORD,
    Factory,
    load_demo,
    log_in,
    make_app,
    watched_context,
)
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


# --- In a real browser --------------------------------------------------------------------------

@pytest.fixture
def live_server(tmp_path):
    """The app with CSRF on, the demo loaded, served by a real WSGI server on a free port."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: in CI the browser tests must run")
        pytest.skip("Chromium is not installed (make test installs it; never skipped in CI)")
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    load_demo()
    app.static_hits = []
    wsgi_app = app.wsgi_app

    def counting(environ, start_response):  # which static files the browser really fetched
        if environ["PATH_INFO"].startswith("/static/"):
            app.static_hits.append(environ["PATH_INFO"])
        return wsgi_app(environ, start_response)
    app.wsgi_app = counting
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    live = type("Live", (str,), {})(base)
    live.app = app
    yield live
    server.shutdown()
    if not database.is_closed():
        database.close()


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module; each test gets a fresh context (cookies, storage)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")  # live_server fails first in CI
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium):
    # Tests leave their pages open: closing the context disposes them at once, while a page's own
    # close() sent during a navigation was seen to wait for ever (Target.closeTarget never answered).
    context = watched_context(chromium)
    yield context
    context.close()
    assert context.violations == []
