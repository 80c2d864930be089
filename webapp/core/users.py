"""User accounts: creating and editing them, and passwords (no Flask, so the CLI can use it)."""
from datetime import datetime

from peewee import fn
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import database
from ..models import Unit, User
from . import audit

DEFAULT_METHOD = "scrypt"


def hash_password(password: str, method: str = DEFAULT_METHOD) -> str:
    return generate_password_hash(password, method=method)


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


_dummy_hashes: dict[str, str] = {}


def authenticate(username: str, password: str, method: str = DEFAULT_METHOD) -> User | None:
    """The active user with this username and password, else None. An unknown or deactivated
    username costs the same one hash check as a known one, so the answer's timing does not tell
    which usernames exist."""
    user = User.get_or_none(User.username == username)
    if user is None or not user.active:
        if method not in _dummy_hashes:
            _dummy_hashes[method] = hash_password("không phải mật khẩu của ai", method)
        check_password_hash(_dummy_hashes[method], password)
        return None
    return user if check_password(user, password) else None


def active_user(session_id) -> User | None:
    """The active user a session names ("id:generation", User.get_id), with their unit; None when
    that user is gone or deactivated, or the session was ended since (end_sessions). A session from
    before generations existed (a bare id) has ended too."""
    user_id, _, generation = str(session_id).partition(":")
    try:
        user_id, generation = int(user_id), int(generation)
    except ValueError:
        return None
    if not (0 < user_id < 2**63 and 0 <= generation < 2**63):
        return None
    return (User.select(User, Unit).join(Unit)
            .where((User.id == user_id) & (User.active == True)  # noqa: E712
                   & (User.session_generation == generation))
            .first())


def end_sessions(user_id: int) -> None:
    """End every session of the user (on every device): the ones they hold carry the old generation."""
    User.update(session_generation=User.session_generation + 1).where(User.id == user_id).execute()


def create_user(username, password, full_name, role, unit, method=DEFAULT_METHOD, *, now: datetime,
                actor_id=None, **extra) -> User:
    """Create a user, audited (without the hash) as done by actor_id (None: the command line)."""
    with database.atomic():
        user = User.create(username=username, password_hash=hash_password(password, method),
                           full_name=full_name, role=role, unit=unit, created_at=now, **extra)
        audit.record("create", "user", user.id, user_id=actor_id, unit_id=user.unit_id, after=user, at=now,
                     summary=f"Tạo người dùng #{user.id}: {user.username}")
    return user


def set_password(user: User, password: str, method: str = DEFAULT_METHOD, *, now: datetime, actor_id=None) -> None:
    """The user's own choice of password: it clears the admin's 'must change' flag.
    Audited as done by actor_id, the user themself by default; the log says only that it changed."""
    with database.atomic():
        User.update(password_hash=hash_password(password, method), must_change_password=False).where(
            User.id == user.id).execute()
        end_sessions(user.id)  # a stolen session ends with the password it was stolen under
        audit.record("update", "user", user.id, user_id=actor_id or user.id, unit_id=user.unit_id, at=now,
                     before={"must_change_password": user.must_change_password},
                     after={"password": audit.PASSWORD_CHANGED, "must_change_password": False},
                     summary=f"Đổi mật khẩu của người dùng #{user.id}: {user.username}")


def reset_password(user: User, password: str, method: str, *, now: datetime, actor_id=None) -> None:
    """A password typed by the admin is known to two people: the user must change it.
    The log records that the password was reset, never the hash."""
    before = {"must_change_password": user.must_change_password}
    with database.atomic():
        user.password_hash = hash_password(password, method)
        user.must_change_password = True
        user.save(only=[User.password_hash, User.must_change_password])
        end_sessions(user.id)
        audit.record("update", "user", user.id, user_id=actor_id, unit_id=user.unit_id, before=before, at=now,
                     after={"password": audit.PASSWORD_RESET, "must_change_password": True},
                     summary=f"Đặt lại mật khẩu người dùng #{user.id}: {user.username}")


def username_taken(username: str, except_id: int | None = None) -> bool:
    """Case-insensitive, so 'Admin' and 'admin' cannot both exist."""
    query = User.select().where(fn.LOWER(User.username) == username.strip().lower())
    if except_id is not None:
        query = query.where(User.id != except_id)
    return query.exists()


def self_edit_errors(actor: User, user: User, role: str, active: bool) -> dict:
    """An admin may not lock themself out: no self-demotion, no self-deactivation."""
    if actor.id != user.id:
        return {}
    errors = {}
    if role != "admin":
        errors["role"] = "Bạn không thể tự bỏ quyền quản trị của chính mình."
    if not active:
        errors["active"] = "Bạn không thể tự khóa tài khoản của chính mình."
    return errors


def save_user(user: User, fields: dict, *, now: datetime, actor_id=None) -> User:
    """Update an account's name, role, unit and status; audited as done by actor_id."""
    before = audit.snapshot(user)
    with database.atomic():
        for name, value in fields.items():
            setattr(user, name, value)
        user.save(only=[f for f in User._meta.sorted_fields if f.name in fields])
        if before["active"] and not user.active:
            end_sessions(user.id)
        audit.record_change("user", user.id, before, user, user_id=actor_id, unit_id=user.unit_id, at=now,
                            summary=f"Sửa người dùng #{user.id}: {user.username}")
    return user


def save_account(user: User, email: str, email_reminders: bool, *, now: datetime) -> None:
    """The user's own settings: e-mail address and the daily digest; audited as done by the user."""
    before = audit.snapshot(user, ("email", "email_reminders"))
    with database.atomic():
        User.update(email=email, email_reminders=email_reminders).where(User.id == user.id).execute()
        after = {"email": email, "email_reminders": email_reminders}
        if before != after:
            audit.record("update", "user", user.id, user_id=user.id, unit_id=user.unit_id, at=now, before=before,
                         after=after, summary=f"Sửa thông tin nhận thông báo của người dùng #{user.id}: {user.username}")
    user.email, user.email_reminders = email, email_reminders
