"""Working days (ngày làm việc) in Vietnam: weekends, public holidays and announced days off.

A day is a working day unless it is a Saturday, a Sunday, a public holiday or a day off the
Government announces; a Saturday announced as worked in exchange (làm bù) is a working day.

Sources, in order of precedence:

1. The days the admin declares for the year (kept in the database by the caller and given here as
   plain data): `extra_working_days` (làm bù) and `extra_days_off` (nghỉ bù, announced days off,
   optionally with the admin's own label). They override everything below, both ways.
2. The `holidays` package for country VN (language "vi"): Tết Dương lịch, Tết Nguyên đán by the lunar
   calendar, Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh, and the swapped days the package knows of:
   the day off ("Ngày nghỉ (thay cho ngày 04/05/2024)") and, in its `weekend_workdays`, the Saturday
   worked in exchange (04/05/2024).
3. Saturdays and Sundays.

The package is asked lazily, one year at a time, and its answer is kept in the calendar.

Counting follows Bộ luật Dân sự 2015, Điều 147 khoản 1: the first day of a period counted in days is
not counted ("kể từ ngày nhận được văn bản": the day of receipt does not count).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from threading import Lock
from typing import NamedTuple

import holidays

SATURDAY = "Thứ Bảy"
SUNDAY = "Chủ nhật"
NEW_YEAR = "Tết Dương lịch"
LUNAR_NEW_YEAR = "Tết Nguyên đán"
HUNG_KINGS = "Giỗ Tổ Hùng Vương"
REUNIFICATION = "Ngày Giải phóng miền Nam, thống nhất đất nước"
LABOUR_DAY = "Quốc tế Lao động"
NATIONAL_DAY = "Quốc khánh"
SUBSTITUTED = "Nghỉ bù"
# An admin's day off given without a label of its own.
ANNOUNCED_DAY_OFF = "Ngày nghỉ theo thông báo"

# The package's Vietnamese names (language="vi") -> the reason shown to users. The first fragment found
# in a name wins, so the swapped days ("Ngày nghỉ (thay cho ngày …)", "… (nghỉ bù)") come first. A name
# matching nothing (a holiday added by a later version of the package) is shown as the package gives it.
_PACKAGE_NAMES = (
    ("thay cho ngày", SUBSTITUTED),
    ("nghỉ bù", SUBSTITUTED),
    ("Tết Dương lịch", NEW_YEAR),
    ("Tết", LUNAR_NEW_YEAR),               # "29 Tết", "Giao thừa Tết Nguyên Đán", "Mùng hai Tết …"
    ("Giỗ Tổ", HUNG_KINGS),
    ("Chiến thắng", REUNIFICATION),
    ("Lao động", LABOUR_DAY),
    ("Quốc khánh", NATIONAL_DAY),
)


def package_reason(name: str) -> str:
    """The reason shown for a holiday named `name` by the holidays package (language "vi")."""
    folded = name.casefold()
    for fragment, reason in _PACKAGE_NAMES:
        if fragment.casefold() in folded:
            return reason
    return name


class CalendarDay(NamedTuple):
    date: date
    is_working: bool
    reason: str | None       # why the day is off; None on a working day


class _Year(NamedTuple):
    days_off: dict            # date -> reason, from the package
    weekend_workdays: frozenset


def _package_year(year: int) -> _Year:
    found = holidays.country_holidays("VN", years=year, language="vi")
    days_off = {d: package_reason(name) for d, name in found.items() if d.year == year}
    # weekend_workdays is the package's public record of the Saturdays worked in exchange for a day
    # off; it holds the cross-year ones of every year, so keep only this year's.
    worked = frozenset(d for d in getattr(found, "weekend_workdays", ()) if d.year == year)
    return _Year(days_off, worked)


class WorkCalendar:
    """Which days are working days. Immutable: build a new one when the admin's days change.

    extra_days_off: the admin's days off, either dates or a mapping date -> label ("Nghỉ Tết Ất Tỵ").
    extra_working_days: the admin's làm bù days (usually Saturdays), working whatever else says.
    A date may not be in both.
    """

    __slots__ = ("_days_off", "_working_days", "_years", "_lock")

    def __init__(self, extra_days_off: Mapping[date, str] | Iterable[date] = (),
                 extra_working_days: Iterable[date] = ()):
        if isinstance(extra_days_off, Mapping):
            days_off = {d: (label or "").strip() or ANNOUNCED_DAY_OFF for d, label in extra_days_off.items()}
        else:
            days_off = dict.fromkeys(extra_days_off, ANNOUNCED_DAY_OFF)
        working = frozenset(extra_working_days)
        both = sorted(working.intersection(days_off))
        if both:
            listed = ", ".join(f"{d:%d/%m/%Y}" for d in both)
            raise ValueError(f"Ngày vừa khai báo là ngày nghỉ vừa là ngày làm bù: {listed}.")
        object.__setattr__(self, "_days_off", days_off)
        object.__setattr__(self, "_working_days", working)
        object.__setattr__(self, "_years", {})
        object.__setattr__(self, "_lock", Lock())

    @classmethod
    def plain(cls) -> WorkCalendar:
        """Weekends and the package's holidays, with no days declared by the admin."""
        return _PLAIN

    def __setattr__(self, name, value):
        raise AttributeError("WorkCalendar is immutable")

    def __repr__(self) -> str:
        return (f"WorkCalendar(extra_days_off={len(self._days_off)} days, "
                f"extra_working_days={len(self._working_days)} days)")

    @property
    def extra_days_off(self) -> frozenset[date]:
        return frozenset(self._days_off)

    @property
    def extra_working_days(self) -> frozenset[date]:
        return self._working_days

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            with self._lock:
                found = self._years.get(year)
                if found is None:
                    found = self._years[year] = _package_year(year)
        return found

    def day_off_reason(self, d: date) -> str | None:
        """Why `d` is not a working day, in Vietnamese; None when it is a working day.

        A holiday falling on a weekend gives the holiday's name (Tết on a Saturday is "Tết Nguyên đán").
        """
        if d in self._working_days:
            return None
        if d in self._days_off:
            return self._days_off[d]
        year = self._year(d.year)
        if d in year.days_off:
            return year.days_off[d]
        if d in year.weekend_workdays:
            return None
        if d.weekday() == 5:
            return SATURDAY
        if d.weekday() == 6:
            return SUNDAY
        return None

    def is_working_day(self, d: date) -> bool:
        return self.day_off_reason(d) is None

    def next_working_day(self, d: date) -> date:
        """`d` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def previous_working_day(self, d: date) -> date:
        """The last working day before `d` (never `d` itself)."""
        d -= timedelta(days=1)
        while not self.is_working_day(d):
            d -= timedelta(days=1)
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`; `start` itself is never counted (Điều 147 BLDS 2015).

        A document received on Friday 02/02/2024 to be handled "trong vòng 05 ngày làm việc kể từ ngày
        nhận được" is due on 16/02/2024: 05, 06, 07/02, then Tết (08–14/02), then 15 and 16/02.
        n = 0 gives next_working_day(start).
        """
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return self.next_working_day(start)
        d = start
        while n:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days lie after `a` up to and including `b`, so that
        working_days_between(d, add_working_days(d, n)) == n for n >= 1. Negative when b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def year_days(self, year: int) -> list[CalendarDay]:
        """Every day of `year` with whether it is worked and why not, for the admin's calendar page."""
        d, out = date(year, 1, 1), []
        while d.year == year:
            reason = self.day_off_reason(d)
            out.append(CalendarDay(d, reason is None, reason))
            d += timedelta(days=1)
        return out


_PLAIN = WorkCalendar()
