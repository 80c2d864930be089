"""Login throttling shared through the database, session cookies and security headers."""
import logging
import os
import re
import stat
from datetime import datetime, timedelta
from pathlib import Path

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
    assert try_login(app, "giolinh", DEMO_PASSWORD, address="10.0.0.2").status_code == 302  # nor other machines
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


def test_failures_from_one_address_do_not_keep_the_account_locked_elsewhere(demo, app, clock):
    for minute in range(5):
        clock.now = datetime(2024, 3, 20, 10, minute)
        try_login(app, "admin", "sai", address="203.0.113.9")
    assert "tạm bị khóa" in try_login(app, "admin", DEMO_PASSWORD, address="203.0.113.9").get_data(as_text=True)
    assert try_login(app, "admin", DEMO_PASSWORD, address="10.0.0.1").status_code == 302


def test_attempts_refused_while_locked_are_not_counted_and_the_lock_ends(demo, app, clock):
    """Five requests every quarter of an hour from one address used to keep an account out for ever."""
    for minute in range(5):
        clock.now = datetime(2024, 3, 20, 10, minute)
        try_login(app, "admin", "sai", address="203.0.113.9")
    recorded = LoginAttempt.select().count()
    for minute in range(5, 15):  # the attacker keeps trying while it is locked
        clock.now = datetime(2024, 3, 20, 10, minute)
        assert "tạm bị khóa" in try_login(app, "admin", "sai", address="203.0.113.9").get_data(as_text=True)
    assert LoginAttempt.select().count() == recorded  # refused tries leave no row
    clock.now = datetime(2024, 3, 20, 10, 20)  # 15 minutes after the last failure that counted
    assert try_login(app, "admin", DEMO_PASSWORD, address="203.0.113.9").status_code == 302


def test_many_failures_from_many_addresses_lock_the_username_everywhere(demo, app, clock):
    app.config["LOGIN_MAX_FAILURES_PER_USER_ANYWHERE"] = 6
    for n in range(6):
        clock.now = datetime(2024, 3, 20, 10, n)
        try_login(app, "admin", "sai", address=f"198.51.100.{n}")
    clock.now = datetime(2024, 3, 20, 10, 7)
    refused = try_login(app, "admin", DEMO_PASSWORD, address="10.0.0.1").get_data(as_text=True)
    assert "nhiều máy" in refused
    assert try_login(app, "quaicang", DEMO_PASSWORD, address="10.0.0.1").status_code == 302


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


def test_query_keys_never_steer_the_links_a_page_builds(demo, client_for):
    """url_for took the query string whole: a view argument gave a 500, _external made links absolute."""
    from webapp.models import Assignment, Task, Unit
    weekly = (Assignment.select().join(Task).switch(Assignment).join(Unit)
              .where((Unit.name == "Tổ công tác Đề án 06 xã Quài Cang") & (Task.number == "1.2")).get())
    client = client_for("quaicang")
    moved = client.get(f"/giao-viec/{weekly.id}/ky-bao-cao?assignment_id=1&_anchor=x&trang=2")
    assert moved.status_code == 302
    assert moved.headers["Location"] == f"/giao-viec/{weekly.id}?trang=2"
    page = client.get("/?status=overdue&_external=1&_anchor=ngoai&_scheme=https").get_data(as_text=True)
    links = re.findall(r'href="([^"]+)"', page)
    assert links and not [link for link in links if link.startswith("http") or "#ngoai" in link]
    admin = client_for("admin")
    assert admin.get("/chi-tieu/xuat?set_id=1&_method=POST").status_code == 302
    assert admin.get("/so-lieu/2a/1?unit_id=2&set_id=3").status_code == 302


def test_behind_the_proxy_only_the_headers_nginx_sets_are_trusted(tmp_path):
    app = make_app(tmp_path, PROXY_COUNT=1)
    load_demo()
    from webapp.models import User
    User.update(calendar_token="t" * 43).where(User.username == "quaicang").execute()
    client = app.test_client()
    headers = {"X-Forwarded-Host": "ke-gian.example", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    client.post("/dang-nhap", data={"username": "quaicang", "password": DEMO_PASSWORD}, headers=headers)
    page = client.get("/", headers=headers).get_data(as_text=True)
    assert "ke-gian.example" not in page
    assert "https://localhost/lich/" in page  # the calendar feed's absolute address: the Host nginx passes
    attempt = LoginAttempt.select().order_by(LoginAttempt.id.desc()).get()
    assert attempt.address == "203.0.113.7"  # the client's address, as nginx adds it


def test_the_app_refuses_to_start_on_a_published_or_short_secret_key(tmp_path, monkeypatch):
    from webapp import config
    monkeypatch.setenv("DB_DIR", str(tmp_path))
    for key in ("thay-bang-chuoi-ngau-nhien-dai-64-ky-tu", "ngan-qua", "x" * 31):
        monkeypatch.setenv("SECRET_KEY", key)
        try:
            config.from_env()
        except config.ConfigError as refused:
            assert "secrets.token_hex(32)" in str(refused)
        else:
            raise AssertionError(f"started on the key {key!r}")
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    assert config.from_env()["SECRET_KEY"] == "k" * 32
    sample = (Path(__file__).resolve().parent.parent / "deploy" / "theodoi.env.sample").read_text()
    assert not re.search(r"^SECRET_KEY=", sample, re.M)  # left commented: the key file is made instead


def test_the_key_file_is_made_once_readable_by_its_owner_only(tmp_path, monkeypatch):
    from webapp import config
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DB_DIR", str(tmp_path))
    previous = os.umask(0o022)
    try:
        first = config.from_env()["SECRET_KEY"]
    finally:
        os.umask(previous)
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) == 64 and config.from_env()["SECRET_KEY"] == first
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no draft left behind
