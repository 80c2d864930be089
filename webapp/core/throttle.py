"""Login throttling counted in the database, so that it holds across every server worker process."""
from datetime import datetime, timedelta

from peewee import fn

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
    if _failures_since(LoginAttempt.username == username, start) >= max_per_user:
        return (f"Tài khoản “{username}” tạm bị khóa vì nhập sai mật khẩu {max_per_user} lần. "
                f"Vui lòng thử lại sau {window_minutes} phút hoặc liên hệ quản trị.")
    if _failures_since(LoginAttempt.address == address, start) >= max_per_address:
        return (f"Có quá nhiều lần đăng nhập sai từ máy này. Vui lòng thử lại sau {window_minutes} phút.")
    return None


def record(username: str, address: str, now: datetime, succeeded: bool) -> None:
    LoginAttempt.create(username=username[:60], address=address[:64], at=now, succeeded=succeeded)
    if not succeeded:
        LoginAttempt.delete().where(LoginAttempt.at < now - KEEP).execute()
