"""'Now' in Vietnam time. The app reads it through app.config['CLOCK'] so tests can freeze it."""
from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def vietnam_now() -> datetime:
    """Naive local time (Vietnam has no daylight saving), to the second, as stored in the database."""
    return datetime.now(TZ).replace(tzinfo=None, microsecond=0)
