"""How a posted progress update moves an assignment: the one rule for state, percent and completion.

A unit reports; when its directive needs confirmation, "done" lands in "awaiting" (chờ xác nhận)
with the time it was reported, and the assigning unit confirms it (done as of that time) or returns
it (back to in progress). core/followup does the confirming and returning.
"""
from dataclasses import dataclass
from datetime import datetime

NOT_STARTED, IN_PROGRESS, AWAITING, DONE = "not_started", "in_progress", "awaiting", "done"
STATES = {NOT_STARTED: "Chưa thực hiện", IN_PROGRESS: "Đang thực hiện", AWAITING: "Chờ xác nhận",
          DONE: "Hoàn thành"}
# What a unit chooses on its form; "awaiting" is where "done" lands, never chosen by hand.
REPORTABLE = {NOT_STARTED: STATES[NOT_STARTED], IN_PROGRESS: STATES[IN_PROGRESS], DONE: STATES[DONE]}


class ProgressRefused(ValueError):
    """An update the rule does not allow, with a Vietnamese message."""


@dataclass(frozen=True)
class Progress:
    state: str
    percent: int
    done_at: datetime | None
    reported_at: datetime | None = None


def percent_error(state: str, percent: int | None) -> str | None:
    """Why a percent does not fit the state chosen with it, in Vietnamese; None when it does."""
    if state == NOT_STARTED and percent:
        return "Chưa thực hiện thì tiến độ phải là 0%."
    if state == IN_PROGRESS and percent == 100:
        return "Tiến độ 100%: hãy chọn tình trạng “Hoàn thành”."
    return None


def chosen_state(state: str) -> str:
    """The form's choice an assignment's state shows as: awaiting is the unit's "done"."""
    return DONE if state == AWAITING else state


def is_unchanged(current: Progress, state: str, percent: int | None, note: str, has_evidence: bool) -> bool:
    """An update that says nothing new: same state, no note, no file, no other percent."""
    return (state == chosen_state(current.state) and not note.strip() and not has_evidence
            and percent in (None, current.percent))


def next_progress(current: Progress, state: str, percent: int | None, recurring: bool, now: datetime,
                  needs_confirmation: bool = False) -> Progress:
    """The assignment after an update.

    A blank percent keeps the current one; not started is 0% and done is 100%. Done is dated when
    first reported (reporting done again keeps that date). When the directive needs confirmation,
    done waits as "awaiting" with the time it was first reported, and once the assigning unit has
    confirmed it the unit cannot take it back. A recurring duty is done through its occurrences,
    never by an update, so its completion time is left as it is.
    """
    if state not in REPORTABLE:
        raise ProgressRefused("Tình trạng không hợp lệ.")
    if needs_confirmation and current.state == DONE and state != DONE:
        raise ProgressRefused("Việc đã được đơn vị giao việc xác nhận hoàn thành nên không đổi lại tình trạng được; "
                              "có thể gửi thêm ghi chú với tình trạng “Hoàn thành”.")
    if state == NOT_STARTED:
        percent = 0
    elif state == DONE:
        percent = 100
    elif percent is None:
        percent = current.percent
    if recurring:
        return Progress(state, percent, current.done_at)
    if state != DONE:
        return Progress(state, percent, None)
    if current.state == DONE:
        return Progress(DONE, percent, current.done_at)
    if not needs_confirmation:
        return Progress(DONE, percent, now)
    reported_at = current.reported_at if current.state == AWAITING and current.reported_at else now
    return Progress(AWAITING, percent, None, reported_at)
