"""Login throttling counted in the database, so that it holds across every server worker process.

Failures are counted per username from one address (a few), per username from anywhere (many more:
one address cannot lock an account out from everywhere) and per address (any usernames). An
attempt refused because a limit was reached is not counted: refused tries cannot keep a lock alive,
which ends when the window has passed. Checking the limits and recording the attempt are one step
(one serialised transaction): of many simultaneous tries with a wrong password, only as many as the
limit allows reach the password check; the others are refused without it."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import fn

from ..db import database
from ..models import LoginAttempt

KEEP = timedelta(days=2)  # older attempts are of no use to the throttle


@dataclass(frozen=True)
class Limits:
    per_user_and_address: int = 5
    per_user: int = 100
    per_address: int = 20
    window_minutes: int = 15

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(config["LOGIN_MAX_FAILURES_PER_USER"], config["LOGIN_MAX_FAILURES_PER_USER_ANYWHERE"],
                   config["LOGIN_MAX_FAILURES_PER_ADDRESS"], config["LOGIN_WINDOW_MINUTES"])


def _failures_since(condition, start: datetime) -> int:
    last_success = (LoginAttempt.select(fn.MAX(LoginAttempt.at))
                    .where(condition & (LoginAttempt.succeeded == True)).scalar())  # noqa: E712
    since = max(start, last_success) if last_success else start
    return LoginAttempt.select().where(condition & (LoginAttempt.succeeded == False)  # noqa: E712
                                       & (LoginAttempt.at > since)).count()


def lockout_message(username: str, address: str, now: datetime, limits: Limits) -> str | None:
    """Why this login may not even be tried now, in Vietnamese; None when it may."""
    start = now - timedelta(minutes=limits.window_minutes)
    user, place = LoginAttempt.username == username[:60], LoginAttempt.address == address[:64]
    wait = f"Vui lòng thử lại sau {limits.window_minutes} phút hoặc liên hệ quản trị."
    if _failures_since(user & place, start) >= limits.per_user_and_address:
        return (f"Tài khoản “{username}” tạm bị khóa trên máy này vì nhập sai mật khẩu "
                f"{limits.per_user_and_address} lần. {wait}")
    if _failures_since(place, start) >= limits.per_address:
        return f"Có quá nhiều lần đăng nhập sai từ máy này. Vui lòng thử lại sau {limits.window_minutes} phút."
    if _failures_since(user, start) >= limits.per_user:
        return (f"Tài khoản “{username}” tạm bị khóa vì có quá nhiều lần nhập sai mật khẩu từ nhiều máy. {wait}")
    return None


def begin_attempt(username: str, address: str, now: datetime, limits: Limits) -> tuple[int | None, str | None]:
    """Check the limits and, when the password may be checked, record this attempt as a failure, in
    one step that no other attempt interleaves with. Returns (the attempt's id, None) when the
    password may be checked (call succeeded() if it is right), or (None, why not) when the login
    must wait; a refused attempt leaves no row."""
    with database.atomic():
        message = lockout_message(username, address, now, limits)
        if message:
            return None, message
        attempt = LoginAttempt.create(username=username[:60], address=address[:64], at=now, succeeded=False)
        LoginAttempt.delete().where(LoginAttempt.at < now - KEEP).execute()
    return attempt.id, None


def succeeded(attempt_id: int) -> None:
    """The password of this attempt was right: it clears the failures before it."""
    LoginAttempt.update(succeeded=True).where(LoginAttempt.id == attempt_id).execute()
