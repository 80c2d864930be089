"""Relative deadlines ("trong N ngày (làm việc) kể từ …") and Điều 148: a deadline ending on a day off
ends at the end of the next working day."""
from datetime import date, datetime, time

import pytest

from webapp.rules.deadlines import (
    DAILY,
    FIXED,
    FROM_ISSUE,
    FROM_RECEIPT,
    IMMEDIATE,
    KIND_LABELS,
    MONTHLY,
    ONGOING,
    RELATIVE_DAYS,
    RELATIVE_WORKING_DAYS,
    WEEKLY,
    WITHIN_MONTH,
    DeadlineRule,
    Due,
    default_working_days_only,
    moved_note,
)
from webapp.rules.workdays import WorkCalendar

EOD = time(23, 59, 59)


def at(y, m, d, t=EOD):
    return datetime.combine(date(y, m, d), t)


def test_a_fixed_deadline_in_tet_2024_moves_to_the_first_working_day_after_it():
    due = DeadlineRule(FIXED, date=date(2024, 2, 10)).due()
    assert due == Due(at(2024, 2, 15), at(2024, 2, 10), "Tết Nguyên đán")
    assert due.moved
    assert moved_note(due) == "(dời sang 15/02/2024 do trùng ngày nghỉ Tết Nguyên đán)"


def test_a_fixed_deadline_on_a_sunday_moves_to_monday_and_keeps_its_time():
    due = DeadlineRule(FIXED, date=date(2024, 3, 17), time=time(9, 0)).due()
    assert (due.at, due.original, due.moved_reason) == (at(2024, 3, 18, time(9)), at(2024, 3, 17, time(9)),
                                                        "Chủ nhật")
    assert moved_note(due) == "(dời sang 18/03/2024 do trùng ngày nghỉ Chủ nhật)"


def test_a_deadline_on_a_working_day_is_not_moved():
    due = DeadlineRule(FIXED, date=date(2024, 3, 18)).due()
    assert due == Due(at(2024, 3, 18), at(2024, 3, 18), None)
    assert not due.moved and moved_note(due) == "" and moved_note(None) == ""


def test_a_deadline_on_the_30_april_2024_swap_moves_past_it_and_not_to_the_worked_saturday():
    assert DeadlineRule(FIXED, date=date(2024, 4, 29)).due() == Due(at(2024, 5, 2), at(2024, 4, 29), "Nghỉ bù")
    # Saturday 04/05/2024 is a làm bù day: a deadline on it stays there.
    assert not DeadlineRule(FIXED, date=date(2024, 5, 4)).due().moved


def test_within_a_month_ending_on_a_sunday_moves_to_monday():
    due = DeadlineRule(WITHIN_MONTH, date=date(2024, 3, 5)).due()
    assert (due.at, due.original, due.moved_reason) == (at(2024, 4, 1), at(2024, 3, 31), "Chủ nhật")


def test_the_switch_off_keeps_the_date_as_written():
    assert DeadlineRule(FIXED, date=date(2024, 2, 10)).due(shift_days_off=False) == \
        Due(at(2024, 2, 10), at(2024, 2, 10))


def test_due_at_stays_as_written_for_the_old_kinds():
    assert DeadlineRule(FIXED, date=date(2024, 2, 10)).due_at() == at(2024, 2, 10)
    assert DeadlineRule(WITHIN_MONTH, date=date(2024, 3, 5)).due_at() == at(2024, 3, 31)


def test_immediate_is_never_moved():
    due = DeadlineRule(IMMEDIATE, date=date(2024, 2, 10)).due()
    assert due.at == at(2024, 2, 10) and not due.moved


@pytest.mark.parametrize("rule", [DeadlineRule(ONGOING), DeadlineRule(DAILY, time=time(9)),
                                  DeadlineRule(WEEKLY, weekday=2, time=time(14)), DeadlineRule(MONTHLY),
                                  DeadlineRule(FIXED)])
def test_rules_without_a_single_due_time_give_none(rule):
    assert rule.due() is None


def test_the_admins_days_off_move_a_deadline_with_their_label():
    calendar = WorkCalendar(extra_days_off={date(2024, 3, 18): "Nghỉ phục vụ bầu cử"})
    due = DeadlineRule(FIXED, date=date(2024, 3, 16)).due(calendar)
    assert due.at == at(2024, 3, 19) and due.moved_reason == "Thứ Bảy"
    due = DeadlineRule(FIXED, date=date(2024, 3, 18)).due(calendar)
    assert moved_note(due) == "(dời sang 19/03/2024 do trùng ngày nghỉ Nghỉ phục vụ bầu cử)"
    # A Saturday the admin declares worked keeps its deadline.
    assert not DeadlineRule(FIXED, date=date(2024, 3, 16)).due(
        WorkCalendar(extra_working_days={date(2024, 3, 16)})).moved


def test_n_working_days_from_receipt_spanning_tet_2024():
    rule = DeadlineRule(RELATIVE_WORKING_DAYS, n=5, counted_from=FROM_RECEIPT)
    due = rule.due(received_on=date(2024, 2, 2), issued_on=date(2024, 1, 30))
    assert due == Due(at(2024, 2, 16), at(2024, 2, 16))
    # A receipt time of day does not matter: only its date counts.
    assert rule.due(received_on=datetime(2024, 2, 2, 16, 30)).at == at(2024, 2, 16)


def test_n_working_days_from_issue_uses_the_issue_date_and_the_given_calendar():
    rule = DeadlineRule(RELATIVE_WORKING_DAYS, n=3, counted_from=FROM_ISSUE)
    assert rule.due(issued_on=date(2024, 3, 13), received_on=date(2024, 3, 20)).at == at(2024, 3, 18)
    calendar = WorkCalendar(extra_days_off={date(2024, 3, 14)})
    assert rule.due(calendar, issued_on=date(2024, 3, 13)).at == at(2024, 3, 19)


def test_n_days_from_issue_ending_on_a_sunday_moves_to_monday():
    rule = DeadlineRule(RELATIVE_DAYS, n=10, counted_from=FROM_ISSUE)
    due = rule.due(issued_on=date(2024, 3, 7))
    assert (due.at, due.original, due.moved_reason) == (at(2024, 3, 18), at(2024, 3, 17), "Chủ nhật")
    assert rule.due(issued_on=date(2024, 3, 7), shift_days_off=False).at == at(2024, 3, 17)


def test_n_days_ending_in_tet_2025_moves_to_monday_3_february():
    due = DeadlineRule(RELATIVE_DAYS, n=7, counted_from=FROM_RECEIPT).due(received_on=date(2025, 1, 22))
    assert (due.at, due.original, due.moved_reason) == (at(2025, 2, 3), at(2025, 1, 29), "Tết Nguyên đán")


def test_within_n_days_from_receipt_without_a_receipt_date_gives_none():
    rule = DeadlineRule(RELATIVE_DAYS, n=5, counted_from=FROM_RECEIPT)
    assert rule.due(issued_on=date(2024, 3, 1)) is None
    assert rule.due_at() is None
    assert DeadlineRule(RELATIVE_WORKING_DAYS, n=5, counted_from=FROM_ISSUE).due(received_on=date(2024, 3, 1)) \
        is None


def test_a_relative_rule_with_errors_gives_no_due_time_and_no_exception():
    assert DeadlineRule(RELATIVE_DAYS, counted_from=FROM_ISSUE).due(issued_on=date(2024, 3, 1)) is None
    assert DeadlineRule(RELATIVE_DAYS, n=0, counted_from=FROM_ISSUE).due(issued_on=date(2024, 3, 1)) is None
    assert DeadlineRule(RELATIVE_DAYS, n=5, counted_from="sometime").due(issued_on=date(2024, 3, 1)) is None


@pytest.mark.parametrize("n, counted_from, fields", [
    (5, FROM_RECEIPT, set()),
    (1, FROM_ISSUE, set()),
    (365, FROM_ISSUE, set()),
    (None, FROM_ISSUE, {"deadline_n"}),
    (0, FROM_ISSUE, {"deadline_n"}),
    (366, FROM_ISSUE, {"deadline_n"}),
    (True, FROM_ISSUE, {"deadline_n"}),
    (5, None, {"counted_from"}),
    (5, "received", {"counted_from"}),
    (None, None, {"deadline_n", "counted_from"}),
])
def test_relative_rules_ask_for_n_and_counted_from(n, counted_from, fields):
    for kind in (RELATIVE_DAYS, RELATIVE_WORKING_DAYS):
        errors = DeadlineRule(kind, n=n, counted_from=counted_from).errors()
        assert set(errors) == fields
    errors = DeadlineRule(RELATIVE_DAYS).errors()
    assert errors["deadline_n"] == "Cần nhập số ngày của thời hạn, từ 1 đến 365."
    assert errors["counted_from"] == "Cần chọn mốc tính thời hạn: ngày ban hành hoặc ngày nhận văn bản."


def test_new_kinds_describe_themselves_in_vietnamese():
    assert DeadlineRule(RELATIVE_WORKING_DAYS, n=5, counted_from=FROM_RECEIPT).describe() == \
        "Trong 05 ngày làm việc kể từ ngày nhận văn bản"
    assert DeadlineRule(RELATIVE_DAYS, n=10, counted_from=FROM_ISSUE).describe() == \
        "Trong 10 ngày kể từ ngày ban hành"
    assert DeadlineRule(RELATIVE_DAYS, n=120, counted_from=FROM_ISSUE).describe() == \
        "Trong 120 ngày kể từ ngày ban hành"
    assert DeadlineRule(RELATIVE_DAYS).describe() == "Trong N ngày"
    assert KIND_LABELS[RELATIVE_WORKING_DAYS] == "Trong N ngày làm việc"
    assert KIND_LABELS[RELATIVE_DAYS] == "Trong N ngày"


def test_recurring_rules_on_working_days_only_say_so():
    assert DeadlineRule(DAILY, time=time(9), working_days_only=True).describe() == \
        "Hằng ngày trước 09:00 (chỉ ngày làm việc)"
    weekly = DeadlineRule(WEEKLY, weekday=2, time=time(14), window_start=date(2024, 3, 11),
                          window_end=date(2024, 3, 31), working_days_only=True)
    assert weekly.describe() == "Thứ Tư hằng tuần trước 14:00 (chỉ ngày làm việc) (từ 11/03/2024 đến 31/03/2024)"
    assert DeadlineRule(DAILY, time=time(9)).describe() == "Hằng ngày trước 09:00"
    # The flag means nothing for one-off rules.
    assert DeadlineRule(FIXED, date=date(2024, 1, 15), working_days_only=True).describe() == "Hạn ngày 15/01/2024"


def test_new_daily_rules_default_to_working_days_only():
    assert default_working_days_only(DAILY)
    assert not default_working_days_only(WEEKLY) and not default_working_days_only(MONTHLY)


def test_the_rule_stays_frozen_and_positional_callers_still_work():
    rule = DeadlineRule(FIXED, date(2024, 1, 15), time(9), None, None, None, None)
    assert (rule.n, rule.counted_from, rule.working_days_only) == (None, None, False)
    with pytest.raises(AttributeError):
        rule.n = 5
    assert hash(rule) == hash(DeadlineRule(FIXED, date=date(2024, 1, 15), time=time(9)))
