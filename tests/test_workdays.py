"""Working days: weekends, Tết, 30/4–1/5 with the announced swap, the admin's days, counting, and
recurring rules on working days only."""
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rules import workdays
from webapp.rules.deadlines import DAILY, MONTHLY, WEEKLY, DeadlineRule
from webapp.rules.recurrence import due_times
from webapp.rules.workdays import WorkCalendar

PLAIN = WorkCalendar.plain()


def days(first: date, last: date):
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_tet_2024_is_off_from_08_to_14_february():
    assert [d for d in days(date(2024, 2, 5), date(2024, 2, 18)) if not PLAIN.is_working_day(d)] == \
        days(date(2024, 2, 8), date(2024, 2, 14)) + [date(2024, 2, 17), date(2024, 2, 18)]
    assert {PLAIN.day_off_reason(d) for d in days(date(2024, 2, 8), date(2024, 2, 14))} == {"Tết Nguyên đán"}
    assert PLAIN.is_working_day(date(2024, 2, 7)) and PLAIN.is_working_day(date(2024, 2, 15))


def test_tet_2025_is_off_from_saturday_25_january_to_sunday_2_february():
    # Thông báo 6150/TB-BLĐTBXH: Tết Ất Tỵ for officials, 25/01/2025 to 02/02/2025 counting weekends.
    off = days(date(2025, 1, 25), date(2025, 2, 2))
    assert not any(PLAIN.is_working_day(d) for d in off)
    assert PLAIN.is_working_day(date(2025, 1, 24)) and PLAIN.is_working_day(date(2025, 2, 3))
    assert [PLAIN.day_off_reason(d) for d in (date(2025, 1, 25), date(2025, 1, 27), date(2025, 2, 1),
                                              date(2025, 2, 2))] == \
        ["Thứ Bảy", "Tết Nguyên đán", "Tết Nguyên đán", "Chủ nhật"]


def test_30_april_and_1_may_2024_with_the_announced_swap():
    # Công văn 2450/VPCP-KGVX: Monday 29/04/2024 off, Saturday 04/05/2024 worked in exchange.
    assert [PLAIN.day_off_reason(d) for d in days(date(2024, 4, 27), date(2024, 5, 5))] == [
        "Thứ Bảy", "Chủ nhật", "Nghỉ bù", "Ngày Giải phóng miền Nam, thống nhất đất nước",
        "Quốc tế Lao động", None, None, None, "Chủ nhật"]
    assert PLAIN.is_working_day(date(2024, 5, 4))          # the làm bù Saturday
    assert PLAIN.next_working_day(date(2024, 4, 27)) == date(2024, 5, 2)


def test_2025_swap_friday_2_may_off_saturday_26_april_worked():
    assert PLAIN.day_off_reason(date(2025, 5, 2)) == "Nghỉ bù"
    assert PLAIN.is_working_day(date(2025, 4, 26))


@pytest.mark.parametrize("day, reason", [
    (date(2024, 1, 1), "Tết Dương lịch"),
    (date(2024, 4, 18), "Giỗ Tổ Hùng Vương"),
    (date(2024, 9, 2), "Quốc khánh"),
    (date(2024, 9, 3), "Quốc khánh"),
    (date(2024, 3, 16), "Thứ Bảy"),
    (date(2024, 3, 17), "Chủ nhật"),
    (date(2024, 3, 18), None),
])
def test_day_off_reasons_are_vietnamese(day, reason):
    assert PLAIN.day_off_reason(day) == reason


def test_a_holiday_on_a_weekend_is_named_after_the_holiday():
    assert PLAIN.day_off_reason(date(2024, 2, 10)) == "Tết Nguyên đán"    # a Saturday


def test_package_names_unknown_to_us_are_shown_as_the_package_gives_them():
    assert workdays.package_reason("Ngày nghỉ (thay cho ngày 04/05/2024)") == "Nghỉ bù"
    assert workdays.package_reason("Tết Dương lịch (nghỉ bù)") == "Nghỉ bù"
    assert workdays.package_reason("Giao thừa Tết Nguyên Đán") == "Tết Nguyên đán"
    assert workdays.package_reason("Ngày Văn hóa Việt Nam") == "Ngày Văn hóa Việt Nam"


def test_the_admins_days_override_the_package_both_ways():
    calendar = WorkCalendar(extra_days_off={date(2024, 3, 18): "Nghỉ phục vụ bầu cử",
                                            date(2024, 3, 19): ""},
                            extra_working_days={date(2024, 3, 16), date(2024, 4, 29)})
    assert calendar.day_off_reason(date(2024, 3, 18)) == "Nghỉ phục vụ bầu cử"
    assert calendar.day_off_reason(date(2024, 3, 19)) == "Ngày nghỉ theo thông báo"
    assert calendar.is_working_day(date(2024, 3, 16))      # a Saturday declared worked
    assert calendar.is_working_day(date(2024, 4, 29))      # the package's nghỉ bù, overridden
    assert WorkCalendar(extra_days_off={date(2024, 5, 4)}).day_off_reason(date(2024, 5, 4)) == \
        "Ngày nghỉ theo thông báo"                          # the package's làm bù, overridden
    assert calendar.extra_working_days == {date(2024, 3, 16), date(2024, 4, 29)}
    assert calendar.extra_days_off == {date(2024, 3, 18), date(2024, 3, 19)}
    # The plain calendar is not affected by another calendar's days.
    assert not PLAIN.is_working_day(date(2024, 3, 16)) and PLAIN.is_working_day(date(2024, 3, 18))


def test_a_day_both_off_and_worked_is_refused_in_vietnamese():
    with pytest.raises(ValueError, match="04/05/2024"):
        WorkCalendar(extra_days_off={date(2024, 5, 4)}, extra_working_days={date(2024, 5, 4)})


def test_the_calendar_is_immutable():
    with pytest.raises(AttributeError):
        PLAIN._days_off = {}
    with pytest.raises(AttributeError):
        PLAIN.extra_days_off = frozenset()


def test_next_working_day_is_the_day_itself_when_working():
    assert PLAIN.next_working_day(date(2024, 3, 18)) == date(2024, 3, 18)
    assert PLAIN.next_working_day(date(2024, 3, 17)) == date(2024, 3, 18)
    assert PLAIN.next_working_day(date(2024, 2, 10)) == date(2024, 2, 15)


def test_the_day_of_receipt_does_not_count():
    # Received Monday 18/03/2024, "trong vòng 05 ngày làm việc": Tuesday 19 to Monday 25.
    assert PLAIN.add_working_days(date(2024, 3, 18), 1) == date(2024, 3, 19)
    assert PLAIN.add_working_days(date(2024, 3, 18), 5) == date(2024, 3, 25)
    # Received on a Saturday: the count starts on Monday.
    assert PLAIN.add_working_days(date(2024, 3, 16), 1) == date(2024, 3, 18)
    assert PLAIN.add_working_days(date(2024, 3, 16), 0) == date(2024, 3, 18)
    with pytest.raises(ValueError):
        PLAIN.add_working_days(date(2024, 3, 16), -1)


def test_n_working_days_spanning_tet_2024():
    # Received Friday 02/02/2024: 05, 06, 07/02, Tết 08–14/02, then 15 and 16/02.
    assert PLAIN.add_working_days(date(2024, 2, 2), 5) == date(2024, 2, 16)
    assert PLAIN.working_days_between(date(2024, 2, 2), date(2024, 2, 16)) == 5


def test_n_working_days_spanning_tet_2025_and_the_30_april_swap():
    # Received Thursday 23/01/2025: Friday 24/01, then Tết to 02/02, then 03, 04, 05/02.
    assert PLAIN.add_working_days(date(2025, 1, 23), 4) == date(2025, 2, 5)
    # Received Friday 26/04/2024: 29/04–01/05 off, Thursday 02, Friday 03, Saturday 04/05 (làm bù).
    assert PLAIN.add_working_days(date(2024, 4, 26), 3) == date(2024, 5, 4)


def test_working_days_between_counts_after_a_up_to_b():
    assert PLAIN.working_days_between(date(2024, 3, 18), date(2024, 3, 18)) == 0
    assert PLAIN.working_days_between(date(2024, 3, 15), date(2024, 3, 18)) == 1
    assert PLAIN.working_days_between(date(2024, 3, 18), date(2024, 3, 15)) == -1
    assert PLAIN.working_days_between(date(2024, 1, 31), date(2024, 2, 29)) == 16   # 21 weekdays - 5 of Tết


def test_year_days_lists_every_day_of_the_year():
    year = PLAIN.year_days(2024)
    assert len(year) == 366 and year[0].date == date(2024, 1, 1) and year[-1].date == date(2024, 12, 31)
    assert year[0] == (date(2024, 1, 1), False, "Tết Dương lịch")
    assert year[date(2024, 5, 4).timetuple().tm_yday - 1] == (date(2024, 5, 4), True, None)
    # 366 days - 104 weekend days - 12 weekday days off + 1 làm bù Saturday.
    assert sum(day.is_working for day in year) == 251


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)), st.integers(1, 60))
def test_add_working_days_lands_on_a_working_day_and_agrees_with_the_count(start, n):
    due = PLAIN.add_working_days(start, n)
    assert PLAIN.is_working_day(due)
    assert PLAIN.working_days_between(start, due) == n
    assert PLAIN.working_days_between(start, due - timedelta(days=1)) == n - 1


# Recurring rules on working days only.

FAR = date(2020, 1, 1)


def test_daily_on_working_days_only_skips_weekends_and_tet_over_february_2024():
    rule = DeadlineRule(DAILY, time=time(9), working_days_only=True)
    got = [t.date() for t in due_times(rule, date(2024, 2, 1), date(2024, 2, 29), FAR, PLAIN)]
    assert got == [date(2024, 2, d) for d in (1, 2, 5, 6, 7, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29)]
    assert all(t.time() == time(9) for t in due_times(rule, date(2024, 2, 1), date(2024, 2, 29), FAR, PLAIN))
    # Without a calendar, the plain one is used.
    assert [t.date() for t in due_times(rule, date(2024, 2, 1), date(2024, 2, 29), FAR)] == got


def test_every_day_keeps_weekends_and_holidays():
    rule = DeadlineRule(DAILY, time=time(9))
    assert len(due_times(rule, date(2024, 2, 1), date(2024, 2, 29), FAR, PLAIN)) == 29


def test_daily_on_working_days_includes_the_lam_bu_saturday_and_follows_the_admins_days():
    rule = DeadlineRule(DAILY, time=time(9), working_days_only=True)
    got = [t.date() for t in due_times(rule, date(2024, 4, 26), date(2024, 5, 6), FAR, PLAIN)]
    assert got == [date(2024, 4, 26), date(2024, 5, 2), date(2024, 5, 3), date(2024, 5, 4), date(2024, 5, 6)]
    calendar = WorkCalendar(extra_days_off={date(2024, 5, 3): "Nghỉ theo thông báo của tỉnh"},
                            extra_working_days={date(2024, 4, 27)})
    got = [t.date() for t in due_times(rule, date(2024, 4, 26), date(2024, 5, 6), FAR, calendar)]
    assert got == [date(2024, 4, 26), date(2024, 4, 27), date(2024, 5, 2), date(2024, 5, 4), date(2024, 5, 6)]


def test_a_weekly_report_due_on_a_holiday_moves_to_the_next_working_day_at_the_same_time():
    rule = DeadlineRule(WEEKLY, weekday=2, time=time(14), working_days_only=True)
    assert due_times(rule, date(2024, 4, 22), date(2024, 5, 12), FAR, PLAIN) == [
        datetime(2024, 4, 24, 14), datetime(2024, 5, 2, 14), datetime(2024, 5, 8, 14)]
    # Every day: the report stays on the holiday.
    every_day = DeadlineRule(WEEKLY, weekday=2, time=time(14))
    assert datetime(2024, 5, 1, 14) in due_times(every_day, date(2024, 4, 22), date(2024, 5, 12), FAR, PLAIN)


def test_a_weekly_report_of_a_week_closed_for_tet_merges_with_the_next_one():
    rule = DeadlineRule(WEEKLY, weekday=3, time=time(10), working_days_only=True)
    assert [t.date() for t in due_times(rule, date(2024, 2, 1), date(2024, 2, 29), FAR, PLAIN)] == [
        date(2024, 2, 1), date(2024, 2, 15), date(2024, 2, 22), date(2024, 2, 29)]


def test_a_monthly_report_before_the_28th_moves_off_sundays_and_the_30_april_holidays():
    rule = DeadlineRule(MONTHLY, day=28, working_days_only=True)
    got = [t.date() for t in due_times(rule, date(2024, 1, 1), date(2024, 7, 31), FAR, PLAIN)]
    assert got == [date(2024, 1, 29), date(2024, 2, 28), date(2024, 3, 28), date(2024, 5, 2),
                   date(2024, 5, 28), date(2024, 6, 28), date(2024, 7, 29)]


def test_adjacent_ranges_give_a_moved_report_once():
    rule = DeadlineRule(WEEKLY, weekday=6, time=time(17), working_days_only=True)   # Sundays
    first = due_times(rule, date(2024, 3, 25), date(2024, 3, 31), FAR, PLAIN)
    second = due_times(rule, date(2024, 4, 1), date(2024, 4, 7), FAR, PLAIN)
    assert first == [datetime(2024, 4, 1, 17)] and second == [datetime(2024, 4, 8, 17)]
