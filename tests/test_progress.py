"""Figures of a set: entry rules, the report they submit, roll-ups in SQL against a hand-computed case,
and the monthly report's view of them (core.progress)."""
from datetime import date, datetime, time

import pytest

from tests.helpers import figures_row, put_target, set_like_phu_luc_01
from webapp.core import figures, occurrences, progress
from webapp.core import indicators as sets
from webapp.models import Figure, FigureEntry, Occurrence


@pytest.fixture
def province(factory):
    """A province with two districts; district 1 has two communes, district 2 none; a set whose daily
    duty the districts lead, entered by their communes (or a district for itself)."""
    root = factory.unit("Tỉnh", kind="ubnd_tinh")
    d1 = factory.unit("Huyện Một", kind="ubnd_huyen", parent=root)
    d2 = factory.unit("Huyện Hai", kind="ubnd_huyen", parent=root)
    a = factory.unit("Xã A", kind="ubnd_xa", parent=d1)
    b = factory.unit("Xã B", kind="ubnd_xa", parent=d1)
    user = factory.user(unit=a)
    directive = factory.directive(issuer=root)
    task = factory.task(directive, lead=[d1, d2], kind="daily", deadline_time=time(9, 0),
                        window_start=date(2024, 4, 1))
    s = set_like_phu_luc_01(directive, root, task)
    return s, root, d1, d2, a, b, user


def save(s, unit, day, first, second=None, user=None, at=datetime(2024, 4, 10, 8, 0), note=""):
    row = figures_row(s, [first, second])
    row.note = note
    return figures.save(s, unit, day, {unit.id: row}, user.id, at)


def test_roll_ups_against_a_hand_computed_case(app, province):
    s, root, d1, d2, a, b, user = province
    save(s, a, date(2024, 4, 8), (100, 30, 20), user=user)
    save(s, a, date(2024, 4, 9), (100, 40, 35), user=user)          # the latest for A
    save(s, a, date(2024, 4, 11), (100, 60, 50), user=user)         # after the report date: ignored
    save(s, b, date(2024, 4, 7), (50, 10, 5), user=user)            # B's latest is older: still counts
    save(s, d1, date(2024, 4, 9), (999, 999, 999), user=user)       # district's own: ignored, its communes report
    save(s, d2, date(2024, 4, 9), (80, 20, 16), user=user)          # no communes report: the district's own
    put_target(s, d1, 2024, 0, 150, (10, 20, 30, 40))
    put_target(s, a, 2024, 0, 100, (5, 15, 0, 0))
    base, opened, paid = sets.indicators_of(s)
    g1, g2 = sets.groups_of(s)

    result = figures.rollup(s, root, date(2024, 4, 9), since=date(2024, 4, 9))
    rows = {r.unit.name: r for r in result.rows}
    one, two = rows["Huyện Một"], rows["Huyện Hai"]
    assert [one.value(i.id, g1.id) for i in (base, opened, paid)] == [150, 50, 40]
    assert [two.value(i.id, g1.id) for i in (base, opened, paid)] == [80, 20, 16]
    assert one.target(paid.id, g1.id) == 30 and round(one.target_rate(paid.id, g1.id), 2) == 133.33
    assert one.bar(paid.id, g1.id) == 100 and round(one.rate(paid.id, base.id, g1.id), 2) == 26.67
    assert two.target_rate(paid.id, g1.id) is None and one.value(paid.id, g2.id) is None  # not reported
    assert one.current and one.last_day == date(2024, 4, 9)
    # The total compares the reporting districts with their own targets only.
    assert result.total.value(paid.id, g1.id) == 56 and result.total.target(paid.id, g1.id) == 30
    assert (result.total.units, result.total.units_reported) == (2, 2)

    in_district = figures.rollup(s, d1, date(2024, 4, 9), since=date(2024, 4, 9))
    # The district's own figures are shown apart, outside its total: its communes reported.
    assert in_district.own.value(paid.id, g1.id) == 999 and in_district.total.value(paid.id, g1.id) == 40
    assert figures.rollup(s, d2, date(2024, 4, 9)).own.value(base.id, g1.id) == 80
    assert figures.rollup(s, a, date(2024, 4, 9)).own.value(paid.id, g1.id) == 35
    district = {r.unit.name: r for r in in_district.rows}
    assert district["Xã A"].value(paid.id, g1.id) == 35 and district["Xã A"].target(paid.id, g1.id) == 20
    assert district["Xã B"].value(paid.id, g1.id) == 5 and district["Xã B"].target(paid.id, g1.id) is None
    assert district["Xã B"].current is False and district["Xã B"].last_day == date(2024, 4, 7)
    march = {r.unit.name: r for r in figures.rollup(s, d1, date(2024, 3, 31)).rows}
    assert march["Xã A"].reported is False and march["Xã A"].target(paid.id, g1.id) == 5

    # The monthly report's view, as it read the fixed tables before.
    groups = list(progress.GROUPS)
    table = progress.rollup(root, "ubnd_huyen", date(2024, 4, 9))
    assert set(table) == {g1.id, g2.id} and groups == [g1.id, g2.id]
    legacy = {r.unit.name: r for r in table[g1.id]}
    assert (legacy["Huyện Một"].beneficiaries, legacy["Huyện Một"].accounts_opened,
            legacy["Huyện Một"].paid_cashless) == (150, 50, 40)
    assert legacy["Huyện Một"].target_to_date == 30 and legacy["Huyện Một"].target_total == 150
    assert round(legacy["Huyện Một"].rate_target, 2) == 133.33 and legacy["Huyện Hai"].reported
    total = progress.total_of(table[g1.id], root, g1.id)
    assert (total.beneficiaries, total.paid_cashless, total.target_to_date) == (230, 56, 30)
    assert progress.rollup(d1, "ubnd_xa", date(2024, 4, 9))[g2.id][0].reported is False


def test_per_period_figures_add_up_over_the_window_and_stock_takes_the_latest(app, factory):
    root = factory.unit("Huyện", kind="ubnd_huyen")
    x = factory.unit("Xã X", kind="ubnd_xa", parent=root)
    user = factory.user(unit=x)
    directive = factory.directive(issuer=root)
    task = factory.task(directive, lead=[x], kind="weekly", weekday=2, deadline_time=time(14, 0),
                        window_start=date(2024, 3, 1))
    s = sets.create_set(directive, "Tuần", task, root, "", "year", now=datetime(2024, 3, 1))
    sets.save_definition(s, [sets.IndicatorInput(None, "Mở trong tuần", aggregation="period"),
                             sets.IndicatorInput(None, "Còn lại", aggregation="stock")], [], now=datetime(2024, 3, 1))
    week, left = sets.indicators_of(s)
    [group] = sets.groups_of(s)
    for day, numbers in ((date(2024, 3, 6), (10, 50)), (date(2024, 3, 13), (15, 35)), (date(2024, 3, 20), (5, 40))):
        figures.save(s, x, day, {x.id: figures_row(s, [numbers])}, user.id, datetime.combine(day, time(12)))
    one_week = figures.rollup(s, root, date(2024, 3, 20), since=date(2024, 3, 14)).rows[0]
    assert (one_week.value(week.id, group.id), one_week.value(left.id, group.id)) == (5, 40)
    since_start = figures.rollup(s, root, date(2024, 3, 20)).rows[0]
    assert since_start.value(week.id, group.id) == 30  # summed over the periods
    # A stock may fall or rise; nobody is asked for a reason.
    assert FigureEntry.select().count() == 3


def test_a_lower_cumulative_figure_needs_a_reason_and_nothing_is_saved_without_one(app, province):
    s, _, _, _, a, _, user = province
    save(s, a, date(2024, 4, 8), (100, 40, 30), user=user)
    with pytest.raises(figures.FiguresError) as refused:
        save(s, a, date(2024, 4, 9), (100, 38, 30), (10, 1, 1), user=user)
    assert "cần ghi lý do" in refused.value.errors[f"note-{a.id}"]
    assert FigureEntry.select().count() == 1 and Figure.select().count() == 3
    save(s, a, date(2024, 4, 9), (100, 38, 30), user=user, note="Rà soát, loại 2 đối tượng")
    assert FigureEntry.select().count() == 2


@pytest.mark.parametrize("values, index, message", [
    ((None, 1, 1), 0, "Vui lòng nhập số"),
    ((10, -1, 0), 1, "không được âm"),
    ((10, 11, 0), 1, "Không được lớn hơn «Tổng số đối tượng»"),
    ((10, 5, 12), 2, "Không được lớn hơn «Tổng số đối tượng»"),
    ((10, 5.5, 2), 1, "Phải là số nguyên"),
])
def test_bad_figures_are_refused(app, province, values, index, message):
    s, _, _, _, a, _, user = province
    with pytest.raises(figures.FiguresError) as refused:
        save(s, a, date(2024, 4, 9), values, user=user)
    indicator = sets.indicators_of(s)[index]
    group = sets.groups_of(s)[0]
    assert message in refused.value.errors[f"v-{a.id}-{indicator.id}-{group.id}"]
    assert FigureEntry.select().count() == 0


def test_a_communes_figures_submit_that_days_report_of_its_district(app, province):
    s, _, d1, _, a, _, user = province
    occurrences.materialise(date(2024, 4, 10), date(2024, 4, 9))
    save(s, a, date(2024, 4, 9), (100, 40, 30), user=user, at=datetime(2024, 4, 9, 9, 30))
    due = {o.due_at.date(): o for o in Occurrence.select().join(Occurrence.assignment.rel_model)
           .where(Occurrence.assignment.rel_model.unit == d1.id)}
    assert due[date(2024, 4, 9)].submitted_at == datetime(2024, 4, 9, 9, 30)  # late: after 09:00
    assert "Xã A" in due[date(2024, 4, 9)].note
    assert due[date(2024, 4, 8)].submitted_at is None and due[date(2024, 4, 10)].submitted_at is None
