"""Deadline rules of a task and the due time they give."""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .workdays import WorkCalendar

FIXED = "fixed"
WITHIN_MONTH = "within_month"
IMMEDIATE = "immediate"
ONGOING = "ongoing"
DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
# "Trong vòng N ngày (làm việc) kể từ ngày ban hành / ngày nhận được văn bản".
RELATIVE_WORKING_DAYS = "relative_working_days"
RELATIVE_DAYS = "relative_days"

KIND_LABELS = {
    FIXED: "Hạn cố định (ngày)",
    WITHIN_MONTH: "Trong tháng",
    IMMEDIATE: "Ngay / khẩn trương (ngày do quản trị đặt)",
    ONGOING: "Thường xuyên (không có hạn)",
    DAILY: "Định kỳ hằng ngày",
    WEEKLY: "Định kỳ hằng tuần",
    MONTHLY: "Định kỳ hằng tháng",
    RELATIVE_WORKING_DAYS: "Trong N ngày làm việc",
    RELATIVE_DAYS: "Trong N ngày",
}
RECURRING = {DAILY, WEEKLY, MONTHLY}
RELATIVE = {RELATIVE_WORKING_DAYS, RELATIVE_DAYS}

# What a relative deadline is counted from.
FROM_ISSUE = "issue"
FROM_RECEIPT = "receipt"
COUNTED_FROM_LABELS = {FROM_ISSUE: "ngày ban hành", FROM_RECEIPT: "ngày nhận văn bản"}
MAX_DAYS = 365

# Bộ luật Dân sự 2015, Điều 148: a deadline counted in days, weeks, months or years that ends on a
# day off ends at the end of the next working day. It applies to these kinds only:
# - not to IMMEDIATE: its date is one the admin chose on purpose for an urgent task, not a count;
# - not to recurring occurrences: whether they fall on days off is the rule's own working_days_only
#   choice (see recurrence.due_times);
# - RELATIVE_WORKING_DAYS always ends on a working day, so it never moves, but is listed for clarity.
SHIFTED_ON_DAYS_OFF = {FIXED, WITHIN_MONTH, RELATIVE_DAYS, RELATIVE_WORKING_DAYS}
WEEKDAY_LABELS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]

# A date with no time is due at the last second of that day.
END_OF_DAY = time(23, 59, 59)


def due_label(at: datetime | None) -> str:
    """A due time as people write it: "15/01/2024" for the end of a day, "09:00 15/01/2024" otherwise."""
    if at is None:
        return ""
    return f"{at:%d/%m/%Y}" if at.time() == END_OF_DAY else f"{at:%H:%M %d/%m/%Y}"


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def default_working_days_only(kind: str) -> bool:
    """What a new rule of `kind` starts with: daily duties are owed on working days only."""
    return kind == DAILY


@dataclass(frozen=True)
class Due:
    """A due time and, when Điều 148 moved it off a day off, the time it had before and why."""
    at: datetime
    original: datetime
    moved_reason: str | None = None     # the day off the original date fell on ("Tết Nguyên đán")

    @property
    def moved(self) -> bool:
        return self.at != self.original


def moved_note(due: Due | None) -> str:
    """The note shown beside a moved due date: "(dời sang 15/02/2024 do trùng ngày nghỉ Tết Nguyên đán)";
    empty when the date was not moved."""
    if due is None or not due.moved:
        return ""
    why = f" {due.moved_reason}" if due.moved_reason else ""
    return f"(dời sang {due.at:%d/%m/%Y} do trùng ngày nghỉ{why})"


@dataclass(frozen=True)
class DeadlineRule:
    kind: str
    date: date | None = None
    time: time | None = None
    weekday: int | None = None
    day: int | None = None
    window_start: date | None = None
    window_end: date | None = None
    # Relative kinds: "within n (working) days", counted from FROM_ISSUE or FROM_RECEIPT.
    n: int | None = None
    counted_from: str | None = None
    # Recurring kinds: owed on working days only (see recurrence.due_times).
    working_days_only: bool = False

    @property
    def is_recurring(self) -> bool:
        return self.kind in RECURRING

    @property
    def is_relative(self) -> bool:
        return self.kind in RELATIVE

    def due_at(self) -> datetime | None:
        """The single due time of a one-off rule as written, never moved off a day off; None for
        ongoing and recurring rules, and for relative rules, which need a base date (see due())."""
        found = self.due(shift_days_off=False)
        return found.at if found else None

    def due(self, calendar: WorkCalendar | None = None, issued_on: date | None = None,
            received_on: date | None = None, shift_days_off: bool = True) -> Due | None:
        """The due time of a one-off rule, moved off a day off by Điều 148 when shift_days_off (the
        directive's switch, on by default) and the kind is in SHIFTED_ON_DAYS_OFF.

        calendar: the working days; None means WorkCalendar.plain() (weekends and public holidays).
        issued_on / received_on: the base of the relative kinds; a missing base gives None.
        A moved due time keeps its time of day on the next working day.
        None for ongoing and recurring rules, and for rules missing what errors() asks for.
        """
        original = self._original_due(calendar, issued_on, received_on)
        if original is None:
            return None
        if not shift_days_off or self.kind not in SHIFTED_ON_DAYS_OFF:
            return Due(original, original)
        calendar = calendar or WorkCalendar.plain()
        day = original.date()
        moved_to = calendar.next_working_day(day)
        if moved_to == day:
            return Due(original, original)
        return Due(datetime.combine(moved_to, original.time()), original, calendar.day_off_reason(day))

    def _original_due(self, calendar, issued_on, received_on) -> datetime | None:
        if self.kind in (FIXED, IMMEDIATE, WITHIN_MONTH) and self.date is None:
            return None
        if self.kind in (FIXED, IMMEDIATE):
            return datetime.combine(self.date, self.time or END_OF_DAY)
        if self.kind == WITHIN_MONTH:
            return datetime.combine(last_day_of_month(self.date.year, self.date.month), END_OF_DAY)
        if self.kind in RELATIVE:
            base = {FROM_ISSUE: issued_on, FROM_RECEIPT: received_on}.get(self.counted_from)
            if base is None or not isinstance(self.n, int) or not 1 <= self.n <= MAX_DAYS:
                return None
            if isinstance(base, datetime):
                base = base.date()
            # The base day itself is not counted (Điều 147 BLDS 2015). A count in days ends at the
            # end of its last day (Điều 148 khoản 1), so relative rules have no time of day.
            if self.kind == RELATIVE_DAYS:
                last = base + timedelta(days=self.n)
            else:
                last = (calendar or WorkCalendar.plain()).add_working_days(base, self.n)
            return datetime.combine(last, END_OF_DAY)
        return None

    def errors(self) -> dict:
        """Field name -> Vietnamese message for what the rule is missing."""
        errs = {}
        if self.kind not in KIND_LABELS:
            errs["deadline_kind"] = "Loại thời hạn không hợp lệ."
            return errs
        if self.kind in (FIXED, IMMEDIATE, WITHIN_MONTH) and self.date is None:
            errs["deadline_date"] = "Cần nhập ngày hạn cho loại thời hạn này."
        if self.kind in (DAILY, WEEKLY) and self.time is None:
            errs["deadline_time"] = "Cần nhập giờ hạn cho báo cáo định kỳ."
        if self.kind == WEEKLY and self.weekday is None:
            errs["weekday"] = "Cần chọn thứ trong tuần."
        if self.kind == MONTHLY and self.day is not None and not 1 <= self.day <= 31:
            errs["month_day"] = "Ngày trong tháng phải từ 1 đến 31."
        if self.kind in RELATIVE:
            if not isinstance(self.n, int) or isinstance(self.n, bool) or not 1 <= self.n <= MAX_DAYS:
                errs["deadline_n"] = f"Cần nhập số ngày của thời hạn, từ 1 đến {MAX_DAYS}."
            if self.counted_from not in COUNTED_FROM_LABELS:
                errs["counted_from"] = "Cần chọn mốc tính thời hạn: ngày ban hành hoặc ngày nhận văn bản."
        if self.window_start and self.window_end and self.window_end < self.window_start:
            errs["window_end"] = "Ngày kết thúc đợt phải sau ngày bắt đầu."
        return errs

    def describe(self) -> str:
        """The rule in Vietnamese, as a leader would read it."""
        at = f" trước {self.time:%H:%M}" if self.time else ""
        if self.kind == FIXED:
            text = f"Hạn {self.time:%H:%M} ngày {self.date:%d/%m/%Y}" if self.time else f"Hạn ngày {self.date:%d/%m/%Y}"
        elif self.kind == WITHIN_MONTH:
            text = f"Trong tháng {self.date:%m/%Y}"
        elif self.kind == IMMEDIATE:
            text = f"Ngay (hạn ngày {self.date:%d/%m/%Y})"
        elif self.kind == ONGOING:
            text = "Thường xuyên"
        elif self.kind == DAILY:
            text = f"Hằng ngày{at}"
        elif self.kind == WEEKLY:
            text = f"{WEEKDAY_LABELS[self.weekday]} hằng tuần{at}"
        elif self.kind == MONTHLY:
            text = f"Trước ngày {self.day} hằng tháng" if self.day else "Hằng tháng (ngày cuối tháng)"
        elif self.kind in RELATIVE:
            count = f"{self.n:02d}" if isinstance(self.n, int) else "N"
            unit = "ngày làm việc" if self.kind == RELATIVE_WORKING_DAYS else "ngày"
            text = f"Trong {count} {unit}"
            if self.counted_from in COUNTED_FROM_LABELS:
                text += f" kể từ {COUNTED_FROM_LABELS[self.counted_from]}"
        else:
            text = ""
        if self.is_recurring and self.working_days_only:
            text += " (chỉ ngày làm việc)"
        if self.window_start and self.window_end:
            text += f" (từ {self.window_start:%d/%m/%Y} đến {self.window_end:%d/%m/%Y})"
        return text
