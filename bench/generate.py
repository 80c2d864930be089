"""Synthetic province for benchmarks and query-count tests.

At scale 1: 300 units (a province, 49 province bodies, 250 communes), 200 directives, 5,000 tasks,
20,000 assignments, and two years of daily report occurrences for 150 units (about 110,000).
Everything is written with bulk inserts into whatever database webapp.db is bound to.
"""
import random
from datetime import datetime, time, timedelta

from peewee import chunked

from webapp.db import database
from webapp.models import (Assignment, Directive, Figure, FigureEntry, Indicator, IndicatorGroup, IndicatorSet,
                           Occurrence, Target, Task, Unit, Update, User)
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
        set_id = _indicator_set(rng, directives[0], root, communes, now)
    return {
        "units": Unit.select().count(), "directives": len(directives), "tasks": len(tasks),
        "assignments": len(ids), "occurrences": len(occurrence_rows), "updates": Update.select().count(),
        "directive_id": directives[0], "staff_unit": communes[0].id, "set_id": set_id,
        "figures": Figure.select().count(),
    }


def _assignment(task, unit_id, due, done, role):
    return {"task": task.id, "unit": unit_id, "role": role, "state": "done" if done else "in_progress",
            "percent": 100 if done else 50, "due_at": due, "done_at": done, "version": 1}


def _indicator_set(rng, directive_id, root, communes, now) -> int:
    """An indicator set of the first directive, every commune reporting, with a year's targets for the
    base indicator and twelve weekly entries of three figures each: what the roll-up page reads."""
    indicator_set = IndicatorSet.create(directive=directive_id, name="Số liệu thử nghiệm", scope=root.id,
                                        reporting_kind="ubnd_xa", target_period="year",
                                        appendix_label="Phụ lục 01", created_at=now)
    group = IndicatorGroup.create(indicator_set=indicator_set, name="", position=0)
    base = Indicator.create(indicator_set=indicator_set, name="Số đối tượng", aggregation="stock", is_base=True,
                            has_targets=True, position=0)
    done = Indicator.create(indicator_set=indicator_set, name="Số đã thực hiện", aggregation="cumulative",
                            at_most=base, has_targets=True, position=1)
    week = Indicator.create(indicator_set=indicator_set, name="Số thực hiện trong kỳ", aggregation="period",
                            position=2)
    _insert(Target, [{"indicator": indicator.id, "group": group.id, "unit": unit.id, "year": now.year, "part": 0,
                      "value": 1000, "updated_at": now} for unit in communes for indicator in (base, done)])
    user = User.get(User.username == "bench_admin")
    days = [now.date() - timedelta(days=7 * back) for back in range(12, 0, -1)]
    _insert(FigureEntry, [{"indicator_set": indicator_set.id, "unit": unit.id, "day": day, "note": "",
                           "entered_by": user.id, "entered_at": now} for unit in communes for day in days])
    entries = FigureEntry.select(FigureEntry.id, FigureEntry.unit, FigureEntry.day).where(
        FigureEntry.indicator_set == indicator_set.id).order_by(FigureEntry.unit, FigureEntry.day)
    rows, running = [], {}
    for entry in entries:
        step = rng.randint(0, 40)
        running[entry.unit_id] = running.get(entry.unit_id, 0) + step
        for indicator, value in ((base, 1000), (done, min(1000, running[entry.unit_id])), (week, step)):
            rows.append({"entry": entry.id, "indicator": indicator.id, "group": group.id, "unit": entry.unit_id,
                         "day": entry.day, "value": value})
    _insert(Figure, rows)
    return indicator_set.id
