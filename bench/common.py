"""What the benchmarks and the query-count tests share: the pages measured, the moment the synthetic
data is built around, and counting the SQL statements of a request.

Only the standard library and webapp.db are imported here, so that bench/server.py can load this
module next to an older version of the app (the baseline of `make bench BASELINE=…`)."""
from contextlib import contextmanager
from datetime import datetime

NOW = datetime(2026, 11, 24, 10, 0)  # the synthetic province's "today"
AS_OF = "31/10/2026"                 # the dashboard "as of" a day: the end of the month before

# name -> (who looks at it, the path; {…} filled from the data's info)
PAGES = {
    "unit_home": ("leader", "/"),
    "unit_home_staff": ("staff", "/"),
    "dashboard": ("leader", "/tong-hop/"),
    "dashboard_as_of": ("leader", f"/tong-hop/?as_of={AS_OF}"),
    "dashboard_all_units": ("leader", "/tong-hop/?all=units"),
    "overdue_list": ("leader", "/tong-hop/qua-han"),
    "scorecard": ("leader", "/tong-hop/xep-hang"),
    "directive": ("leader", "/van-ban/{directive_id}"),
    "directives": ("leader", "/van-ban/"),
    "assignment": ("leader", "/giao-viec/{assignment_id}"),
    "assignment_staff": ("staff", "/giao-viec/{staff_assignment_id}"),
    "waiting": ("leader", "/giao-viec/cho-xac-nhan"),
    "rollup": ("leader", "/so-lieu/bo/{set_id}/tong-hop/{province_id}"),
    "report": ("leader", "/bao-cao/{report_id}"),
    "admin_units": ("admin", "/quan-tri/don-vi/"),
    "admin_users": ("admin", "/quan-tri/nguoi-dung/"),
    "admin_directives": ("admin", "/quan-tri/van-ban/"),
    "admin_directive": ("admin", "/quan-tri/van-ban/{directive_id}"),
    "admin_task_form": ("admin", "/quan-tri/nhiem-vu/{task_id}/sua"),
    "admin_unit_form": ("admin", "/quan-tri/don-vi/moi"),
    "admin_user_form": ("admin", "/quan-tri/nguoi-dung/moi"),
    "admin_audit": ("admin", "/quan-tri/nhat-ky"),
}
# The same page at its address before indicator sets, for a baseline whose data has no set (no set_id).
EARLIER = {"rollup": "/so-lieu/2a/{province_id}"}
# Pages a role may not open (the query-count test expects a 403 there).
LEADERS_ONLY = {"dashboard", "dashboard_as_of", "dashboard_all_units", "overdue_list", "scorecard", "rollup"}


@contextmanager
def count_queries():
    """Count the SQL statements peewee sends while the block runs (in this process)."""
    from webapp.db import database
    db = database.obj
    counter = {"n": 0}
    original = db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        counter["n"] += 1
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting
    try:
        yield counter
    finally:
        del db.execute_sql


def log_in(client, username, password):
    response = client.post("/dang-nhap", data={"username": username, "password": password})
    assert response.status_code == 302, "bench login failed"
