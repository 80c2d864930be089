"""The unit home on a slow connection (Chromium's network throttling: 400 kbit/s, 400 ms latency):
the time until it is usable, from a cold cache. Part of `make bench`; adds "slow_connection" to
bench/results.json. Goal: under 3 s."""
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from werkzeug.serving import make_server  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.clock import vietnam_now  # noqa: E402
from webapp.db import database  # noqa: E402
from webapp.migrations import upgrade  # noqa: E402
from webapp.seed import load_demo  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "bench-slow"
KBIT = 1000 / 8  # bytes per second in one kilobit per second


def serve(db_dir: Path) -> str:
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app({"DATABASE_URL": f"sqlite:///{db_dir / 'slow.db'}", "SECRET_KEY": "slow",
                      "UPLOAD_DIR": str(db_dir / "uploads"), "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with database.connection_context():
        upgrade()
        load_demo(PASSWORD, "pbkdf2:sha256:1000", vietnam_now())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def main(runs: int = 3):
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        base = serve(Path(tmp))
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        login = browser.new_context()
        page = login.new_page()
        page.goto(base + "/dang-nhap")
        page.fill("input[name=username]", "quaicang")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/")
        timings = []
        for _ in range(runs):
            context = browser.new_context()  # a cold cache each time
            context.add_cookies(login.cookies())
            cold = context.new_page()
            cdp = context.new_cdp_session(cold)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 400,
                                                          "downloadThroughput": 400 * KBIT,
                                                          "uploadThroughput": 400 * KBIT})
            started = time.perf_counter()
            cold.goto(base + "/", wait_until="load")  # HTML, CSS and htmx in: filters and links work
            timings.append(time.perf_counter() - started)
            context.close()
        browser.close()
    usable = sorted(timings)[len(timings) // 2]
    print(f"unit home at 400 kbit/s, 400 ms latency: usable after {usable:.2f} s (median of {runs})")
    results_path = HERE / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["slow_connection"] = {"unit_home_usable_s": round(usable, 2), "kbit_s": 400, "latency_ms": 400}
    results_path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
