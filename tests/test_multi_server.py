"""Several app servers behind one nginx share one database, one SECRET_KEY and one UPLOAD_DIR: a
session, an upload and the login throttle made on one are honoured by another; nothing a worker
needs lives only in one process's memory."""
import io

from tests.helpers import DEMO_PASSWORD
from webapp import create_app
from webapp.models import Assignment, LoginAttempt, Task, Unit, Update

PDF = b"%PDF-1.4\n%hai may chu\n"


def second_server(app, **overrides):
    """Another app process configured like the first (same database, key and upload folder)."""
    config = {k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_DIR", "PASSWORD_METHOD",
                                         "WTF_CSRF_ENABLED", "CLOCK")}
    return create_app({**config, **overrides})


def test_a_session_and_an_upload_made_on_one_server_work_on_another(demo, app):
    other = second_server(app)
    one, two = app.test_client(), other.test_client()
    assert one.post("/dang-nhap", data={"username": "quaicang", "password": DEMO_PASSWORD}).status_code == 302
    two.set_cookie("session", one.get_cookie("session").value)
    assert two.get("/").status_code == 200  # logged in on the second server with the first's cookie
    assignment = (Assignment.select().join(Task).switch(Assignment).join(Unit)
                  .where((Unit.name == "Tổ công tác Đề án 06 xã Quài Cang") & (Task.number == "1.1")).get())
    response = one.post(f"/giao-viec/{assignment.id}", content_type="multipart/form-data",
                        data={"state": "in_progress", "percent": "20", "note": "từ máy chủ 1", "version": "1",
                              "evidence": (io.BytesIO(PDF), "bien-ban.pdf")})
    assert response.status_code == 302
    update = Update.get(Update.assignment == assignment.id)
    download = two.get(f"/giao-viec/{assignment.id}/minh-chung/{update.id}")
    assert download.status_code == 200 and download.data == PDF


def test_behind_the_proxy_throttling_counts_the_real_address(demo, app):
    client = second_server(app, PROXY_COUNT=1).test_client()
    client.post("/dang-nhap", data={"username": "quaicang", "password": "sai"},
                headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert LoginAttempt.get().address == "203.0.113.7"


def test_the_proxy_setting_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PROXY_COUNT", "1")
    from tests.helpers import make_app
    app = make_app(tmp_path)
    assert app.config["PROXY_COUNT"] == 1 and type(app.wsgi_app).__name__ == "ProxyFix"


def test_the_deployment_gunicorn_configuration_loads(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([str(Path(sys.executable).parent / "gunicorn"), "--check-config", "-c",
                             "deploy/gunicorn.conf.py", "wsgi:app"], cwd=root, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "DB_DIR": str(tmp_path), "SECRET_KEY": "k" * 64},
                            timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    for name in ("theodoi.service", "nginx-theodoi.conf", "theodoi.env.sample"):
        assert (root / "deploy" / name).is_file()
