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
            elif name in LEADERS_ONLY - {"rollup_2a"} or name.startswith("admin"):
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
