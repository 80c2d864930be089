"""Creating users and checking passwords (no Flask request needed, so the CLI can use it)."""
from werkzeug.security import check_password_hash, generate_password_hash

from .models import User

DEFAULT_METHOD = "scrypt"


def hash_password(password: str, method: str = DEFAULT_METHOD) -> str:
    return generate_password_hash(password, method=method)


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def create_user(username, password, full_name, role, unit, method=DEFAULT_METHOD, **extra) -> User:
    return User.create(username=username, password_hash=hash_password(password, method),
                       full_name=full_name, role=role, unit=unit, **extra)


def set_password(user: User, password: str, method: str = DEFAULT_METHOD) -> None:
    """The user's own choice of password: it clears the admin's 'must change' flag."""
    User.update(password_hash=hash_password(password, method), must_change_password=False).where(
        User.id == user.id).execute()
