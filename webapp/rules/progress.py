"""How a posted progress update moves an assignment: the one rule for state, percent and completion."""
from dataclasses import dataclass
from datetime import datetime

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
STATES = {NOT_STARTED: "Chưa thực hiện", IN_PROGRESS: "Đang thực hiện", DONE: "Hoàn thành"}


@dataclass(frozen=True)
class Progress:
    state: str
    percent: int
    done_at: datetime | None


def percent_error(state: str, percent: int | None) -> str | None:
    """Why a percent does not fit the state chosen with it, in Vietnamese; None when it does."""
    if state == NOT_STARTED and percent:
        return "Chưa thực hiện thì tiến độ phải là 0%."
    if state == IN_PROGRESS and percent == 100:
        return "Tiến độ 100%: hãy chọn tình trạng “Hoàn thành”."
    return None


def is_unchanged(current: Progress, state: str, percent: int | None, note: str, has_evidence: bool) -> bool:
    """An update that says nothing new: same state, no note, no file, no other percent."""
    return (state == current.state and not note.strip() and not has_evidence
            and percent in (None, current.percent))


def next_progress(current: Progress, state: str, percent: int | None, recurring: bool, now: datetime) -> Progress:
    """The assignment after an update.

    A blank percent keeps the current one; not started is 0% and done is 100%. Done is dated when
    first reported (reporting done again keeps that date). A recurring duty is done through its
    occurrences, never by an update, so its completion time is left as it is.
    """
    if state == NOT_STARTED:
        percent = 0
    elif state == DONE:
        percent = 100
    elif percent is None:
        percent = current.percent
    if recurring:
        done_at = current.done_at
    elif state == DONE:
        done_at = current.done_at if current.state == DONE else now
    else:
        done_at = None
    return Progress(state, percent, done_at)
