"""Sessions end when they should: on logout (a copy of the cookie taken before is refused), on a
password change or reset (every session of that user), and on deactivation. The login throttle
counts and checks in one step, and an unknown username costs the same hash check as a known one."""
import threading
import time
from datetime import datetime

import pytest

from tests.helpers import DEMO_PASSWORD, FAST_HASH, Factory
from webapp.core import users
from webapp.models import User


def logged_in(app, username, password=DEMO_PASSWORD):
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": username, "password": password}).status_code == 302
    return client


def copy_of(app, client):
    """Another browser holding a copy of the client's session cookie (as a thief would)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def is_logged_in(client) -> bool:
    """Still in a session: the home page, or (after an admin's reset) the page to change one's password."""
    response = client.get("/")
    return response.status_code == 200 or response.headers.get("Location") == "/doi-mat-khau"


def test_a_copied_session_cookie_stops_working_after_logout(demo, app):
    client = logged_in(app, "quaicang")
    stolen = copy_of(app, client)
    assert is_logged_in(stolen)
    client.post("/dang-xuat")
    assert not is_logged_in(client)
    assert not is_logged_in(stolen)
    assert is_logged_in(logged_in(app, "quaicang"))  # logging in again works


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(demo, app):
    here, elsewhere = logged_in(app, "giolinh"), logged_in(app, "giolinh")
    response = here.post("/doi-mat-khau", data={"current": DEMO_PASSWORD, "new": "mat-khau-moi-2024",
                                                "confirm": "mat-khau-moi-2024"})
    assert response.status_code == 302
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    assert is_logged_in(logged_in(app, "giolinh", "mat-khau-moi-2024"))


def test_an_admin_password_reset_ends_every_session_of_that_user(demo, app):
    victim, other_user = logged_in(app, "quaicang"), logged_in(app, "giolinh")
    admin = logged_in(app, "admin")
    user = User.get(User.username == "quaicang")
    response = admin.post(f"/quan-tri/nguoi-dung/{user.id}/mat-khau",
                          data={"password": "dat-lai-2024", "confirm": "dat-lai-2024"})
    assert response.status_code == 302
    assert not is_logged_in(victim)
    assert is_logged_in(other_user) and is_logged_in(admin)


def test_deactivating_a_user_ends_their_sessions_for_good(demo, app):
    client = logged_in(app, "quaicang")
    admin = logged_in(app, "admin")
    user = User.get(User.username == "quaicang")
    admin.post(f"/quan-tri/nguoi-dung/{user.id}/sua", data={"full_name": user.full_name, "role": user.role,
                                                            "unit": user.unit_id})  # "active" unticked
    assert not User.get_by_id(user.id).active
    assert not is_logged_in(client)
    User.update(active=True).where(User.id == user.id).execute()
    assert not is_logged_in(client)  # reactivating does not bring the old session back


def test_a_session_names_its_user_and_generation():
    user = User(id=7, session_generation=3)
    assert user.get_id() == "7:3"
    assert users.active_user("7") is None  # a cookie from before generations: logged out
    assert users.active_user("x:1") is None and users.active_user(f"{2**70}:0") is None


def test_saving_a_user_does_not_bring_back_an_ended_session(app):
    """The admin's form saves only its own fields, never a stale generation read before a logout."""
    user = Factory(datetime(2024, 3, 20)).user("nguoi_dung_a")
    stale = User.get_by_id(user.id)
    users.end_sessions(user.id)
    users.save_user(stale, {"full_name": "Tên mới"}, now=datetime(2024, 3, 20))
    assert User.get_by_id(user.id).session_generation == 1


class CountingHash:
    """werkzeug's check_password_hash, counted; slowed down like the real scrypt so that a race
    between checking the count and recording a failure would show."""

    def __init__(self, real, delay=0.0):
        self.real, self.delay, self.calls = real, delay, 0
        self.lock = threading.Lock()

    def __call__(self, pwhash, password):
        with self.lock:
            self.calls += 1
        time.sleep(self.delay)
        return self.real(pwhash, password)


@pytest.mark.parametrize("spread", [False, True])
def test_forty_simultaneous_wrong_passwords_are_checked_only_five_times(demo, app, monkeypatch, spread):
    """From one address the per-address limit of a username holds; spread over forty addresses, the
    limit of the username from anywhere (set to five here) holds the same way."""
    app.config["LOGIN_MAX_FAILURES_PER_USER_ANYWHERE"] = 5
    counter = CountingHash(users.check_password_hash, delay=0.05)
    monkeypatch.setattr(users, "check_password_hash", counter)
    tries = 40
    barrier, answers = threading.Barrier(tries), []

    def attempt(n):
        client = app.test_client()
        barrier.wait(timeout=30)
        address = f"10.0.{n // 250}.{n % 250}" if spread else "10.0.0.9"
        response = client.post("/dang-nhap", data={"username": "giolinh", "password": f"sai-{n}"},
                               environ_base={"REMOTE_ADDR": address})
        answers.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == tries and all(status == 200 for status, _ in answers)
    assert counter.calls == app.config["LOGIN_MAX_FAILURES_PER_USER"] == 5
    assert sum("tạm bị khóa" in body for _, body in answers) == tries - 5


@pytest.mark.parametrize("username", ["khong_ton_tai", "giolinh"])
def test_an_unknown_username_costs_the_same_one_hash_check_as_a_known_one(demo, app, monkeypatch, username):
    counter = CountingHash(users.check_password_hash)
    monkeypatch.setattr(users, "check_password_hash", counter)
    response = app.test_client().post("/dang-nhap", data={"username": username, "password": "sai-mat-khau"})
    assert "không đúng" in response.get_data(as_text=True)
    assert counter.calls == 1


def test_the_dummy_hash_uses_the_configured_method_so_it_costs_the_same(app, monkeypatch):
    seen = []
    monkeypatch.setattr(users, "check_password_hash", lambda pwhash, password: seen.append(pwhash) or False)
    assert users.authenticate("khong_ton_tai", "x", FAST_HASH) is None
    assert seen and seen[0].startswith(FAST_HASH.split(":")[0] + ":")
