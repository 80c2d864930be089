"""Requests per second under concurrent clients: the unit home (as the province leader) and the floor
page of the same size, served by the same gunicorn (2 workers × 4 threads) on the 5× data, each hit
by N clients for a few seconds, one after the other. Part of `make bench`; adds "concurrency" to
bench/results.json. Goal (issue 17): the unit home serves at least a third of the floor's requests.

  .venv/bin/python bench/throughput.py [--clients 10] [--seconds 10] [--size 5x]
"""
import argparse
import json
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import PASSWORD  # noqa: E402
from bench.loadtest import Browser  # noqa: E402
from bench.run import DATA, ROOT, SIZES, Target, build, sqlite_copy  # noqa: E402


def hammer(port, path, clients, seconds, username=None):
    """Requests answered per second by `clients` keep-alive clients sending `path` back to back."""
    done, errors = [0], [0]
    browsers = []
    for _ in range(clients):
        browser = Browser(port)
        if username:
            browser.log_in(username, PASSWORD)
        browsers.append(browser)
    stop = time.monotonic() + seconds

    def run(browser):
        while time.monotonic() < stop:
            response = browser.get(path)
            if response.status == 200:
                done[0] += 1
            else:
                errors[0] += 1
    threads = [threading.Thread(target=run, args=(b,)) for b in browsers]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for b in browsers:
        b.close()
    return done[0] / (time.monotonic() - started), errors[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--size", choices=tuple(SIZES), default="5x")
    args = parser.parse_args()
    (DATA / "run").mkdir(parents=True, exist_ok=True)
    pristine = DATA / f"new-{args.size}.db"
    info = build(ROOT, f"sqlite:///{pristine}", SIZES[args.size], DATA / f"new-{args.size}.json")
    url = f"sqlite:///{sqlite_copy(pristine, DATA / 'run' / f'concurrent-{args.size}.db')}"
    target = Target("new", "sqlite", args.size, url, ROOT, info)
    try:
        target.start(time.time())
        home = target.get("unit_home")  # warm, and its size for the floor
        size = len(home.body.encode())
        floor_rps, floor_errors = hammer(target.server.port, f"/__floor/?bytes={size}", args.clients, args.seconds)
        home_rps, home_errors = hammer(target.server.port, "/", args.clients, args.seconds, "bench_leader")
    finally:
        target.stop()
    result = {"clients": args.clients, "seconds": args.seconds, "size": args.size, "bytes": size,
              "floor_rps": round(floor_rps, 1), "unit_home_rps": round(home_rps, 1),
              "ratio": round(home_rps / floor_rps, 2), "errors": floor_errors + home_errors}
    print(f"{args.clients} client đồng thời, ×{SIZES[args.size]:g}: sàn {floor_rps:.0f} yêu cầu/giây, "
          f"trang đơn vị {home_rps:.0f} yêu cầu/giây ({result['ratio']:.2f} lần sàn), lỗi {result['errors']}")
    path = HERE / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results["concurrency"] = result
    path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
