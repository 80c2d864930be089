"""Creating users and checking passwords (no Flask request needed, so the CLI can use it)."""
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .db import database
from .models import User

DEFAULT_METHOD = "scrypt"


def hash_password(password: str, method: str = DEFAULT_METHOD) -> str:
    return generate_password_hash(password, method=method)


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def create_user(username, password, full_name, role, unit, method=DEFAULT_METHOD, *, actor_id=None,
                **extra) -> User:
    """Create a user, audited (without the hash) as done by actor_id (None: the command line)."""
    with database.atomic():
        user = User.create(username=username, password_hash=hash_password(password, method),
                           full_name=full_name, role=role, unit=unit, **extra)
        audit.record("create", "user", user.id, user_id=actor_id, unit_id=user.unit_id, after=user,
                     summary=f"Tạo người dùng #{user.id}: {user.username}")
    return user


def set_password(user: User, password: str, method: str = DEFAULT_METHOD, *, actor_id=None) -> None:
    """The user's own choice of password: it clears the admin's 'must change' flag.
    Audited as done by actor_id, the user themself by default; the log says only that it changed."""
    with database.atomic():
        User.update(password_hash=hash_password(password, method), must_change_password=False).where(
            User.id == user.id).execute()
        audit.record("update", "user", user.id, user_id=actor_id or user.id, unit_id=user.unit_id,
                     before={"must_change_password": user.must_change_password},
                     after={"password": audit.PASSWORD_CHANGED, "must_change_password": False},
                     summary=f"Đổi mật khẩu của người dùng #{user.id}: {user.username}")
