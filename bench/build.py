"""Build (or bring up to date) one benchmark database: `python bench/build.py --src TREE --url URL
--scale S --info OUT.json --now ISO`.

TREE is the source tree whose app, migrations and generator are used (this worktree, or an older
commit extracted by bench/run.py for the baseline), so each version measures data written by its own
code. An existing database is migrated (upgrade()) and kept; an empty one is filled by
bench/generate.py at the given scale. The ids the pages need go to OUT.json.
"""
import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", required=True, type=Path)
    parser.add_argument("--url", required=True)
    parser.add_argument("--scale", required=True, type=float)
    parser.add_argument("--info", required=True, type=Path)
    parser.add_argument("--now", required=True, type=datetime.fromisoformat)
    args = parser.parse_args()
    NOW = args.now
    sys.path.insert(0, str(args.src.resolve()))
    sys.modules.pop("bench", None)  # this tree's generator, not the caller's

    from bench.generate import generate
    from webapp import create_app
    from webapp.db import database
    from webapp.migrations import upgrade
    from webapp.models import Assignment, Task, Unit

    create_app({"DATABASE_URL": args.url, "CLOCK": lambda: NOW, "SECRET_KEY": "bench",
                "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with database.connection_context():
        fresh = not database.table_exists("unit") or not Unit.select().exists()
        started = time.perf_counter()
        upgrade()
        if fresh or not args.info.exists():
            if not fresh:
                raise SystemExit(f"{args.url}: có dữ liệu nhưng thiếu {args.info}; hãy xoá cơ sở dữ liệu này.")
            info = generate(args.scale, NOW)
            root = Unit.get(Unit.parent.is_null())
            fixed = (Assignment.select(Assignment.id, Assignment.task).join(Task)
                     .where(Task.deadline_kind == "fixed").order_by(Assignment.id))
            info.update(
                province_id=root.id,
                assignment_id=fixed.first().id,
                task_id=fixed.first().task_id,
                staff_assignment_id=fixed.where(Assignment.unit == info["staff_unit"]).first().id,
                report_id=_report(root, NOW),
            )
            args.info.write_text(json.dumps(info))
            print(f"{args.url}: dữ liệu ×{args.scale:g} tạo trong {time.perf_counter() - started:.0f} s", flush=True)


def _report(unit, now):
    """The province's monthly report on all its directives for the month before, as a draft."""
    from webapp.core.reports import open_draft
    month = now.month - 1 or 12
    return open_draft(unit, None, now.year if now.month > 1 else now.year - 1, month, None, now).id


if __name__ == "__main__":
    main()
