"""Progress figures: entry rules, the Phụ lục 2b occurrence they satisfy, and SQL roll-ups."""
from datetime import date, datetime, time

import pytest

from webapp.core import occurrences, progress
from webapp.models import Occurrence, ProgressFigure, Target


def entry(b, opened, paid, note=""):
    return {"beneficiaries": b, "accounts_opened": opened, "paid_cashless": paid, "note": note}


@pytest.fixture
def province(factory):
    """A province with two districts; district 1 has two communes, district 2 none."""
    root = factory.unit("Tỉnh", kind="ubnd_tinh")
    d1 = factory.unit("Huyện Một", kind="ubnd_huyen", parent=root)
    d2 = factory.unit("Huyện Hai", kind="ubnd_huyen", parent=root)
    a = factory.unit("Xã A", kind="ubnd_xa", parent=d1)
    b = factory.unit("Xã B", kind="ubnd_xa", parent=d1)
    user = factory.user(unit=a)
    return root, d1, d2, a, b, user


def test_roll_ups_against_a_hand_computed_case(app, province):
    root, d1, d2, a, b, user = province
    now = datetime(2024, 4, 10, 8, 0)
    save = lambda unit, day, g1, g2=None: progress.save_figures(  # noqa: E731
        unit, day, {"nguoi_co_cong": g1, **({"bao_tro_xa_hoi": g2} if g2 else {})}, user.id, now)
    save(a, date(2024, 4, 8), entry(100, 30, 20))
    save(a, date(2024, 4, 9), entry(100, 40, 35))          # the latest for A
    save(a, date(2024, 4, 11), entry(100, 60, 50))         # after the report date: ignored
    save(b, date(2024, 4, 7), entry(50, 10, 5))            # B's latest is older: still counts
    save(d1, date(2024, 4, 9), entry(999, 999, 999))       # district's own: ignored, its communes report
    save(d2, date(2024, 4, 9), entry(80, 20, 16))          # no communes report: the district's own
    Target.create(unit=d1, year=2024, group="nguoi_co_cong", total=150, q1=10, q2=20, q3=30, q4=40)
    Target.create(unit=a, year=2024, group="nguoi_co_cong", total=100, q1=5, q2=15, q3=0, q4=0)

    province_rows = {r.unit.name: r for r in progress.rollup(root, "ubnd_huyen", date(2024, 4, 9))["nguoi_co_cong"]}
    one, two = province_rows["Huyện Một"], province_rows["Huyện Hai"]
    assert (one.beneficiaries, one.accounts_opened, one.paid_cashless) == (150, 50, 40)
    assert (two.beneficiaries, two.accounts_opened, two.paid_cashless) == (80, 20, 16)
    assert one.target_to_date == 30 and round(one.rate_target, 2) == 133.33 and one.bar_percent == 100
    assert round(one.rate_total, 2) == 26.67 and two.rate_target is None
    total = progress.total_of(list(province_rows.values()), root, "nguoi_co_cong")
    assert (total.beneficiaries, total.paid_cashless, total.target_to_date) == (230, 56, 30)

    district_rows = {r.unit.name: r for r in progress.rollup(d1, "ubnd_xa", date(2024, 4, 9))["nguoi_co_cong"]}
    assert district_rows["Xã A"].paid_cashless == 35 and district_rows["Xã A"].target_to_date == 20
    assert district_rows["Xã B"].paid_cashless == 5 and district_rows["Xã B"].target_total == 0
    assert progress.rollup(d1, "ubnd_xa", date(2024, 4, 9))["bao_tro_xa_hoi"][0].reported is False
    march = {r.unit.name: r for r in progress.rollup(d1, "ubnd_xa", date(2024, 3, 31))["nguoi_co_cong"]}
    assert march["Xã A"].reported is False and march["Xã A"].target_to_date == 5


def test_a_lower_cumulative_figure_needs_a_reason_and_nothing_is_saved_without_one(app, province):
    _, _, _, a, _, user = province
    now = datetime(2024, 4, 10, 8, 0)
    progress.save_figures(a, date(2024, 4, 8), {"nguoi_co_cong": entry(100, 40, 30)}, user.id, now)
    with pytest.raises(progress.FiguresError) as refused:
        progress.save_figures(a, date(2024, 4, 9), {"nguoi_co_cong": entry(100, 38, 30),
                                                    "bao_tro_xa_hoi": entry(10, 1, 1)}, user.id, now)
    assert "cần ghi lý do" in refused.value.errors[("nguoi_co_cong", "note")]
    assert ProgressFigure.select().count() == 1
    progress.save_figures(a, date(2024, 4, 9), {"nguoi_co_cong": entry(100, 38, 30, "Rà soát, loại 2 đối tượng")},
                          user.id, now)
    assert ProgressFigure.select().count() == 2


@pytest.mark.parametrize("values, field, message", [
    (entry(None, 1, 1), "beneficiaries", "Vui lòng nhập số"),
    (entry(10, -1, 0), "accounts_opened", "không được âm"),
    (entry(10, 11, 0), "accounts_opened", "lớn hơn tổng số"),
    (entry(10, 5, 12), "paid_cashless", "lớn hơn tổng số"),
])
def test_bad_figures_are_refused(app, province, values, field, message):
    _, _, _, a, _, user = province
    with pytest.raises(progress.FiguresError) as refused:
        progress.save_figures(a, date(2024, 4, 9), {"nguoi_co_cong": values}, user.id, datetime(2024, 4, 9, 8))
    assert message in refused.value.errors[("nguoi_co_cong", field)]
    assert ProgressFigure.select().count() == 0


def test_a_communes_figures_satisfy_that_days_2b_report_of_its_district(app, province, factory):
    _, d1, _, a, _, user = province
    factory.task(lead=[d1], kind="daily", deadline_time=time(9, 0), window_start=date(2024, 4, 1),
                 figures_report="2b")
    occurrences.materialise(date(2024, 4, 10), date(2024, 4, 9))
    progress.save_figures(a, date(2024, 4, 9), {"nguoi_co_cong": entry(100, 40, 30)}, user.id,
                          datetime(2024, 4, 9, 9, 30))
    due = {o.due_at.date(): o for o in Occurrence.select()}
    assert due[date(2024, 4, 9)].submitted_at == datetime(2024, 4, 9, 9, 30)  # late: after 09:00
    assert "Xã A" in due[date(2024, 4, 9)].note
    assert due[date(2024, 4, 8)].submitted_at is None and due[date(2024, 4, 10)].submitted_at is None
