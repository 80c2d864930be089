"""The status class of an assignment, derived from due time, completion time and now.

An assignment whose completion was reported and waits for the assigning unit's confirmation is not
done, but its overdue clock stopped when it was reported: reported on or before the due time it is
"đang thực hiện trong hạn" while it waits (nobody chases it, the confirmer is what it waits for),
reported after the due time it stays "quá hạn". Pages show "chờ xác nhận" beside the class. Once
confirmed it is done as of the reported time.

A completion or report dated after `now` has not happened yet as of `now`: that is what lets the
same rule answer "as of" an earlier moment (the dashboard as of a date, the monthly report).
core/assignments.status_case is the SQL twin of classify; the two must always agree.
"""
from datetime import datetime, timedelta

NOT_DUE = "not_due"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"

CLASSES = [OVERDUE, DUE_SOON, NOT_DUE, DONE_ON_TIME, DONE_LATE]
DONE_CLASSES = (DONE_ON_TIME, DONE_LATE)
LABELS = {
    NOT_DUE: "Đang thực hiện trong hạn",
    DUE_SOON: "Sắp đến hạn",
    OVERDUE: "Đang thực hiện quá hạn",
    DONE_ON_TIME: "Hoàn thành đúng hạn",
    DONE_LATE: "Hoàn thành quá hạn",
}
# Shown next to the colour so the class is never told by colour alone.
SYMBOLS = {NOT_DUE: "○", DUE_SOON: "◔", OVERDUE: "⚠", DONE_ON_TIME: "✓", DONE_LATE: "✓!"}
AWAITING_LABEL = "Chờ xác nhận"


def classify(due_at: datetime | None, done_at: datetime | None, now: datetime,
             due_soon_days: int = 3, reported_at: datetime | None = None) -> str:
    """Done on or before the due time is on time; not done at the due time itself is not yet late."""
    if done_at is not None and done_at <= now:
        if due_at is None or done_at <= due_at:
            return DONE_ON_TIME
        return DONE_LATE
    if due_at is None:
        return NOT_DUE
    if reported_at is not None and reported_at <= now and reported_at <= due_at:
        return NOT_DUE  # reported in time, waiting for confirmation: the clock stopped
    if now > due_at:
        return OVERDUE
    if now >= due_at - timedelta(days=due_soon_days):
        return DUE_SOON
    return NOT_DUE


def days_late(due_at: datetime | None, done_at: datetime | None, now: datetime) -> int:
    """Whole days past the due time at completion (or now, if still open); 0 when not late."""
    if due_at is None:
        return 0
    end = done_at if done_at is not None and done_at <= now else now
    return max(0, (end - due_at).days) if end > due_at else 0
