"""Reporting periods and rates, counted the way DHIS2 counts data-set reporting."""
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import MO, relativedelta

PERIOD_KINDS = {"week": "Tuần", "month": "Tháng", "quarter": "Quý"}
# The data period of a monthly report: the calendar month, or the cut-off of Nghị định 09/2019/NĐ-CP,
# Điều 12 (the 15th of the previous month to the 14th of the month reported).
REPORT_PERIODS = {"month": "Tháng dương lịch (từ ngày 01 đến hết tháng)",
                  "nd09": "Theo Nghị định 09/2019/NĐ-CP (từ ngày 15 tháng trước đến ngày 14 tháng báo cáo)"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "week":
            week = self.start.isocalendar()[1]
            return f"Tuần {week}/{self.start.isocalendar()[0]} ({self.start:%d/%m}–{self.end:%d/%m/%Y})"
        if self.kind == "quarter":
            return f"Quý {(self.start.month - 1) // 3 + 1}/{self.start.year}"
        return f"Tháng {self.start:%m/%Y}"

    def shifted(self, steps: int) -> "Period":
        """The period `steps` periods later (earlier when negative)."""
        if self.kind == "week":
            return period_containing("week", self.start + timedelta(weeks=steps))
        months = 3 if self.kind == "quarter" else 1
        return period_containing(self.kind, self.start + relativedelta(months=months * steps))


def period_containing(kind: str, day: date) -> Period:
    """The week (Monday to Sunday), month or quarter that holds a day."""
    if kind == "week":
        start = day + relativedelta(weekday=MO(-1))
        return Period(kind, start, start + timedelta(days=6))
    if kind == "quarter":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return Period(kind, start, start + relativedelta(months=3, days=-1))
    start = day.replace(day=1)
    return Period("month", start, start + relativedelta(months=1, days=-1))


def monthly_report_period(year: int, month: int, kind: str = "month") -> Period:
    """The days a monthly report's figures cover: 01/03–31/03/2024, or by Nghị định 09/2019
    15/02–14/03/2024."""
    if kind == "nd09":
        end = date(year, month, 14)
        return Period("nd09", end + relativedelta(months=-1, days=1), end)
    start = date(year, month, 1)
    return Period("month", start, start + relativedelta(months=1, days=-1))


@dataclass(frozen=True)
class Rate:
    """Expected reports are those already due in the period; late ones count as submitted, not on time."""
    expected: int
    submitted: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return 100.0 * self.submitted / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return 100.0 * self.on_time / self.expected if self.expected else None

    def __add__(self, other: "Rate") -> "Rate":
        return Rate(self.expected + other.expected, self.submitted + other.submitted,
                    self.on_time + other.on_time)


def overdue_listed(items: list, limit: int | None) -> tuple[list, str]:
    """The overdue items a printed report lists (the longest overdue first, at most `limit`) and, when
    some are left out, the sentence saying how many there are and where the rest is."""
    if not limit or len(items) <= limit:
        return items, ""
    total = f"{len(items):,}".replace(",", ".")
    return items[:limit], (f"Trên đây là {limit} việc quá hạn lâu nhất trong tổng số {total} việc quá hạn; "
                           "danh sách đầy đủ trong tệp Excel của báo cáo.")
