"""make bench: the pages of bench/common.py timed through gunicorn, at two sizes of the synthetic
province (1× and 5×), against a floor: a bare Flask page of the same size served by the same server
in the same interleaved run.

For every version measured (this tree, and with --baseline REF the commit REF extracted from git),
every size and every database (SQLite; PostgreSQL too with --pg or BENCH_DATABASE_URL), one gunicorn
(2 workers × 4 threads, as `make run`) serves a copy of that version's own data. One client then
sends, round after round in a shuffled order, one request for every page and for its floor to every
server, one request at a time, so that the machine's noise falls on all of them alike. Printed:
p50/p95 per page, SQL statements per request, bytes (raw, no gzip), times the floor, 5×/1×, and
the baseline's figures beside this tree's. Written: bench/results.json. Benchmarks, not tests:
nothing here fails on a slow figure.

  .venv/bin/python bench/run.py [--baseline main] [--rounds 30] [--pages a,b] [--pg] [--fresh]
"""
import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.common import EARLIER, NOW, PAGES  # noqa: E402
from bench.generate import PASSWORD  # noqa: E402
from bench.loadtest import Browser, start_gunicorn  # noqa: E402

DATA = HERE / "data"
SIZES = {"1x": 1.0, "5x": 5.0}
USERS = {"leader": "bench_leader", "staff": "bench_staff", "admin": "bench_admin"}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def baseline_tree(ref: str) -> tuple[str, Path]:
    """The commit REF's files, extracted once under bench/data/src-<sha> (git archive: no worktree)."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"],
                         check=True, capture_output=True, text=True).stdout.strip()
    tree = DATA / f"src-{sha[:12]}"
    if not (tree / "webapp").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", sha], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
        if archive.wait() != 0:
            raise SystemExit(f"git archive {sha} thất bại")
    return sha, tree


def pg_url(base: str, label: str, size: str) -> str:
    """tracker_bench17 -> tracker_bench17_new_1x: one database per version and size."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path}_{label}_{size}"))


def empty_pg(url: str) -> None:
    """--fresh on PostgreSQL: drop this tree's tables so that build() fills the database again."""
    import psycopg2
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def build(src: Path, url: str, scale: float, info: Path) -> dict:
    subprocess.run([sys.executable, str(HERE / "build.py"), "--src", str(src), "--url", url, "--scale", str(scale),
                    "--info", str(info), "--now", NOW.isoformat()], check=True, cwd=str(src))
    return json.loads(info.read_text())


def sqlite_copy(pristine: Path, work: Path) -> Path:
    """A fresh copy for this run, so that the logins and notifications of one run do not pile up."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(pristine) as source, sqlite3.connect(work) as target:
        source.backup(target)
    return work


class Target:
    """One server: a version of the app on one database at one size, with a browser per role."""

    def __init__(self, version, backend, size, url, src, info):
        self.version, self.backend, self.size, self.url, self.src, self.info = version, backend, size, url, src, info
        self.server = None
        self.browsers = {}

    @property
    def key(self):
        return (self.version, self.backend, self.size)

    def start(self, epoch):
        log = DATA / "run" / f"{'-'.join(self.key)}.log"
        env = {"BENCH_SRC": str(self.src), "BENCH_DATABASE_URL": self.url, "BENCH_NOW": NOW.isoformat(),
               "BENCH_EPOCH": str(epoch), "BENCH_UPLOAD_DIR": str(DATA / "run" / "uploads"),
               "PYTHONPATH": str(ROOT)}
        self.server = start_gunicorn(env, log, workers=2, threads=4, app="bench.server:app", cwd=ROOT,
                                     ready_path="/__floor/")
        for role, username in USERS.items():
            browser = Browser(self.server.port)
            if browser.log_in(username, PASSWORD).status != 302:
                raise SystemExit(f"{self.key}: không đăng nhập được {username}")
            self.browsers[role] = browser

    def get(self, page, floor_bytes=None):
        role, path = PAGES[page]
        browser = self.browsers[role]
        if floor_bytes is not None:
            response = browser.get(f"/__floor/?bytes={floor_bytes}")
        else:
            if "set_id" not in self.info and page in EARLIER:
                path = EARLIER[page]
            response = browser.get(path.format(**self.info))
        return response

    def stop(self):
        for browser in self.browsers.values():
            browser.close()
        if self.server is not None:
            self.server.stop()


def measure(targets, pages, rounds, seed=17):
    """Interleaved: each round sends every (server, page, real or floor) once, in a shuffled order."""
    sizes = {}
    for target in targets:
        for page in pages:
            for _ in range(2):  # warm: templates compiled, occurrences materialised, caches filled
                response = target.get(page)
            if response.status != 200:
                raise SystemExit(f"{target.key} {page}: HTTP {response.status}\n{response.body[:500]}")
            sizes[(target.key, page)] = len(response.body.encode())
            target.get(page, floor_bytes=sizes[(target.key, page)])
    samples = {}
    jobs = [(t, p, floor) for t in targets for p in pages for floor in (False, True)]
    rng = random.Random(seed)
    started = time.monotonic()
    for number in range(rounds):
        rng.shuffle(jobs)
        for target, page, floor in jobs:
            response = target.get(page, sizes[(target.key, page)] if floor else None)
            if response.status != 200:
                raise SystemExit(f"{target.key} {page}: HTTP {response.status}")
            entry = samples.setdefault((target.key, page, floor), {"ms": [], "queries": []})
            entry["ms"].append(response.elapsed_ms)
            if not floor:
                entry["queries"].append(int(response.headers.get("X-Bench-Queries", "0")))
        print(f"\r  vòng {number + 1}/{rounds} ({time.monotonic() - started:.0f} s)", end="", flush=True)
    print()
    return samples, sizes


def summarise(targets, pages, samples, sizes):
    """{version: {backend: {"floor": …, "sizes": {size: {"pages": {page: figures}}}}}}"""
    out = {}
    for target in targets:
        version, backend, size = target.key
        block = out.setdefault(version, {}).setdefault(backend, {"floor": {}, "sizes": {}})
        pages_out = block["sizes"].setdefault(size, {"pages": {}})["pages"]
        for page in pages:
            real, floor = samples[(target.key, page, False)], samples[(target.key, page, True)]
            p50, floor_p50 = statistics.median(real["ms"]), statistics.median(floor["ms"])
            pages_out[page] = {"p50_ms": round(p50, 1), "p95_ms": round(percentile(real["ms"], 0.95), 1),
                               "queries": round(statistics.median(real["queries"])),
                               "bytes": sizes[(target.key, page)], "floor_p50_ms": round(floor_p50, 1),
                               "x_floor": round(p50 / floor_p50, 1)}
    for version, backends in out.items():
        for backend, block in backends.items():
            every = [ms for target in targets if target.key[:2] == (version, backend)
                     for page in pages for ms in samples[(target.key, page, True)]["ms"]]
            block["floor"] = {"p50_ms": round(statistics.median(every), 1),
                              "p95_ms": round(percentile(every, 0.95), 1)}
            one, five = block["sizes"].get("1x"), block["sizes"].get("5x")
            if one and five:
                for page, figures in five["pages"].items():
                    figures["ratio_5x_1x"] = round(figures["p50_ms"] / one["pages"][page]["p50_ms"], 2)
    return out


def print_tables(summary, pages, baseline_label):
    for backend in ("sqlite", "pg"):
        new = summary.get("new", {}).get(backend)
        if not new:
            continue
        base = summary.get("base", {}).get(backend)
        title = "SQLite" if backend == "sqlite" else "PostgreSQL"
        print(f"\n{title}: p50 ms (p95), truy vấn, KB; sàn (floor) p50 {new['floor']['p50_ms']} ms"
              + (f"; trước = {baseline_label}" if base else ""))
        head = f"{'trang':<20}"
        for size in ("1x", "5x"):
            if base:
                head += f" | {size + ' trước':>16}"
            head += f" | {size + ' nay':>16} {'tv':>3} {'KB':>6} {'×sàn':>5}"
        head += " | 5×/1×" + (" trước" if base else "") + (" | 5×/1× nay" if base else "")
        print(head)
        print("-" * len(head))
        for page in pages:
            line = f"{page:<20}"
            for size in ("1x", "5x"):
                if base:
                    b = base["sizes"].get(size, {}).get("pages", {}).get(page)
                    line += f" | {b['p50_ms']:7.1f} ({b['p95_ms']:6.1f})" if b else f" | {'':>16}"
                n = new["sizes"].get(size, {}).get("pages", {}).get(page)
                line += (f" | {n['p50_ms']:7.1f} ({n['p95_ms']:6.1f}) {n['queries']:>3} {n['bytes'] / 1024:6.1f} "
                         f"{n['x_floor']:5.1f}") if n else f" | {'':>36}"
            if base:
                b5 = base["sizes"].get("5x", {}).get("pages", {}).get(page, {})
                line += f" | {b5.get('ratio_5x_1x', 0):6.2f}      "
            n5 = new["sizes"].get("5x", {}).get("pages", {}).get(page, {})
            line += f" | {n5.get('ratio_5x_1x', 0):5.2f}"
            print(line)
        if "pg" == backend and summary["new"].get("sqlite"):
            sq = summary["new"]["sqlite"]
            print("PostgreSQL / SQLite (p50, nay): " + ", ".join(
                f"{size} {page} {new['sizes'][size]['pages'][page]['p50_ms'] / sq['sizes'][size]['pages'][page]['p50_ms']:.2f}"
                for size in new["sizes"] for page in pages if page in sq["sizes"].get(size, {}).get("pages", {})))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git commit (main, a sha) measured beside this tree")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--pages", help="only these pages (comma-separated names of bench/common.py)")
    parser.add_argument("--sizes", default="1x,5x")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL as well (BENCH_DATABASE_URL)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="rebuild this tree's data (SQLite files, PostgreSQL tables)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    pages = [p for p in (args.pages.split(",") if args.pages else PAGES) if p]
    unknown = [p for p in pages if p not in PAGES]
    if unknown:
        raise SystemExit(f"không có trang {', '.join(unknown)} trong bench/common.py")
    sizes = [s for s in args.sizes.split(",") if s]
    pg_base = os.environ.get("BENCH_DATABASE_URL", "")
    backends = ([] if args.no_sqlite else ["sqlite"]) + (["pg"] if (args.pg or pg_base) and pg_base else [])
    if args.pg and not pg_base:
        raise SystemExit("--pg cần BENCH_DATABASE_URL (make bench-pg đặt sẵn).")
    (DATA / "run").mkdir(parents=True, exist_ok=True)
    versions = [("new", "", ROOT)]
    if args.baseline:
        sha, tree = baseline_tree(args.baseline)
        versions.append(("base", sha, tree))
    targets = []
    for version, sha, src in versions:
        label = "new" if version == "new" else f"base-{sha[:12]}"
        for size in sizes:
            for backend in backends:
                if backend == "sqlite":
                    pristine = DATA / f"{label}-{size}.db"
                    info_path = DATA / f"{label}-{size}.json"
                    if (args.fresh and version == "new") or not info_path.exists():  # no ids: useless
                        for suffix in ("", "-wal", "-shm"):
                            Path(f"{pristine}{suffix}").unlink(missing_ok=True)
                        info_path.unlink(missing_ok=True)
                    info = build(src, f"sqlite:///{pristine}", SIZES[size], info_path)
                    url = f"sqlite:///{sqlite_copy(pristine, DATA / 'run' / f'{label}-{size}.db')}"
                else:
                    url = pg_url(pg_base, "new" if version == "new" else "base", size)
                    info_path = DATA / f"pg-{label}-{size}.json"
                    if (args.fresh and version == "new") or not info_path.exists():  # no ids: useless
                        empty_pg(url)
                        info_path.unlink(missing_ok=True)
                    info = build(src, url, SIZES[size], info_path)
                targets.append(Target(version, backend, size, url, src, info))
    epoch = time.time()
    try:
        for target in targets:
            target.start(epoch)
        print(f"{len(targets)} máy chủ gunicorn (2 worker × 4 luồng); {len(pages)} trang, {args.rounds} vòng xen kẽ…",
              flush=True)
        samples, byte_sizes = measure(targets, pages, args.rounds)
    finally:
        for target in targets:
            target.stop()
    summary = summarise(targets, pages, samples, byte_sizes)
    new = summary["new"]
    first = new.get("sqlite") or new.get("pg")
    results = {"floor": first["floor"], "sizes": first["sizes"],
               "data": {size: next(t.info for t in targets if t.key == ("new", t.backend, size)) for size in sizes},
               "rounds": args.rounds, "server": "gunicorn 2 workers × 4 threads", "cpu_count": os.cpu_count()}
    if "pg" in new:
        results["pg"] = new["pg"]
    if "sqlite" in new and "pg" in new:
        results["sqlite"] = new["sqlite"]
    if "base" in summary:
        results["baseline"] = {"commit": versions[1][1], **summary["base"]}
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    if "slow_connection" in previous:
        results["slow_connection"] = previous["slow_connection"]
    args.out.write_text(json.dumps(results, indent=2))
    print_tables(summary, pages, f"{args.baseline} ({versions[1][1][:10]})" if args.baseline else "")
    print(f"\nĐã ghi {args.out}")


if __name__ == "__main__":
    main()
