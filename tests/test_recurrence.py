"""Recurrence: month ends, leap years, campaign windows; periods and reporting-rate arithmetic."""
from datetime import date, datetime, time

import pytest

from webapp.rules.deadlines import DAILY, FIXED, MONTHLY, WEEKLY, DeadlineRule
from webapp.rules.recurrence import due_times
from webapp.rules.reporting import Rate, period_containing

FAR = date(2020, 1, 1)


def test_weekly_wednesday_inside_the_campaign_window_gives_13_20_27_march():
    rule = DeadlineRule(WEEKLY, weekday=2, time=time(14, 0), window_start=date(2024, 3, 11),
                        window_end=date(2024, 3, 31))
    assert due_times(rule, date(2024, 1, 1), date(2024, 12, 31), FAR) == [
        datetime(2024, 3, 13, 14), datetime(2024, 3, 20, 14), datetime(2024, 3, 27, 14)]


def test_daily_before_nine_on_each_day_of_the_range():
    rule = DeadlineRule(DAILY, time=time(9, 0))
    times = due_times(rule, date(2024, 2, 27), date(2024, 3, 1), FAR)
    assert times == [datetime(2024, 2, d, 9) for d in (27, 28, 29)] + [datetime(2024, 3, 1, 9)]


def test_monthly_before_the_31st_falls_on_the_last_day_of_shorter_months():
    rule = DeadlineRule(MONTHLY, day=31)
    days = [d.date() for d in due_times(rule, date(2024, 1, 1), date(2024, 6, 30), FAR)]
    assert days == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30),
                    date(2024, 5, 31), date(2024, 6, 30)]


def test_monthly_before_the_30th_in_february_of_leap_and_common_years():
    rule = DeadlineRule(MONTHLY, day=30)
    assert due_times(rule, date(2024, 2, 1), date(2024, 2, 29), FAR)[0].date() == date(2024, 2, 29)
    assert due_times(rule, date(2023, 2, 1), date(2023, 2, 28), FAR)[0].date() == date(2023, 2, 28)


def test_monthly_before_the_28th_is_due_at_the_end_of_the_28th():
    rule = DeadlineRule(MONTHLY, day=28)
    assert due_times(rule, date(2024, 1, 1), date(2024, 2, 28), FAR) == [
        datetime(2024, 1, 28, 23, 59, 59), datetime(2024, 2, 28, 23, 59, 59)]


def test_monthly_with_no_day_is_the_months_last_day():
    rule = DeadlineRule(MONTHLY)
    days = [d.date() for d in due_times(rule, date(2023, 11, 15), date(2024, 2, 29), FAR)]
    assert days == [date(2023, 11, 30), date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29)]


def test_a_rule_without_window_starts_at_the_default_start():
    rule = DeadlineRule(DAILY, time=time(10, 0))
    assert due_times(rule, date(2024, 1, 1), date(2024, 1, 5), default_start=date(2024, 1, 4)) == [
        datetime(2024, 1, 4, 10), datetime(2024, 1, 5, 10)]


def test_window_outside_the_range_gives_nothing_and_one_off_rules_give_nothing():
    rule = DeadlineRule(DAILY, time=time(9), window_start=date(2024, 3, 11), window_end=date(2024, 3, 31))
    assert due_times(rule, date(2024, 4, 1), date(2024, 4, 30), FAR) == []
    assert due_times(DeadlineRule(FIXED, date=date(2024, 1, 1)), FAR, date(2030, 1, 1), FAR) == []


@pytest.mark.parametrize("kind, day, start, end, label", [
    ("week", date(2024, 3, 20), date(2024, 3, 18), date(2024, 3, 24), "Tuần 12/2024 (18/03–24/03/2024)"),
    ("week", date(2024, 3, 18), date(2024, 3, 18), date(2024, 3, 24), "Tuần 12/2024 (18/03–24/03/2024)"),
    ("month", date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29), "Tháng 02/2024"),
    ("quarter", date(2024, 3, 31), date(2024, 1, 1), date(2024, 3, 31), "Quý 1/2024"),
    ("quarter", date(2024, 11, 2), date(2024, 10, 1), date(2024, 12, 31), "Quý 4/2024"),
])
def test_periods(kind, day, start, end, label):
    period = period_containing(kind, day)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_period_shift():
    assert period_containing("month", date(2024, 1, 31)).shifted(1).start == date(2024, 2, 1)
    assert period_containing("quarter", date(2024, 1, 5)).shifted(-1).start == date(2023, 10, 1)
    assert period_containing("week", date(2024, 1, 3)).shifted(-1).start == date(2023, 12, 25)


def test_reporting_rate_arithmetic():
    rate = Rate(expected=4, submitted=3, on_time=2) + Rate(expected=1, submitted=0, on_time=0)
    assert (rate.expected, rate.submitted, rate.on_time) == (5, 3, 2)
    assert rate.rate == pytest.approx(60.0) and rate.on_time_rate == pytest.approx(40.0)
    assert Rate(0, 0, 0).rate is None


def test_a_recurring_duty_owes_its_oldest_missing_report():
    from webapp.rules.recurrence import recurring_due_and_done
    d1, d2, d3 = datetime(2024, 3, 13, 14), datetime(2024, 3, 20, 14), datetime(2024, 3, 27, 14)
    assert recurring_due_and_done(d2, None, d3, d1, window_over=False) == (d2, None)
    assert recurring_due_and_done(None, None, d3, datetime(2024, 3, 27, 9), window_over=False) == (None, None)
    on_time = recurring_due_and_done(None, None, d3, datetime(2024, 3, 27, 9), window_over=True)
    late = recurring_due_and_done(None, d1, d3, datetime(2024, 3, 27, 9), window_over=True)
    from webapp.rules import status
    now = datetime(2024, 4, 2)
    assert status.classify(*on_time, now) == status.DONE_ON_TIME
    assert status.classify(*late, now) == status.DONE_LATE
    assert status.classify(*recurring_due_and_done(d1, None, d3, None, True), now) == status.OVERDUE
