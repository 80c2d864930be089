"""Each page sends the same number of SQL queries whatever the amount of data."""
from bench.common import LEADERS_ONLY, NOW, PAGES, count_queries, log_in
from bench.generate import PASSWORD, generate
from tests.helpers import make_app

USERS = {"leader": "bench_leader", "staff": "bench_staff", "admin": "bench_admin"}


def page_query_counts(tmp_path, scale):
    app = make_app(tmp_path / f"s{scale}")
    app.config["CLOCK"].now = NOW
    info = generate(scale, NOW)
    info.update(_page_ids(info))
    counts = {}
    clients = {}
    for role, username in USERS.items():
        clients[role] = app.test_client()
        log_in(clients[role], username, PASSWORD)
    for name, (role, path) in PAGES.items():
        url = path.format(**info)
        # Every page as the role it is measured for, and as staff (but not another's row by id).
        for who in {role} if "{" in path else {role, "staff"}:
            client = clients[who]
            client.get(url)  # warm: materialisation, if any, happens once
            with count_queries() as counter:
                response = client.get(url)
            if who == role:
                assert response.status_code == 200, (who, url)
            elif name in LEADERS_ONLY - {"rollup"} or name.startswith("admin"):
                assert response.status_code == 403, (who, url)
            counts[(who, name)] = (response.status_code, counter["n"])
    return info, counts


def _page_ids(info):
    """The ids bench/build.py adds to the generator's: a one-off assignment and task, the staff
    unit's, the province and a draft monthly report."""
    from webapp.core.reports import open_draft
    from webapp.models import Assignment, Task, Unit
    root = Unit.get(Unit.parent.is_null())
    fixed = (Assignment.select(Assignment.id, Assignment.task).join(Task)
             .where(Task.deadline_kind == "fixed").order_by(Assignment.id))
    return {"province_id": root.id, "assignment_id": fixed.first().id, "task_id": fixed.first().task_id,
            "staff_assignment_id": fixed.where(Assignment.unit == info["staff_unit"]).first().id,
            "report_id": open_draft(root, None, NOW.year, NOW.month - 1, None, NOW).id}


def test_query_counts_do_not_grow_with_the_data(tmp_path):
    (tmp_path / "s0.02").mkdir()
    (tmp_path / "s0.06").mkdir()
    small_info, small = page_query_counts(tmp_path, 0.02)
    large_info, large = page_query_counts(tmp_path, 0.06)
    assert large_info["assignments"] > 2 * small_info["assignments"]
    assert large_info["occurrences"] > 2 * small_info["occurrences"]
    assert large_info["units"] > 2 * small_info["units"]
    assert small == large
    print(small)
    assert all(n <= 20 for _, n in small.values()), small


# --- The roll-ups of an indicator set --------------------------------------------------------------

def build_set(units, communes, indicators, groups):
    """A province of `units` districts of `communes` communes each, a set with `indicators` indicators
    (the first the base, the last with quarterly targets) and `groups` groups; every commune has figures
    on two days and targets."""
    from datetime import date, time

    from tests.helpers import TEST_NOW, Factory
    from webapp.core import figures, targets
    from webapp.core import indicators as sets
    from webapp.core.figures import RowInput
    factory = Factory(TEST_NOW)
    province = factory.unit("UBND tỉnh Thử", kind="ubnd_tinh")
    districts = [factory.unit(f"UBND huyện {d}", kind="ubnd_huyen", parent=province) for d in range(units)]
    leaves = {d.id: [factory.unit(f"UBND xã {d.id}-{c}", kind="ubnd_xa", parent=d) for c in range(communes)]
              for d in districts}
    directive = factory.directive(issuer=province)
    task = factory.task(directive, lead=districts, kind="daily", deadline_time=time(9, 0),
                        window_start=date(2024, 3, 1))
    s = sets.create_set(directive, "Bộ thử", task, province, "ubnd_xa", "quarter", now=TEST_NOW)
    rows = [sets.IndicatorInput(None, f"Chỉ số {i}", aggregation="stock" if i == 0 else "cumulative" if i % 2 else "period",
                                is_base=i == 0, has_targets=i == indicators - 1) for i in range(indicators)]
    sets.save_definition(s, rows, [sets.GroupInput(None, f"Nhóm {g}") for g in range(groups)], now=TEST_NOW)
    made_indicators, made_groups = sets.indicators_of(s), sets.groups_of(s)
    user = factory.user(role="admin")
    values = {}
    for district in districts:
        for commune in leaves[district.id]:
            for step, day in enumerate((date(2024, 3, 18), date(2024, 3, 19))):
                row = RowInput({(i.id, g.id): float(100 if n == 0 else 10 + step) for n, i in enumerate(made_indicators)
                                for g in made_groups})
                figures.save(s, commune, day, {commune.id: row}, user.id, TEST_NOW)
            for g in made_groups:
                values.update({(commune.id, made_indicators[-1].id, g.id, q): 5.0 for q in range(1, 5)})
        for g in made_groups:
            values.update({(district.id, made_indicators[-1].id, g.id, q): 20.0 for q in range(1, 5)})
    targets.upsert_targets(s, values, 2024, TEST_NOW)
    return s, province, districts[0], user


def rollup_query_counts(tmp_path, units, communes, indicators, groups):
    from tests.helpers import PASSWORD
    from tests.helpers import log_in as sign_in
    app = make_app(tmp_path)
    s, province, district, user = build_set(units, communes, indicators, groups)
    client = sign_in(app.test_client(), user.username, PASSWORD)
    counts = {}
    for name, url in (("province", f"/so-lieu/bo/{s.id}/tong-hop/{province.id}?day=2024-03-20"),
                      ("district", f"/so-lieu/bo/{s.id}/tong-hop/{district.id}?day=2024-03-20"),
                      ("excel", f"/so-lieu/bo/{s.id}/tong-hop/{province.id}/excel?day=2024-03-20"),
                      ("targets", f"/chi-tieu/bo/{s.id}?year=2024")):
        client.get(url)
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = counter["n"]
    return counts


def test_roll_up_query_counts_do_not_grow_with_units_indicators_or_groups(tmp_path):
    (tmp_path / "small").mkdir()
    (tmp_path / "large").mkdir()
    small = rollup_query_counts(tmp_path / "small", units=2, communes=2, indicators=3, groups=1)
    large = rollup_query_counts(tmp_path / "large", units=6, communes=4, indicators=7, groups=3)
    assert small == large, (small, large)
    assert all(n <= 30 for n in small.values()), small
