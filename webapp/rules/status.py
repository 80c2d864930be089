"""The status class of an assignment, derived from due time, completion time and now."""
from datetime import datetime, timedelta

NOT_DUE = "not_due"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"

CLASSES = [OVERDUE, DUE_SOON, NOT_DUE, DONE_ON_TIME, DONE_LATE]
LABELS = {
    NOT_DUE: "Đang thực hiện trong hạn",
    DUE_SOON: "Sắp đến hạn",
    OVERDUE: "Đang thực hiện quá hạn",
    DONE_ON_TIME: "Hoàn thành đúng hạn",
    DONE_LATE: "Hoàn thành quá hạn",
}
# Shown next to the colour so the class is never told by colour alone.
SYMBOLS = {NOT_DUE: "○", DUE_SOON: "◔", OVERDUE: "⚠", DONE_ON_TIME: "✓", DONE_LATE: "✓!"}


def classify(due_at: datetime | None, done_at: datetime | None, now: datetime,
             due_soon_days: int = 3) -> str:
    """Done on or before the due time is on time; not done at the due time itself is not yet late."""
    if done_at is not None:
        if due_at is None or done_at <= due_at:
            return DONE_ON_TIME
        return DONE_LATE
    if due_at is None:
        return NOT_DUE
    if now > due_at:
        return OVERDUE
    if now >= due_at - timedelta(days=due_soon_days):
        return DUE_SOON
    return NOT_DUE
