"""make bench: time the main pages through the WSGI app on the synthetic province.

Builds bench/bench.db at scale 1 the first time (or with --fresh), then for each page sends warm
requests through the Flask app and prints p50/p95 in milliseconds and the SQL queries per page.
Results go to bench/results.json. Benchmarks, not tests: nothing here fails on a slow figure.
"""
import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import PAGES, count_queries, log_in  # noqa: E402
from bench.generate import PASSWORD, generate  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.db import database  # noqa: E402
from webapp.migrations import upgrade  # noqa: E402

NOW = datetime(2026, 11, 24, 10, 0)
DB_PATH = HERE / "bench.db"
INFO_PATH = HERE / "bench-info.json"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fresh", action="store_true", help="rebuild the benchmark database")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    app = create_app({"DATABASE_URL": f"sqlite:///{DB_PATH}", "CLOCK": lambda: NOW, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with database.connection_context():
        fresh = not database.table_exists("unit")
        upgrade()
        if fresh or not INFO_PATH.exists():
            started = time.perf_counter()
            info = generate(1.0, NOW)
            INFO_PATH.write_text(json.dumps(info))
            print(f"Đã tạo dữ liệu thử trong {time.perf_counter() - started:.1f} s: "
                  + ", ".join(f"{k} {v}" for k, v in info.items() if not k.endswith("_id")))
    info = json.loads(INFO_PATH.read_text())
    client = app.test_client()
    log_in(client, "bench_leader", PASSWORD)
    results = {}
    for name, path in PAGES.items():
        url = path.format(**info)
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        with count_queries() as counter:
            client.get(url)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results[name] = {"p50_ms": round(statistics.median(timings), 1),
                         "p95_ms": round(percentile(timings, 0.95), 1), "queries": counter["n"]}
        print(f"{name:<14} p50 {results[name]['p50_ms']:7.1f} ms   p95 {results[name]['p95_ms']:7.1f} ms   "
              f"{counter['n']} truy vấn   ({url})")
    (HERE / "results.json").write_text(json.dumps({"pages": results, "data": info,
                                                    "requests_per_page": args.requests}, indent=2))
    print(f"Đã ghi {HERE / 'results.json'}")


if __name__ == "__main__":
    main()
