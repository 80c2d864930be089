"""Reading what people type: dates (dd/mm/yyyy, mm/yyyy, yyyy), times, line lists and deadline rules.

Pure: no Flask, no database. Every refusal is an InputError with a Vietnamese message.
"""
import re
from datetime import date, time

from . import deadlines as dl


class InputError(ValueError):
    """Input we cannot read, or a change we refuse: a Vietnamese message, and `field`, the form
    field it belongs to (None: the whole form)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


_SEP = r"\s*[/.\-]\s*"
_DAY = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})$")
_MONTH = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{4}})$")
_YEAR = re.compile(r"^(\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")  # links written before dd/mm/yyyy fields
_TIME = re.compile(r"^(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})?$", re.IGNORECASE)

PARTIAL_DATE_HELP = "Nhập ngày dạng dd/mm/yyyy (15/01/2024), tháng dạng mm/yyyy (03/2024) hoặc năm (2024)."
DAY_HELP = "Nhập ngày dạng dd/mm/yyyy, ví dụ 15/01/2024."
MONTH_HELP = "Nhập tháng dạng mm/yyyy (01/2024) hoặc một ngày trong tháng dạng dd/mm/yyyy."
TIME_HELP = "Nhập giờ dạng HH:MM (24 giờ), ví dụ 09:00 hoặc 14:30."


def _make_date(year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 2100:
        raise InputError("Năm phải trong khoảng 1900–2100.")
    if not 1 <= month <= 12:
        raise InputError("Tháng phải từ 1 đến 12.")
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(f"Không có ngày {day:02d}/{month:02d}/{year} trong lịch.") from None


def parse_partial_date(text) -> tuple[date | None, str]:
    """'15/01/2024' -> (2024-01-15, 'day'); '03/2024' -> (2024-03-01, 'month'); '2024' -> (2024-01-01,
    'year'); blank -> (None, 'day'). '2024-01-15' (what older links carry) is a day too. Anything else,
    or a year outside 1900–2100, raises InputError."""
    text = (text or "").strip()
    if not text:
        return None, "day"
    if m := _DAY.match(text):
        return _make_date(int(m[3]), int(m[2]), int(m[1])), "day"
    if m := _ISO_DAY.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3])), "day"
    if m := _MONTH.match(text):
        return _make_date(int(m[2]), int(m[1]), 1), "month"
    if m := _YEAR.match(text):
        return _make_date(int(m[1]), 1, 1), "year"
    raise InputError(f"Ngày không hợp lệ. {PARTIAL_DATE_HELP}")


def format_partial_date(value: date | None, precision: str) -> str:
    """The inverse of parse_partial_date, for filling the form again."""
    if value is None:
        return ""
    return {"year": f"{value:%Y}", "month": f"{value:%m/%Y}"}.get(precision, f"{value:%d/%m/%Y}")


def parse_day(text) -> date | None:
    """A full dd/mm/yyyy date, or None for blank."""
    value, precision = parse_partial_date(text)
    if value is not None and precision != "day":
        raise InputError(f"Cần đủ ngày, tháng, năm. {DAY_HELP}")
    return value


def parse_month(text) -> date | None:
    """A month as its first day: 'mm/yyyy' or any 'dd/mm/yyyy' inside it; None for blank."""
    try:
        value, precision = parse_partial_date(text)
    except InputError:
        raise InputError(f"Tháng không hợp lệ. {MONTH_HELP}") from None
    if value is not None and precision == "year":
        raise InputError(f"Cần cả tháng và năm. {MONTH_HELP}")
    return value.replace(day=1) if value else None


def parse_time(text) -> time | None:
    """'09:00', '9:30', '9h', '14h30' -> a time; None for blank."""
    text = (text or "").strip()
    if not text:
        return None
    m = _TIME.match(text)
    if not m or int(m[1]) > 23 or int(m[2] or 0) > 59:
        raise InputError(f"Giờ không hợp lệ. {TIME_HELP}")
    return time(int(m[1]), int(m[2] or 0))


# The largest count stored: it fits an INTEGER column on every engine (PostgreSQL's is 32-bit).
MAX_COUNT = 2_000_000_000


def clean_lines(text) -> str:
    """One item per line: trimmed, blank lines dropped, Windows line ends normalised."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


# --- Deadline rules ---------------------------------------------------------------------------

ONE_OFF = {dl.FIXED, dl.IMMEDIATE, dl.WITHIN_MONTH}
TIMED = {dl.FIXED, dl.IMMEDIATE, dl.DAILY, dl.WEEKLY, dl.MONTHLY}
WINDOWED = dl.RECURRING | {dl.ONGOING}

# The rule's inputs each kind uses, in the order the form shows them. The form shows only these.
KIND_FIELDS = {
    dl.FIXED: ("deadline_date", "deadline_time"),
    dl.IMMEDIATE: ("deadline_date", "deadline_time"),
    dl.WITHIN_MONTH: ("deadline_date",),
    dl.ONGOING: ("window_start", "window_end"),
    dl.DAILY: ("deadline_time", "working_days_only", "window_start", "window_end"),
    dl.WEEKLY: ("weekday", "deadline_time", "working_days_only", "window_start", "window_end"),
    dl.MONTHLY: ("month_day", "working_days_only", "window_start", "window_end"),
    dl.RELATIVE_WORKING_DAYS: ("deadline_n", "counted_from"),
    dl.RELATIVE_DAYS: ("deadline_n", "counted_from"),
}


def parse_count(text) -> int | None:
    """A whole number of days typed as "5" or "05"; None for blank."""
    text = str(text if text is not None else "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InputError(f"Số ngày phải là số nguyên, từ 1 đến {dl.MAX_DAYS}.")
    return int(text)


def read_rule(kind: str, raw: dict) -> tuple[dict, dict]:
    """Task deadline fields from what was typed, and field -> Vietnamese message.

    Only the fields the kind uses are read; the others are cleared so the stored rule says one
    thing (a stray date on an ongoing task would otherwise look like a due date).
    """
    errors = {}

    def read(name, parser):
        try:
            return parser(raw.get(name))
        except InputError as exc:
            errors[name] = str(exc)
            return None

    date_parser = parse_month if kind == dl.WITHIN_MONTH else parse_day
    fields = {
        "deadline_kind": kind,
        "deadline_date": read("deadline_date", date_parser) if kind in ONE_OFF else None,
        "deadline_time": read("deadline_time", parse_time) if kind in TIMED else None,
        "weekday": raw.get("weekday") if kind == dl.WEEKLY else None,
        "month_day": raw.get("month_day") if kind == dl.MONTHLY else None,
        "window_start": read("window_start", parse_day) if kind in WINDOWED else None,
        "window_end": read("window_end", parse_day) if kind in WINDOWED else None,
        "deadline_n": read("deadline_n", parse_count) if kind in dl.RELATIVE else None,
        "counted_from": (raw.get("counted_from") or None) if kind in dl.RELATIVE else None,
        "working_days_only": bool(raw.get("working_days_only")) if kind in dl.RECURRING else False,
    }
    rule = dl.DeadlineRule(kind=kind, date=fields["deadline_date"], time=fields["deadline_time"],
                           weekday=fields["weekday"], day=fields["month_day"],
                           window_start=fields["window_start"], window_end=fields["window_end"],
                           n=fields["deadline_n"], counted_from=fields["counted_from"],
                           working_days_only=fields["working_days_only"])
    for name, message in rule.errors().items():
        errors.setdefault(name, message)  # a parse error says more than "missing"
    return fields, errors


def rule_form_data(task) -> dict:
    """A task's rule as the text the form shows."""
    month = task.deadline_kind == dl.WITHIN_MONTH
    return {
        "deadline_kind": task.deadline_kind,
        "deadline_date": (f"{task.deadline_date:%m/%Y}" if month else f"{task.deadline_date:%d/%m/%Y}")
        if task.deadline_date else "",
        "deadline_time": f"{task.deadline_time:%H:%M}" if task.deadline_time else "",
        "weekday": task.weekday,
        "month_day": task.month_day,
        "window_start": f"{task.window_start:%d/%m/%Y}" if task.window_start else "",
        "window_end": f"{task.window_end:%d/%m/%Y}" if task.window_end else "",
        "deadline_n": task.deadline_n,
        "counted_from": task.counted_from or dl.FROM_RECEIPT,
        "working_days_only": bool(task.working_days_only),
    }


_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def parse_email(text) -> str:
    """An e-mail address as typed (trimmed), or "" for blank. Only the shape is checked: the mail
    server says whether it exists."""
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) > 254 or not _EMAIL.match(text):
        raise InputError("Địa chỉ e-mail không hợp lệ, ví dụ: ten@quangtri.gov.vn.")
    return text
