"""make loadtest: many simulated users against a real multi-worker gunicorn on the loopback.

Builds bench/data/new-5x.db the first time (as `make bench` does; --scale 1x for the smaller one),
works on a copy of it (so `make bench` keeps measuring the same data), adds the load users (staff spread over the communes, a few leaders
at the province), starts gunicorn on 127.0.0.1 with 2 × cores + 1 workers, then runs --users
threads for --seconds: each logs in, opens its home page and, as staff, opens its own unit's
assignments and posts updates (with the optimistic version field, half of them the htmx way), or,
as a leader, opens the dashboard, the overdue list and directives. Prints requests per second,
p50/p95/p99 latency and the errors (5xx, connection errors, unexpected 4xx or answers), writes
bench/load.json, and stops gunicorn. Figures are reported, never asserted.

The HTTP client (Browser) and the gunicorn helpers are shared with tests/test_concurrency.py.
Only the standard library is used on the client side.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"|value="([^"]+)"[^>]*?name="csrf_token"')
CSRF_HEADER = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')
VERSION_FIELD = re.compile(r'name="version"[^>]*?value="(\d+)"|value="(\d+)"[^>]*?name="version"')
SUCCESS = "Đã cập nhật tiến độ."
CONFLICT = "vừa được người khác cập nhật"
LOAD_PASSWORD = "bench-password"
FAST_HASH = "pbkdf2:sha256:1000"


# The client side: one browser-like user per thread.

@dataclass
class Response:
    status: int
    headers: dict
    body: str
    elapsed_ms: float


class Browser:
    """A user's browser: one keep-alive HTTP/1.1 connection to 127.0.0.1, its cookies and the
    latest CSRF token seen on a page."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 60):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None
        self.used = False  # whether the open connection already carried a request
        self.cookies: dict[str, str] = {}
        self.csrf = None
        self.reconnects = 0

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn, self.used = None, False

    def _send(self, method, path, body, headers):
        if self.conn is None:
            self.conn, self.used = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout), False
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        self.used = True
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response, data

    def request(self, method: str, path: str, fields: dict | None = None, headers: dict | None = None) -> Response:
        """Send one request (form fields urlencoded); raises OSError/HTTPException on connection errors."""
        headers = dict(headers or {})
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            response, data = self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection before reading the request, as it may
            # (gunicorn's keepalive is 2 s): browsers send again on a fresh connection, and so do we.
            reused = self.used
            self.close()
            if not reused:
                raise
            self.reconnects += 1
            response, data = self._send(method, path, body, headers)
        except Exception:
            self.close()
            raise
        elapsed = (time.perf_counter() - started) * 1000
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "expires=thu, 01 jan 1970" not in cookie.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        text = data.decode("utf-8", "replace")
        if "text/html" in (response.getheader("Content-Type") or ""):
            token = _first(CSRF_FIELD, text) or _first(CSRF_HEADER, text)
            if token:
                self.csrf = token
        return Response(response.status, dict(response.getheaders()), text, elapsed)

    def get(self, path, headers=None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path, fields, htmx=False) -> Response:
        """A form post the way the page sends it: htmx with the X-CSRFToken header (as hx-headers
        does), a plain form with the csrf_token field."""
        fields = dict(fields)
        headers = {}
        if htmx:
            headers.update({"HX-Request": "true", "X-CSRFToken": self.csrf or ""})
        else:
            fields["csrf_token"] = self.csrf or ""
        return self.request("POST", path, fields=fields, headers=headers)

    def log_in(self, username: str, password: str) -> Response:
        """The login page, then the form with its token; 302 on success."""
        self.get("/dang-nhap")
        return self.post("/dang-nhap", {"username": username, "password": password})


def _first(pattern, text):
    match = pattern.search(text)
    return next((g for g in match.groups() if g), None) if match else None


def version_on(page: str) -> str | None:
    """The optimistic-lock version in an assignment page's (or panel's) update form."""
    return _first(VERSION_FIELD, page)


# The server side: gunicorn on the loopback.

class Server:
    """A gunicorn master started here; stop() ends it (TERM, then KILL of its own session)."""

    def __init__(self, process: subprocess.Popen, port: int, log_path: Path):
        self.process, self.port, self.log_path = process, port, log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 15) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        # The master started its own session: kill whatever of it is left (workers included).
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass


def start_gunicorn(env: dict, log_path: Path, workers: int, threads: int, ready_timeout: float = 60,
                   app: str = "wsgi:app", cwd: Path = ROOT, ready_path: str = "/dang-nhap",
                   extra: tuple = ()) -> Server:
    """Start `gunicorn wsgi:app` (or `app`) on 127.0.0.1 on a port the kernel picks (bind to port 0,
    read the port from gunicorn's "Listening at" line), and wait until `ready_path` answers."""
    full_env = dict(os.environ)
    full_env.update(env)
    with open(log_path, "wb") as log:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
             "--bind", "127.0.0.1:0", "--graceful-timeout", "5", *extra, app],
            cwd=cwd, env=full_env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    server = Server(process, 0, log_path)
    try:
        deadline = time.monotonic() + ready_timeout
        while not server.port:
            match = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", server.log())
            if match:
                server.port = int(match.group(1))
            elif process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{server.log()[-3000:]}")
            else:
                time.sleep(0.05)
        while True:
            try:
                if Browser(server.port, timeout=5).get(ready_path).status == 200:
                    return server
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer:\n{server.log()[-3000:]}")
            time.sleep(0.1)
    except BaseException:
        server.stop()
        raise


# The load test.

@dataclass
class Sample:
    kind: str
    ms: float
    status: int  # 0: connection error
    error: str = ""


@dataclass
class LoadUser:
    username: str
    role: str
    assignment_ids: list = field(default_factory=list)


class Recorder:
    def __init__(self):
        self.samples: list[Sample] = []
        self.conflicts = 0
        self.updates_accepted = 0
        self.lock = threading.Lock()

    def add(self, sample: Sample):
        self.samples.append(sample)  # list.append is atomic under the GIL


def _timed(recorder, kind, browser, method, *args, expect=(200,), check=None, **kwargs) -> Response | None:
    try:
        response = getattr(browser, method)(*args, **kwargs)
    except (OSError, http.client.HTTPException) as exc:
        recorder.add(Sample(kind, 0.0, 0, f"connection: {type(exc).__name__}: {exc}"))
        return None
    error = ""
    if response.status >= 500:
        error = f"HTTP {response.status}"
    elif response.status not in expect:
        error = f"unexpected HTTP {response.status}"
    elif check and not check(response):
        error = "unexpected answer"
    recorder.add(Sample(kind, response.elapsed_ms, response.status, error))
    return response


def simulate(user: LoadUser, port: int, stop_at: float, think: float, recorder: Recorder, seed: int,
             directive_ids: list) -> int:
    """One user's session until stop_at; returns how many reconnections the client made."""
    rng = random.Random(seed)
    browser = Browser(port)

    def pause():
        if think > 0:
            time.sleep(min(max(0.0, stop_at - time.time()), rng.uniform(0.5 * think, 1.5 * think)))

    rng_start = rng.uniform(0, max(think, 0.01) * 2)
    time.sleep(rng_start)
    _timed(recorder, "login_page", browser, "get", "/dang-nhap")
    login = _timed(recorder, "login", browser, "post", "/dang-nhap",
                   {"username": user.username, "password": LOAD_PASSWORD}, expect=(302,))
    if login is None or login.status != 302:
        return browser.reconnects
    serial = 0
    while time.time() < stop_at:
        _timed(recorder, "home_leader" if user.role == "leader" else "home", browser, "get", "/")
        pause()
        if user.role == "leader":
            _timed(recorder, "dashboard", browser, "get", "/tong-hop/")
            pause()
            if rng.random() < 0.5:
                _timed(recorder, "overdue_list", browser, "get", "/tong-hop/qua-han")
                pause()
            if rng.random() < 0.5:
                _timed(recorder, "directive", browser, "get", f"/van-ban/{rng.choice(directive_ids)}")
                pause()
            continue
        for _ in range(rng.randint(1, 3)):
            if time.time() >= stop_at:
                break
            assignment_id = rng.choice(user.assignment_ids)
            page = _timed(recorder, "assignment", browser, "get", f"/giao-viec/{assignment_id}")
            pause()
            version = version_on(page.body) if page is not None and page.status == 200 else None
            if version is None:
                continue
            serial += 1
            htmx = rng.random() < 0.5
            fields = {"state": "in_progress", "percent": str(rng.randint(1, 99)),
                      "note": f"Tải thử: {user.username} lần {serial}", "version": version}
            posted = _timed(recorder, "post_update", browser, "post", f"/giao-viec/{assignment_id}", fields,
                            htmx=htmx, expect=(200,) if htmx else (302, 200),
                            check=lambda r: r.status == 302 or SUCCESS in r.body or CONFLICT in r.body)
            if posted is not None:
                if posted.status == 302 or SUCCESS in posted.body:
                    with recorder.lock:
                        recorder.updates_accepted += 1
                elif CONFLICT in posted.body:
                    with recorder.lock:
                        recorder.conflicts += 1
                if posted.status == 302:  # the browser follows the redirect
                    _timed(recorder, "assignment", browser, "get", f"/giao-viec/{assignment_id}")
            pause()
    browser.close()
    return browser.reconnects


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ensure_bench_db(scale: str) -> Path:
    """bench/data/new-<scale>.db as `make bench` builds it (bench/build.py), when it is missing."""
    from bench.run import DATA, ROOT as TREE, SIZES, build
    db_path = DATA / f"new-{scale}.db"
    if not (db_path.exists() and (DATA / f"new-{scale}.json").exists()):
        print(f"Chưa có {db_path}: đang tạo dữ liệu thử ×{SIZES[scale]:g}…", flush=True)
        DATA.mkdir(parents=True, exist_ok=True)
    build(TREE, f"sqlite:///{db_path}", SIZES[scale], DATA / f"new-{scale}.json")  # also migrates it
    return db_path


def prepare(db_path: Path, staff: int, leaders: int) -> tuple[list[LoadUser], list[int]]:
    """On the working copy: migrate, add the load users and pick each staff user's assignments."""
    from webapp import create_app
    from webapp.core import occurrences, tallies
    from webapp.clock import vietnam_now
    from webapp.db import database
    from webapp.migrations import upgrade
    from webapp.models import Assignment, Directive, Task, Unit, User
    from webapp.core.users import hash_password
    create_app({"DATABASE_URL": f"sqlite:///{db_path}", "SECRET_KEY": "bench", "PASSWORD_METHOD": FAST_HASH})
    users = []
    with database.connection_context():
        upgrade()
        occurrences.ensure_current(vietnam_now())
        # A server in use has its counts kept up already: counted once here, not by the first users.
        tallies.keep_up(vietnam_now(), 3)
        hashed = hash_password(LOAD_PASSWORD, FAST_HASH)
        province = Unit.get(Unit.parent.is_null())
        communes = list(Unit.select().where(Unit.kind == "ubnd_xa").order_by(Unit.id))
        with database.atomic():
            for i in range(leaders):
                name = f"load_leader_{i + 1:02d}"
                if not User.select().where(User.username == name).exists():
                    User.create(username=name, password_hash=hashed, full_name=f"Lãnh đạo tải thử {i + 1}",
                                role="leader", unit=province, created_at=vietnam_now())
                users.append(LoadUser(name, "leader"))
            for i in range(staff):
                name = f"load_staff_{i + 1:02d}"
                unit = communes[i * len(communes) // staff]
                user = User.get_or_none(User.username == name)
                if user is None:
                    user = User.create(username=name, password_hash=hashed, full_name=f"Cán bộ tải thử {i + 1}",
                                       role="staff", unit=unit, created_at=vietnam_now())
                # Open ones: a completion the assigning unit confirmed cannot be taken back (rules.progress).
                ids = [a.id for a in Assignment.select(Assignment.id).join(Task).where(
                    (Assignment.unit == user.unit_id) & (Assignment.role == "lead") & Assignment.done_at.is_null()
                    & (Task.deadline_kind == "fixed")).order_by(Assignment.id).limit(30)]
                if len(ids) < 5:  # every staff user needs assignments of their own to update
                    directive = Directive.select().order_by(Directive.id).first()
                    for n in range(5 - len(ids)):
                        task = Task.create(directive=directive, text=f"Nhiệm vụ tải thử {name} {n + 1}",
                                           number=f"T{n + 1}", deadline_kind="ongoing",
                                           created_at=vietnam_now())
                        ids.append(Assignment.create(task=task, unit=user.unit_id, role="lead").id)
                users.append(LoadUser(name, "staff", ids))
        directive_ids = [d.id for d in Directive.select(Directive.id).order_by(Directive.id).limit(200)]
    database.close()
    return users, directive_ids


def summarise(samples: list[Sample], seconds: float) -> dict:
    timings = [s.ms for s in samples if s.status]
    errors = [s for s in samples if s.error]
    by_kind = {}
    for kind in sorted({s.kind for s in samples}):
        values = [s.ms for s in samples if s.kind == kind and s.status]
        by_kind[kind] = {"requests": sum(1 for s in samples if s.kind == kind),
                         "p50_ms": round(percentile(values, 0.5), 1) if values else None,
                         "p95_ms": round(percentile(values, 0.95), 1) if values else None,
                         "errors": sum(1 for s in errors if s.kind == kind)}
    error_kinds = {}
    for s in errors:
        key = "5xx" if s.status >= 500 else "connection" if s.status == 0 else \
            "4xx" if 400 <= s.status < 500 else "unexpected"
        error_kinds[key] = error_kinds.get(key, 0) + 1
    return {
        "requests": len(samples),
        "requests_per_second": round(len(samples) / seconds, 1),
        "p50_ms": round(percentile(timings, 0.50), 1) if timings else None,
        "p95_ms": round(percentile(timings, 0.95), 1) if timings else None,
        "p99_ms": round(percentile(timings, 0.99), 1) if timings else None,
        "mean_ms": round(statistics.fmean(timings), 1) if timings else None,
        "errors": len(errors),
        "error_kinds": error_kinds,
        "error_examples": sorted({f"{s.kind}: {s.error}" for s in errors})[:10],
        "pages": by_kind,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description="Tải thử qua gunicorn trên 127.0.0.1.")
    parser.add_argument("--seconds", type=float, default=60, help="thời gian chạy (giây), mặc định 60")
    parser.add_argument("--users", type=int, default=50, help="số người dùng đồng thời, mặc định 50")
    parser.add_argument("--leaders", type=int, default=None, help="trong đó số lãnh đạo (mặc định 1/5)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="thời gian nghĩ trung bình giữa hai thao tác (giây), 0: không nghỉ")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", type=Path, default=HERE / "load.json")
    parser.add_argument("--scale", choices=("1x", "5x"), default="5x", help="dữ liệu thử, mặc định 5x")
    args = parser.parse_args(argv)
    leaders = args.leaders if args.leaders is not None else max(1, round(args.users / 5))
    leaders = min(leaders, args.users)

    from webapp.backup import backup
    source = ensure_bench_db(args.scale)
    work = Path(tempfile.mkdtemp(prefix="loadtest-"))
    server = None
    try:
        db_path = work / "load.db"
        backup(f"sqlite:///{source}", db_path)  # a copy: the bench data stays as `make bench` expects
        users, directive_ids = prepare(db_path, args.users - leaders, leaders)
        env = {"DATABASE_URL": f"sqlite:///{db_path}", "SECRET_KEY": "loadtest-secret-" + "l" * 32, "DB_DIR": str(work),
               "UPLOAD_DIR": str(work / "uploads"), "PASSWORD_METHOD": FAST_HASH}
        server = start_gunicorn(env, work / "gunicorn.log", args.workers, args.threads)
        print(f"gunicorn: {args.workers} worker × {args.threads} luồng trên 127.0.0.1:{server.port}; "
              f"{args.users} người dùng ({leaders} lãnh đạo, {args.users - leaders} cán bộ) trong "
              f"{args.seconds:g} giây, nghĩ trung bình {args.think:g} giây…", flush=True)
        recorder = Recorder()
        reconnects = []
        started = time.time()
        stop_at = started + args.seconds
        threads = [threading.Thread(target=lambda u=u, i=i: reconnects.append(
                       simulate(u, server.port, stop_at, args.think, recorder, i, directive_ids)))
                   for i, u in enumerate(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
        log = server.log()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    result = summarise(recorder.samples, elapsed)
    result.update({
        "seconds": round(elapsed, 1), "scale": args.scale, "users": args.users, "leaders": leaders, "think_s": args.think,
        "workers": args.workers, "threads": args.threads, "cpu_count": os.cpu_count(),
        "updates_accepted": recorder.updates_accepted, "update_conflicts": recorder.conflicts,
        "client_reconnects": sum(reconnects),
        "server_log": {"tracebacks": log.count("Traceback"), "database_is_locked": log.count("database is locked"),
                       "worker_timeouts": log.count("WORKER TIMEOUT")},
    })
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"{result['requests']} yêu cầu trong {elapsed:.1f} s: {result['requests_per_second']} yêu cầu/giây")
    print(f"Độ trễ: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms")
    print(f"Lỗi: {result['errors']} {result['error_kinds'] or ''}".rstrip())
    for example in result["error_examples"]:
        print(f"  - {example}")
    print(f"Cập nhật được nhận: {recorder.updates_accepted}, xung đột phiên bản: {recorder.conflicts}; "
          f"nhật ký gunicorn: {result['server_log']['tracebacks']} traceback, "
          f"{result['server_log']['database_is_locked']} “database is locked”")
    for kind, figures in result["pages"].items():
        print(f"  {kind:<13} {figures['requests']:>6} yêu cầu  p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms"
              f"  lỗi {figures['errors']}")
    print(f"Đã ghi {args.out}")
    return result


if __name__ == "__main__":
    main()
