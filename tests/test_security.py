"""Login throttling shared through the database, session cookies and security headers."""
import logging
from datetime import datetime, timedelta

from tests.helpers import DEMO_PASSWORD, load_demo, make_app
from webapp.models import LoginAttempt


def try_login(app, username, password, address="10.0.0.1"):
    client = app.test_client()
    return client.post("/dang-nhap", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_five_failures_lock_the_username_with_a_clear_message_and_a_log_line(demo, app, clock, caplog):
    caplog.set_level(logging.WARNING)
    for minute in range(5):
        clock.now = datetime(2024, 3, 20, 10, minute)
        assert "không đúng" in try_login(app, "giolinh", "sai").get_data(as_text=True)
    assert sum("login failed" in r.getMessage() and "giolinh" in r.getMessage() for r in caplog.records) == 5
    clock.now = datetime(2024, 3, 20, 10, 6)
    locked = try_login(app, "giolinh", DEMO_PASSWORD)  # even the right password waits
    assert locked.status_code == 200 and "tạm bị khóa" in locked.get_data(as_text=True)
    assert try_login(app, "quaicang", DEMO_PASSWORD).status_code == 302  # other users are not affected
    clock.now = datetime(2024, 3, 20, 10, 21)
    assert try_login(app, "giolinh", DEMO_PASSWORD).status_code == 302  # the window has passed


def test_the_count_lives_in_the_database_so_every_worker_sees_it(demo, app, clock):
    """Failures spread over two app instances (as over two worker processes) add up."""
    from webapp import create_app
    other_worker = create_app(dict(app.config))
    for minute, worker in zip(range(5), (app, other_worker, app, other_worker, app)):
        clock.now = datetime(2024, 3, 20, 10, minute)
        try_login(worker, "giolinh", "sai")
    assert LoginAttempt.select().where(LoginAttempt.succeeded == False).count() == 5  # noqa: E712
    assert "tạm bị khóa" in try_login(other_worker, "giolinh", DEMO_PASSWORD).get_data(as_text=True)


def test_many_failures_from_one_address_lock_that_address(demo, app, clock):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for i in range(3):
        try_login(app, f"khongco{i}", "sai", address="10.9.9.9")
    assert "quá nhiều lần đăng nhập sai từ máy này" in try_login(app, "quaicang", DEMO_PASSWORD,
                                                                  address="10.9.9.9").get_data(as_text=True)
    assert try_login(app, "quaicang", DEMO_PASSWORD, address="10.1.1.1").status_code == 302


def test_a_success_clears_earlier_failures(demo, app, clock):
    for minute in range(4):
        clock.now = datetime(2024, 3, 20, 10, minute)
        try_login(app, "giolinh", "sai")
    clock.now = datetime(2024, 3, 20, 10, 5)
    assert try_login(app, "giolinh", DEMO_PASSWORD).status_code == 302
    for minute in range(6, 10):
        clock.now = datetime(2024, 3, 20, 10, minute)
        try_login(app, "giolinh", "sai")
    clock.now = datetime(2024, 3, 20, 10, 11)
    assert try_login(app, "giolinh", DEMO_PASSWORD).status_code == 302


def test_session_cookie_flags_and_idle_timeout(demo, app):
    response = try_login(app, "quaicang", DEMO_PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=60)


def test_secure_cookie_when_configured_for_https(tmp_path, monkeypatch):
    monkeypatch.setenv("HTTPS", "1")
    app = make_app(tmp_path)
    load_demo()
    assert "Secure" in try_login(app, "quaicang", DEMO_PASSWORD).headers["Set-Cookie"]


def test_an_idle_session_ends(demo, app, client_for):
    import time
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=1)
    client = client_for("quaicang")
    assert client.get("/").status_code == 200
    time.sleep(2.1)
    response = client.get("/")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_security_headers_on_every_page(demo, client_for, app):
    for response in (app.test_client().get("/dang-nhap"), client_for("quaicang").get("/"),
                     app.test_client().get("/static/app.css")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_page_has_inline_script_or_style(demo, client_for):
    import re
    client = client_for("admin")
    for path in ("/", "/van-ban/", "/van-ban/1", "/tong-hop/", "/chi-tieu/", "/quan-tri/", "/quan-tri/don-vi/",
                 "/so-lieu/", "/giao-viec/1"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert " style=" not in page and "<style" not in page, path
        assert not re.search(r"\son[a-z]+=", page), path
