"""Pure checks of the follow-up loop: the due time of a sub-assignment, of an extension, and who may
receive a delegated assignment. No database: core/followup feeds them the values it read.

Every refusal is an InputError with a Vietnamese message and the form field it concerns.
"""
from datetime import date, datetime

from .deadlines import END_OF_DAY
from .input import InputError


def _when(moment: datetime) -> str:
    return f"{moment:%H:%M %d/%m/%Y}" if moment.time() != END_OF_DAY else f"{moment:%d/%m/%Y}"


def due_on(day: date, parent_due: datetime | None) -> datetime:
    """A day typed on a form as a due time: the end of that day, or the parent's own due time when
    it is the same day (a parent due at 10:00 gives its children 10:00 too)."""
    if parent_due is not None and parent_due.date() == day:
        return parent_due
    return datetime.combine(day, END_OF_DAY)


def child_due(day: date | None, parent_due: datetime | None) -> datetime | None:
    """The due time of a sub-assignment: no later than its parent's; the parent's when left blank."""
    if day is None:
        return parent_due
    due = due_on(day, parent_due)
    if parent_due is not None and due > parent_due:
        raise InputError(f"Hạn giao cho cấp dưới ({_when(due)}) không được sau hạn của đơn vị mình "
                         f"({_when(parent_due)}).", "due")
    return due


def delegation_targets_error(holder_path: str, targets: list[tuple[str, str]]) -> str | None:
    """Why some units cannot receive the assignment: each must lie strictly inside the holder's
    subtree. targets: (name, path) pairs."""
    outside = [name for name, path in targets if path == holder_path or not path.startswith(holder_path)]
    if outside:
        return ("Chỉ giao tiếp được cho đơn vị cấp dưới của đơn vị mình; không thuộc cấp dưới: "
                + "; ".join(outside) + ".")
    return None


def extension_due(day: date | None, current_due: datetime | None, parent_due: datetime | None) -> datetime:
    """The new due time asked for: the same time of day as the current one, strictly later, and not
    after the due time of the assignment it was passed down from."""
    if current_due is None:
        raise InputError("Việc này không có hạn (thường xuyên) nên không cần gia hạn.", "day")
    if day is None:
        raise InputError("Vui lòng nhập ngày xin gia hạn đến (dd/mm/yyyy).", "day")
    new_due = datetime.combine(day, current_due.time())
    if new_due <= current_due:
        raise InputError(f"Ngày xin gia hạn phải sau hạn hiện tại ({_when(current_due)}).", "day")
    if parent_due is not None and new_due > parent_due:
        raise InputError(f"Không gia hạn được quá hạn của việc cấp trên giao ({_when(parent_due)}): "
                         "đơn vị giao việc cần xin gia hạn việc của mình trước.", "day")
    return new_due


def reason_text(text: str | None, field: str = "reason", what: str = "lý do") -> str:
    """A required reason, trimmed, at most 2.000 characters."""
    text = (text or "").strip()
    if not text:
        raise InputError(f"Vui lòng ghi {what}.", field)
    if len(text) > 2000:
        raise InputError("Tối đa 2.000 ký tự.", field)
    return text
