"""The WSGI app `make bench` serves with gunicorn: the tracker of BENCH_SRC (this tree or the
baseline's) on BENCH_DATABASE_URL, and beside it, in the same processes, the floor: a bare Flask page
of any size (`/__floor?bytes=N`) with no database, no login and no template.

The clock starts at BENCH_NOW when the run started (BENCH_EPOCH, a Unix time) and runs on, as a
real server's does. Each answer of the tracker says how many SQL statements it sent
(X-Bench-Queries), counted per thread.
"""
import os
import sys
import threading
import time
from datetime import datetime, timedelta

sys.path.insert(0, os.environ["BENCH_SRC"])

from flask import Flask, Response, request  # noqa: E402
from werkzeug.middleware.dispatcher import DispatcherMiddleware  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.db import database  # noqa: E402

START = datetime.fromisoformat(os.environ["BENCH_NOW"])
EPOCH = float(os.environ["BENCH_EPOCH"])


def bench_clock() -> datetime:
    return START + timedelta(seconds=int(time.time() - EPOCH))


tracker = create_app({"DATABASE_URL": os.environ["BENCH_DATABASE_URL"], "CLOCK": bench_clock,
                      "SECRET_KEY": "bench", "PASSWORD_METHOD": "pbkdf2:sha256:1000",
                      "UPLOAD_DIR": os.environ.get("BENCH_UPLOAD_DIR", "/tmp/bench-uploads")})
counter = threading.local()
_execute = database.obj.execute_sql


def _counting(sql, params=None, *args, **kwargs):
    counter.n = getattr(counter, "n", 0) + 1
    return _execute(sql, params, *args, **kwargs)


database.obj.execute_sql = _counting


@tracker.before_request
def _reset_count():
    counter.n = 0


@tracker.after_request
def _report_count(response):
    response.headers["X-Bench-Queries"] = str(getattr(counter, "n", 0))
    return response


floor = Flask("floor")


@floor.route("/")
def floor_page():
    size = max(0, min(int(request.args.get("bytes", "1000")), 10_000_000))
    head = "<!doctype html><html lang=vi><title>floor</title><p>"
    return Response(head + "x" * max(0, size - len(head)), mimetype="text/html")


app = DispatcherMiddleware(tracker, {"/__floor": floor})
