"""Logging in and out, login required everywhere, CSRF on every POST."""
import gzip
import re

from tests.helpers import DEMO_PASSWORD, load_demo, make_app


def test_every_page_needs_a_login(demo, app):
    client = app.test_client()
    for path in ("/", "/van-ban/", "/van-ban/1", "/giao-viec/1", "/giao-viec/1/minh-chung/1", "/quan-tri/"):
        response = client.get(path)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"], path


def test_wrong_password_is_refused_with_a_vietnamese_message(demo, app):
    response = app.test_client().post("/dang-nhap", data={"username": "quaicang", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(demo, app):
    client = app.test_client()
    response = client.post("/dang-nhap?next=/van-ban/", data={"username": "quaicang", "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/van-ban/"
    client = app.test_client()
    response = client.post("/dang-nhap?next=//evil.example/", data={"username": "quaicang", "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/"


def test_inactive_user_cannot_log_in(demo, app):
    from webapp.models import User
    User.update(active=False).where(User.username == "giolinh").execute()
    response = app.test_client().post("/dang-nhap", data={"username": "giolinh", "password": DEMO_PASSWORD})
    assert response.status_code == 200


def test_logout_is_a_post_and_ends_the_session(demo, client_for):
    client = client_for("quaicang")
    assert client.get("/dang-xuat").status_code == 405
    client.post("/dang-xuat")
    assert client.get("/").status_code == 302


def test_posts_without_a_csrf_token_are_refused_in_vietnamese(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    load_demo()
    client = app.test_client()
    response = client.post("/dang-nhap", data={"username": "quaicang", "password": DEMO_PASSWORD})
    assert response.status_code == 400 and "mã bảo vệ" in response.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/dang-nhap").get_data(as_text=True)).group(1)
    response = client.post("/dang-nhap", data={"username": "quaicang", "password": DEMO_PASSWORD,
                                               "csrf_token": token})
    assert response.status_code == 302
    # A logged-in POST without the token (as a forged cross-site form would be) is refused; the
    # session, and so the token, is renewed at login.
    assert client.post("/dang-xuat").status_code == 400
    assert client.post("/dang-xuat", headers={"X-CSRFToken": token}).status_code == 400
    fresh = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    assert client.post("/dang-xuat", headers={"X-CSRFToken": fresh}).status_code == 302


def test_every_page_carries_the_csrf_token_under_a_new_mask(tmp_path):
    """BREACH: a compressed page holding the same token beside reflected text leaks it byte by byte."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    load_demo()
    client = app.test_client()
    login = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post("/dang-nhap", data={"username": "quaicang", "password": DEMO_PASSWORD, "csrf_token": token})
    pages = [client.get("/?q=csrf", headers={"Accept-Encoding": "gzip"}) for _ in range(3)]
    assert all(p.headers.get("Content-Encoding") == "gzip" for p in pages)
    tokens = [re.findall(r'"X-CSRFToken": "([^"]+)"', gzip.decompress(p.data).decode())[0] for p in pages]
    assert len(set(tokens)) == 3  # three responses, three different byte strings
    in_form = re.search(r'name="csrf_token" value="([^"]+)"', gzip.decompress(pages[0].data).decode()).group(1)
    assert in_form not in tokens  # even within one page
    # Any of them is accepted; the raw token or a changed one is not.
    assert client.post("/thong-bao/da-doc-tat-ca", headers={"X-CSRFToken": tokens[0]}).status_code == 302
    assert client.post("/thong-bao/da-doc-tat-ca", data={"csrf_token": tokens[2]}).status_code == 302
    from webapp.csrf import unmask
    raw = unmask(tokens[1])
    assert client.post("/thong-bao/da-doc-tat-ca", headers={"X-CSRFToken": raw}).status_code == 400
    assert client.post("/thong-bao/da-doc-tat-ca", headers={"X-CSRFToken": tokens[1][:-4] + "AAAA"}).status_code == 400


def test_user_changes_own_password(demo, client_for, app):
    client = client_for("giolinh")
    bad = client.post("/doi-mat-khau", data={"current": "sai", "new": "matkhau-moi-1", "confirm": "matkhau-moi-1"})
    assert "Mật khẩu hiện tại không đúng." in bad.get_data(as_text=True)
    mismatch = client.post("/doi-mat-khau",
                           data={"current": DEMO_PASSWORD, "new": "matkhau-moi-1", "confirm": "khac"})
    assert "không khớp" in mismatch.get_data(as_text=True)
    short = client.post("/doi-mat-khau", data={"current": DEMO_PASSWORD, "new": "ngan", "confirm": "ngan"})
    assert "ít nhất 8" in short.get_data(as_text=True) or "từ 8 ký tự" in short.get_data(as_text=True)
    ok = client.post("/doi-mat-khau",
                     data={"current": DEMO_PASSWORD, "new": "matkhau-moi-1", "confirm": "matkhau-moi-1"})
    assert ok.status_code == 302
    fresh = app.test_client()
    assert fresh.post("/dang-nhap", data={"username": "giolinh", "password": DEMO_PASSWORD}).status_code == 200
    assert fresh.post("/dang-nhap", data={"username": "giolinh", "password": "matkhau-moi-1"}).status_code == 302


def test_a_password_set_by_the_admin_must_be_changed_first(demo, client_for, app):
    from webapp.models import User
    User.update(must_change_password=True).where(User.username == "giolinh").execute()
    client = client_for("giolinh")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/doi-mat-khau")
    assert client.get("/van-ban/").status_code == 302
    client.post("/doi-mat-khau", data={"current": DEMO_PASSWORD, "new": "matkhau-moi-2", "confirm": "matkhau-moi-2"})
    assert client.get("/").status_code == 200
    assert User.get(User.username == "giolinh").must_change_password is False
