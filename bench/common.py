"""Helpers shared by the benchmarks and the query-count tests."""
from contextlib import contextmanager

from webapp.db import database

PAGES = {
    "dashboard": "/tong-hop/",
    "unit_home": "/",
    "directive": "/van-ban/{directive_id}",
    "overdue_list": "/tong-hop/qua-han",
}


@contextmanager
def count_queries():
    """Count the SQL statements peewee sends while the block runs."""
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
