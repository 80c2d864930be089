"""Login throttling counted in the database, so that it holds across every server worker process.

Counting the failures and recording the attempt are one step (one serialised transaction): of many
simultaneous tries with a wrong password, only as many as the limit allows reach the password
check; the others are refused without it."""
from datetime import datetime, timedelta

from peewee import fn

from ..db import database
from ..models import LoginAttempt

KEEP = timedelta(days=2)  # older attempts are of no use to the throttle


def _failures_since(condition, start: datetime) -> int:
    last_success = (LoginAttempt.select(fn.MAX(LoginAttempt.at))
                    .where(condition & (LoginAttempt.succeeded == True)).scalar())  # noqa: E712
    since = max(start, last_success) if last_success else start
    return LoginAttempt.select().where(condition & (LoginAttempt.succeeded == False)  # noqa: E712
                                       & (LoginAttempt.at > since)).count()


def lockout_message(username: str, address: str, now: datetime, max_per_user: int, max_per_address: int,
                    window_minutes: int) -> str | None:
    """Why this login may not even be tried now, in Vietnamese; None when it may."""
    start = now - timedelta(minutes=window_minutes)
    if _failures_since(LoginAttempt.username == username[:60], start) >= max_per_user:
        return (f"Tài khoản “{username}” tạm bị khóa vì nhập sai mật khẩu {max_per_user} lần. "
                f"Vui lòng thử lại sau {window_minutes} phút hoặc liên hệ quản trị.")
    if _failures_since(LoginAttempt.address == address[:64], start) >= max_per_address:
        return (f"Có quá nhiều lần đăng nhập sai từ máy này. Vui lòng thử lại sau {window_minutes} phút.")
    return None


def begin_attempt(username: str, address: str, now: datetime, max_per_user: int, max_per_address: int,
                  window_minutes: int) -> tuple[int | None, str | None]:
    """Check the limits and record this attempt as a failure, in one step that no other attempt
    interleaves with. Returns (the attempt's id, None) when the password may be checked (call
    succeeded() if it is right), or (None, why not) when the login must wait; either way the
    attempt counts as a failure until it succeeds."""
    with database.atomic():
        message = lockout_message(username, address, now, max_per_user, max_per_address, window_minutes)
        attempt = LoginAttempt.create(username=username[:60], address=address[:64], at=now, succeeded=False)
        LoginAttempt.delete().where(LoginAttempt.at < now - KEEP).execute()
    return (None, message) if message else (attempt.id, None)


def succeeded(attempt_id: int) -> None:
    """The password of this attempt was right: it clears the failures before it."""
    LoginAttempt.update(succeeded=True).where(LoginAttempt.id == attempt_id).execute()
