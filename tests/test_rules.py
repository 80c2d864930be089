"""Pure rules: deadline rules and the status class, tested at their boundaries."""
from datetime import date, datetime, time

import pytest

from webapp.rules import status
from webapp.rules.deadlines import (
    DAILY,
    FIXED,
    IMMEDIATE,
    MONTHLY,
    ONGOING,
    WEEKLY,
    WITHIN_MONTH,
    DeadlineRule,
)
from webapp.rules.recurrence import recurring_progress
from webapp.rules.vietnamese import fold, format_number, format_percent, percent_fraction, sort_key


def test_fixed_date_without_time_is_due_at_the_end_of_that_day():
    assert DeadlineRule(FIXED, date=date(2024, 1, 15)).due_at() == datetime(2024, 1, 15, 23, 59, 59)


def test_fixed_date_with_time_is_due_at_that_time():
    rule = DeadlineRule(FIXED, date=date(2024, 1, 15), time=time(9, 0))
    assert rule.due_at() == datetime(2024, 1, 15, 9, 0)


@pytest.mark.parametrize("month_day, expected", [
    (date(2024, 1, 10), datetime(2024, 1, 31, 23, 59, 59)),
    (date(2024, 2, 1), datetime(2024, 2, 29, 23, 59, 59)),   # leap year
    (date(2023, 2, 1), datetime(2023, 2, 28, 23, 59, 59)),
    (date(2024, 12, 5), datetime(2024, 12, 31, 23, 59, 59)),
    (date(2024, 4, 30), datetime(2024, 4, 30, 23, 59, 59)),
])
def test_within_a_month_is_due_at_the_end_of_its_last_day(month_day, expected):
    assert DeadlineRule(WITHIN_MONTH, date=month_day).due_at() == expected


def test_immediate_uses_the_date_set_by_the_admin():
    assert DeadlineRule(IMMEDIATE, date=date(2024, 3, 12)).due_at() == datetime(2024, 3, 12, 23, 59, 59)


@pytest.mark.parametrize("rule", [
    DeadlineRule(ONGOING),
    DeadlineRule(DAILY, time=time(9, 0)),
    DeadlineRule(WEEKLY, weekday=2, time=time(14, 0)),
    DeadlineRule(MONTHLY, day=28),
])
def test_ongoing_and_recurring_rules_have_no_single_due_time(rule):
    assert rule.due_at() is None


def test_rule_errors_name_the_missing_fields_in_vietnamese():
    assert "deadline_date" in DeadlineRule(FIXED).errors()
    assert "deadline_date" in DeadlineRule(WITHIN_MONTH).errors()
    assert set(DeadlineRule(WEEKLY).errors()) == {"deadline_time", "weekday"}
    assert "month_day" in DeadlineRule(MONTHLY, day=32).errors()
    bad_window = DeadlineRule(ONGOING, window_start=date(2024, 3, 31), window_end=date(2024, 3, 11))
    assert bad_window.errors()["window_end"].startswith("Ngày kết thúc")
    assert DeadlineRule("sometime").errors() == {"deadline_kind": "Loại thời hạn không hợp lệ."}
    assert DeadlineRule(ONGOING).errors() == {}


def test_rules_describe_themselves_in_vietnamese():
    assert DeadlineRule(WITHIN_MONTH, date=date(2024, 1, 1)).describe() == "Trong tháng 01/2024"
    assert DeadlineRule(DAILY, time=time(9, 0)).describe() == "Hằng ngày trước 09:00"
    weekly = DeadlineRule(WEEKLY, weekday=2, time=time(14, 0), window_start=date(2024, 3, 11),
                          window_end=date(2024, 3, 31))
    assert weekly.describe() == "Thứ Tư hằng tuần trước 14:00 (từ 11/03/2024 đến 31/03/2024)"
    assert DeadlineRule(MONTHLY, day=28).describe() == "Trước ngày 28 hằng tháng"
    assert DeadlineRule(ONGOING).describe() == "Thường xuyên"


NINE = datetime(2024, 3, 20, 9, 0)


@pytest.mark.parametrize("done_at, expected", [
    (datetime(2024, 3, 20, 9, 0), status.DONE_ON_TIME),
    (datetime(2024, 3, 20, 8, 59, 59), status.DONE_ON_TIME),
    (datetime(2024, 3, 20, 9, 1), status.DONE_LATE),
    (datetime(2024, 3, 20, 9, 0, 1), status.DONE_LATE),
])
def test_done_at_the_due_minute_is_on_time_and_a_minute_later_is_late(done_at, expected):
    assert status.classify(NINE, done_at, now=datetime(2024, 4, 1)) == expected


@pytest.mark.parametrize("now, expected", [
    (datetime(2024, 3, 20, 9, 0), status.DUE_SOON),        # at the due time: not yet late
    (datetime(2024, 3, 20, 9, 0, 1), status.OVERDUE),
    (datetime(2024, 3, 20, 9, 1), status.OVERDUE),
    (datetime(2024, 3, 17, 9, 0), status.DUE_SOON),        # exactly three days before
    (datetime(2024, 3, 17, 8, 59, 59), status.NOT_DUE),
])
def test_not_done_is_due_soon_within_the_window_and_overdue_after_the_due_time(now, expected):
    assert status.classify(NINE, None, now, due_soon_days=3) == expected


def test_end_of_month_and_leap_february_boundaries():
    due = DeadlineRule(WITHIN_MONTH, date=date(2024, 2, 1)).due_at()
    assert status.classify(due, datetime(2024, 2, 29, 23, 59, 59), datetime(2024, 3, 5)) == status.DONE_ON_TIME
    assert status.classify(due, datetime(2024, 3, 1, 0, 0), datetime(2024, 3, 5)) == status.DONE_LATE
    assert status.classify(due, None, datetime(2024, 2, 29, 23, 59, 59)) == status.DUE_SOON
    assert status.classify(due, None, datetime(2024, 3, 1, 0, 0)) == status.OVERDUE


def test_no_due_date_is_never_overdue_and_done_is_on_time():
    assert status.classify(None, None, datetime(2099, 1, 1)) == status.NOT_DUE
    assert status.classify(None, datetime(2024, 5, 5), datetime(2099, 1, 1)) == status.DONE_ON_TIME


def test_due_soon_window_is_configurable():
    now = datetime(2024, 3, 10, 9, 0)
    assert status.classify(NINE, None, now, due_soon_days=3) == status.NOT_DUE
    assert status.classify(NINE, None, now, due_soon_days=10) == status.DUE_SOON


def test_vietnamese_sort_puts_d_before_dd_and_accents_after_the_base_letter():
    names = ["Đông Hà", "Dốc Miếu", "Cam Lộ", "Hải Lăng", "Hà Tĩnh", "Ân Thi", "An Lão"]
    assert sorted(names, key=sort_key) == ["An Lão", "Ân Thi", "Cam Lộ", "Dốc Miếu", "Đông Hà",
                                           "Hà Tĩnh", "Hải Lăng"]


def test_number_format_and_folding():
    assert format_number(64454) == "64.454"
    assert format_number(31.66, 1) == "31,7"
    assert fold("  Huyện  ĐaKrông ") == "huyen dakrong"


@pytest.mark.parametrize("value, decimals, shown", [
    (342 / 96 * 100, 1, "356,3"),     # 356,25: Python's own rounding gives 356,2
    (12.5, 0, "13"), (0.5, 0, "1"), (2.5, 0, "3"),
    (100 * 29 / 200, 0, "15"),        # 14.499999999999998 in binary, 14,5 on paper
    (-2.5, 0, "-3"), (31.66, 1, "31,7"), (16975, 0, "16.975"), (1234.05, 1, "1.234,1"),
])
def test_every_number_shown_rounds_halves_up(value, decimals, shown):
    assert format_number(value, decimals) == shown


def test_percentages_in_spreadsheets_and_recurring_progress_round_halves_up_too():
    assert percent_fraction(356.25) == pytest.approx(3.563)
    assert format_percent(0.125) == "13%"
    assert recurring_progress(8, 1, False) == ("in_progress", 13)   # 12,5%
