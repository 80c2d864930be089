"""A process killed (SIGKILL) in the middle of a large targets import leaves the database intact and
holding none of that import.

The import's write path is queries.upsert_targets (what import_appendix and the split form call),
all in one transaction. A separate Python process runs it for 20,000 districts (200,000 targets, far
past the web import's 2,000-row cap, so the kill surely lands before the end), prints a marker once
it has sent 3,000 statements of the transaction, and is killed at once. With a tiny page cache the
SQLite child has by then spilled uncommitted pages into the WAL file, as a real crash would leave
it. The test then finds PRAGMA integrity_check "ok", the targets exactly as before, and the
database writable again. It always runs on its own SQLite file; when TEST_DATABASE_URL is set the
same check also runs on PostgreSQL."""
import os
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers import make_app, set_like_phu_luc_01
from webapp.core import indicators as sets
from webapp.core.targets import upsert_targets
from webapp.db import database
from webapp.models import Directive, IndicatorSet, Target, Unit

ROOT = Path(__file__).resolve().parent.parent
DISTRICTS = 20_000
ALREADY_IMPORTED = 500   # districts whose targets were committed before: the import updates them
MARKER_AFTER = 3_000     # statements of the import's transaction sent before the child says so
YEAR = 2025
PER_DISTRICT = 10  # two groups × (the beneficiaries' total and four quarters)


def values_for(indicator_set, ids, total, quarters):
    """The targets of Phụ lục 01 for the districts: the same numbers for each."""
    base, _, paid = sets.indicators_of(indicator_set)
    values = {}
    for unit_id in ids:
        for group in sets.groups_of(indicator_set):
            values[(unit_id, base.id, group.id, 0)] = float(total)
            values.update({(unit_id, paid.id, group.id, q): float(v) for q, v in enumerate(quarters, 1)})
    return values

CHILD = textwrap.dedent("""
    import sys
    from datetime import datetime
    sys.path.insert(0, {root!r})
    from webapp.db import database, open_database, is_sqlite
    from webapp.models import IndicatorSet, Unit
    from webapp.core import indicators as sets
    from webapp.core.targets import upsert_targets

    open_database(sys.argv[1])
    database.connect()
    if is_sqlite():
        # A small page cache, so that uncommitted pages go to the WAL file during the transaction.
        database.execute_sql("PRAGMA cache_size = 16")
    ids = [u.id for u in Unit.select(Unit.id).where(Unit.kind == "ubnd_huyen").order_by(Unit.id)]
    indicator_set = IndicatorSet.get()
    base, _, paid = sets.indicators_of(indicator_set)
    values = {{}}
    for unit_id in ids:
        for group in sets.groups_of(indicator_set):
            values[(unit_id, base.id, group.id, 0)] = 900.0
            values.update({{(unit_id, paid.id, group.id, q): float(v) for q, v in enumerate((100, 200, 300, 300), 1)}})
    db = database.obj
    original = db.execute_sql
    sent = [0]

    def counting(sql, params=None, *args, **kwargs):
        result = original(sql, params, *args, **kwargs)
        if db.in_transaction():
            sent[0] += 1
            if sent[0] == {marker}:
                print("WRITING", flush=True)
        return result

    db.execute_sql = counting
    upsert_targets(indicator_set, values, {year}, datetime(2024, 3, 20, 10, 0))
    print("FINISHED", flush=True)
""")

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def prepare(tmp_path, kind):
    url = os.environ["TEST_DATABASE_URL"] if kind == "postgresql" else f"sqlite:///{tmp_path / 'crash.db'}"
    make_app(tmp_path, DATABASE_URL=url)
    with database.atomic():
        province = Unit.create(name="UBND tỉnh Thử Sập", kind="ubnd_tinh", path="/", created_at=datetime(2024, 1, 1))
        rows = [{"name": f"UBND huyện Thử {i:05d}", "kind": "ubnd_huyen", "parent": province.id,
                 "path": "", "sort_name": f"ubnd huyen thu {i:05d}", "active": True, "created_at": datetime(2024, 1, 1)}
                for i in range(DISTRICTS)]
        for start in range(0, len(rows), 1000):
            Unit.insert_many(rows[start:start + 1000]).execute()
    directive = Directive.create(number="1/UBND-SAP", subject="V/v thử", issuer=province,
                                 created_at=datetime(2024, 1, 1))
    indicator_set = set_like_phu_luc_01(directive, province)
    first = [u.id for u in Unit.select(Unit.id).where(Unit.kind == "ubnd_huyen").order_by(Unit.id)
             .limit(ALREADY_IMPORTED)]
    upsert_targets(indicator_set, values_for(indicator_set, first, 500, (50, 100, 150, 200)), YEAR,
                   datetime(2024, 3, 1, 8, 0))
    return url


def targets():
    return list(Target.select().order_by(Target.id).tuples())


def run_and_kill(tmp_path, url):
    """Start the child, wait for its marker, SIGKILL it; returns what it printed."""
    script = tmp_path / "crash_child.py"
    script.write_text(CHILD.format(root=str(ROOT), marker=MARKER_AFTER, year=YEAR))
    child = subprocess.Popen([sys.executable, str(script), url], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)
    printed = b""
    try:
        deadline = time.monotonic() + 20
        while b"WRITING" not in printed and b"FINISHED" not in printed and time.monotonic() < deadline:
            ready, _, _ = select.select([child.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(child.stdout.fileno(), 4096)
                if not chunk:
                    break
                printed += chunk
        if b"WRITING" in printed:
            os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(10)
        errors = child.stderr.read().decode(errors="replace")
        child.stdout.close()
        child.stderr.close()
    assert b"WRITING" in printed, f"the child never started writing: {printed!r} {errors[-2000:]}"
    assert b"FINISHED" not in printed, "the import finished before the kill"
    assert child.returncode == -signal.SIGKILL, (child.returncode, errors[-2000:])


@pytest.mark.parametrize("kind", DATABASES)
def test_a_process_killed_mid_import_leaves_the_database_intact_and_without_the_import(tmp_path, kind):
    url = prepare(tmp_path, kind)
    before = targets()
    assert len(before) == ALREADY_IMPORTED * PER_DISTRICT
    database.obj.close_all()  # the last connection (the pool's too) checkpoints: on SQLite the WAL is now empty
    db_file = tmp_path / "crash.db"
    wal = Path(f"{db_file}-wal")
    if kind == "sqlite":
        assert not wal.exists() or wal.stat().st_size == 0

    run_and_kill(tmp_path, url)

    if kind == "sqlite":
        # The killed transaction really wrote: its uncommitted pages are in the WAL file.
        assert wal.exists() and wal.stat().st_size > 100_000, wal.stat().st_size if wal.exists() else None
        with sqlite3.connect(db_file, timeout=10) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("SELECT COUNT(*) FROM indicator_target").fetchone()[0] == len(before)
    assert targets() == before  # none of the killed import: no new row, no updated figure
    # Nothing is left locked: the same import can run now, and it commits.
    started = time.monotonic()
    ids = [u.id for u in Unit.select(Unit.id).where(Unit.kind == "ubnd_huyen").order_by(Unit.id).limit(50)]
    counts = upsert_targets(IndicatorSet.get(), values_for(IndicatorSet.get(), ids, 900, (100, 200, 300, 300)),
                            YEAR, datetime(2024, 3, 21, 8, 0))
    assert counts == {"created": 0, "updated": 50 * PER_DISTRICT, "unchanged": 0}
    assert time.monotonic() - started < 10
    database.close()
