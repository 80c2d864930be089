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


def active_user(user_id) -> User | None:
    """The active user with this id, with their unit; None otherwise (ended or deactivated)."""
    return (User.select(User, Unit).join(Unit)
            .where((User.id == int(user_id)) & (User.active == True))  # noqa: E712
            .first())


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
        user.save()
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
