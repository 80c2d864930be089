"""Synthetic province for benchmarks and query-count tests.

At scale 1: 300 units (a province, 49 province bodies, 250 communes), 200 directives, 5,000 tasks,
20,000 assignments, and two years of daily report occurrences for 150 units (about 110,000).
Everything is written with bulk inserts into whatever database webapp.db is bound to.
"""
import random
from datetime import datetime, time, timedelta

from peewee import chunked

from webapp.db import database
from webapp.models import Assignment, Directive, Occurrence, Task, Unit, Update, User
from webapp.core.users import hash_password
from webapp.rules.vietnamese import sort_key

PASSWORD = "bench-password"
USERS = {"bench_leader": "leader", "bench_admin": "admin", "bench_staff": "staff"}


def _insert(model, rows):
    for batch in chunked(rows, 500):
        model.insert_many(batch).execute()


def generate(scale: float, now: datetime, seed: int = 2024) -> dict:
    """Fill an empty database; returns the sizes written and the ids the benchmarks need."""
    rng = random.Random(seed)
    n_bodies, n_communes = max(2, round(49 * scale)), max(3, round(250 * scale))
    n_directives, tasks_per_directive = max(2, round(200 * scale)), 25
    n_daily_units = max(2, round(150 * scale))
    days = 730
    with database.atomic():
        root = Unit.create(name="UBND tỉnh Thử Nghiệm", kind="ubnd_tinh", path="", sort_name=sort_key("UBND tỉnh"),
                           created_at=now)
        Unit.update(path=f"/{root.id}/").where(Unit.id == root.id).execute()
        _insert(Unit, [{"name": f"Sở số {i:03d}", "kind": "so_nganh", "parent": root.id, "path": "",
                        "sort_name": sort_key(f"Sở số {i:03d}"), "active": True, "created_at": now}
                       for i in range(n_bodies)]
                + [{"name": f"UBND xã Số {i:03d}", "kind": "ubnd_xa", "parent": root.id, "path": "",
                    "sort_name": sort_key(f"UBND xã Số {i:03d}"), "active": True, "created_at": now}
                   for i in range(n_communes)])
        Unit.update(path=f"/{root.id}/" + Unit.id.cast("text").concat("/")).where(Unit.parent == root.id).execute()
        units = list(Unit.select().where(Unit.parent == root.id).order_by(Unit.id))
        communes = [u for u in units if u.kind == "ubnd_xa"]
        hashed = hash_password(PASSWORD, "pbkdf2:sha256:1000")
        _insert(User, [{"username": name, "password_hash": hashed, "full_name": name, "role": role,
                        "unit": root.id if role != "staff" else communes[0].id, "active": True,
                        "must_change_password": False, "created_at": now} for name, role in USERS.items()])
        _insert(Directive, [{"number": f"{i + 1}/UBND-TN", "issued_on": (now - timedelta(days=days - i)).date(),
                             "issued_precision": "day", "issuer": root.id, "place": "Thử Nghiệm",
                             "subject": f"V/v nhiệm vụ thử nghiệm số {i + 1}", "legal_bases": "", "recipients": "",
                             "copies": "", "signing_authority": "", "signer_title": "", "signer_name": "",
                             "created_at": now} for i in range(n_directives)])
        directives = [d.id for d in Directive.select(Directive.id).order_by(Directive.id)]
        start = (now - timedelta(days=days)).date()
        task_rows = []
        for d_index, directive_id in enumerate(directives):
            for position in range(tasks_per_directive):
                task_rows.append({"directive": directive_id, "section": f"{position // 5 + 1}. Nhóm nhiệm vụ",
                                  "position": position, "number": f"{position // 5 + 1}.{position % 5 + 1}",
                                  "text": f"Nhiệm vụ {position + 1} của văn bản {d_index + 1}", "addressed_to": "",
                                  "deadline_text": "", "deadline_kind": "fixed",
                                  "deadline_date": start + timedelta(days=rng.randrange(0, days + 60)),
                                  "created_at": datetime.combine(start, time(8))})
        # One daily report task per daily-reporting unit, the first tasks of the first directive(s).
        for i in range(n_daily_units):
            task_rows[i].update(deadline_kind="daily", deadline_date=None, deadline_time=time(9),
                                window_start=start)
        _insert(Task, task_rows)
        tasks = list(Task.select(Task.id, Task.deadline_kind, Task.deadline_date).order_by(Task.id))
        assignment_rows, occurrence_owners = [], []
        for index, task in enumerate(tasks):
            if task.deadline_kind == "daily":
                unit = communes[index % len(communes)] if index < len(communes) else units[index % len(units)]
                assignment_rows.append(_assignment(task, unit.id, None, None, "lead"))
                occurrence_owners.append(len(assignment_rows) - 1)
                continue
            due = datetime.combine(task.deadline_date, time(23, 59, 59))
            for unit in rng.sample(units, 5 if index % 11 == 0 else 4):
                done = None
                if due < now and rng.random() < 0.7 or due >= now and rng.random() < 0.2:
                    done = due + timedelta(days=rng.randint(-20, 10))
                assignment_rows.append(_assignment(task, unit.id, due, done, "lead"))
        _insert(Assignment, assignment_rows)
        ids = [a.id for a in Assignment.select(Assignment.id).order_by(Assignment.id)]
        watermark = now.date() + timedelta(days=7)
        daily_ids = [ids[i] for i in occurrence_owners]
        Assignment.update(occurrences_until=watermark).where(Assignment.id.in_(daily_ids)).execute()
        occurrence_rows = []
        for assignment_id in daily_ids:
            for day in range(days + 8):
                due = datetime.combine(start + timedelta(days=day), time(9))
                submitted = due - timedelta(hours=1) if due < now and rng.random() < 0.85 else None
                if submitted and rng.random() < 0.2:
                    submitted = due + timedelta(hours=3)
                occurrence_rows.append({"assignment": assignment_id, "due_at": due, "submitted_at": submitted})
        _insert(Occurrence, occurrence_rows)
        from webapp.core.occurrences import recurring_lead_assignments, refresh_status
        refresh_status(list(recurring_lead_assignments().where(Assignment.id.in_(daily_ids))), now.date())
    return {
        "units": Unit.select().count(), "directives": len(directives), "tasks": len(tasks),
        "assignments": len(ids), "occurrences": len(occurrence_rows), "updates": Update.select().count(),
        "directive_id": directives[0], "staff_unit": communes[0].id,
    }


def _assignment(task, unit_id, due, done, role):
    return {"task": task.id, "unit": unit_id, "role": role, "state": "done" if done else "in_progress",
            "percent": 100 if done else 50, "due_at": due, "done_at": done, "version": 1}
