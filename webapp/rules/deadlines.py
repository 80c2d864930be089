"""Deadline rules of a task and the due time they give."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time

FIXED = "fixed"
WITHIN_MONTH = "within_month"
IMMEDIATE = "immediate"
ONGOING = "ongoing"
DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"

KIND_LABELS = {
    FIXED: "Hạn cố định (ngày)",
    WITHIN_MONTH: "Trong tháng",
    IMMEDIATE: "Ngay / khẩn trương (ngày do quản trị đặt)",
    ONGOING: "Thường xuyên (không có hạn)",
    DAILY: "Định kỳ hằng ngày",
    WEEKLY: "Định kỳ hằng tuần",
    MONTHLY: "Định kỳ hằng tháng",
}
RECURRING = {DAILY, WEEKLY, MONTHLY}
WEEKDAY_LABELS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]

# A date with no time is due at the last second of that day.
END_OF_DAY = time(23, 59, 59)


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class DeadlineRule:
    kind: str
    date: date | None = None
    time: time | None = None
    weekday: int | None = None
    day: int | None = None
    window_start: date | None = None
    window_end: date | None = None

    @property
    def is_recurring(self) -> bool:
        return self.kind in RECURRING

    def due_at(self) -> datetime | None:
        """The single due time of a one-off rule; None for ongoing and recurring rules."""
        if self.kind in (FIXED, IMMEDIATE):
            return datetime.combine(self.date, self.time or END_OF_DAY)
        if self.kind == WITHIN_MONTH:
            return datetime.combine(last_day_of_month(self.date.year, self.date.month), END_OF_DAY)
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
        else:
            text = ""
        if self.window_start and self.window_end:
            text += f" (từ {self.window_start:%d/%m/%Y} đến {self.window_end:%d/%m/%Y})"
        return text
