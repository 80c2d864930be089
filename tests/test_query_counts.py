"""Each page sends the same number of SQL queries whatever the amount of data."""
from datetime import datetime

from bench.common import PAGES, count_queries, log_in
from bench.generate import PASSWORD, generate
from tests.helpers import make_app

NOW = datetime(2026, 11, 24, 10, 0)


def page_query_counts(tmp_path, scale):
    app = make_app(tmp_path / f"s{scale}")
    app.config["CLOCK"].now = NOW
    info = generate(scale, NOW)
    counts = {}
    for username in ("bench_leader", "bench_staff"):
        client = app.test_client()
        log_in(client, username, PASSWORD)
        for name, path in PAGES.items():
            url = path.format(**info)
            client.get(url)  # warm: materialisation, if any, happens once
            with count_queries() as counter:
                response = client.get(url)
            expected = 403 if username == "bench_staff" and name in ("dashboard", "overdue_list") else 200
            assert response.status_code == expected, (username, url)
            counts[(username, name)] = counter["n"]
    return info, counts


def test_query_counts_do_not_grow_with_the_data(tmp_path):
    (tmp_path / "s0.02").mkdir()
    (tmp_path / "s0.06").mkdir()
    small_info, small = page_query_counts(tmp_path, 0.02)
    large_info, large = page_query_counts(tmp_path, 0.06)
    assert large_info["assignments"] > 2 * small_info["assignments"]
    assert large_info["occurrences"] > 2 * small_info["occurrences"]
    assert small == large
    print(small)
    assert all(n <= 20 for n in small.values()), small
