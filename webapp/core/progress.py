"""Progress figures: entering a unit's daily figures, and rolling them up over the unit tree in SQL."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import Case, fn

from ..db import database
from ..models import GROUPS, Assignment, Occurrence, ProgressFigure, Target, Task, Unit
from ..rules.input import MAX_COUNT
from ..rules.targets import rate, target_to_date
from ..rules.vietnamese import format_number
from . import audit, occurrences
from .units import district_of

COUNTS = ("beneficiaries", "accounts_opened", "paid_cashless")
CUMULATIVE = ("accounts_opened", "paid_cashless")
LABELS = {"beneficiaries": "Tổng số đối tượng", "accounts_opened": "Đã mở tài khoản",
          "paid_cashless": "Đã chi trả không dùng tiền mặt"}


class FiguresError(ValueError):
    """Figures we refuse: errors maps (group, field) to a Vietnamese message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def previous_figures(unit_id: int, day: date) -> dict:
    """The unit's latest figures before `day`, per group."""
    latest = (ProgressFigure.select(ProgressFigure.group.alias("grp"), fn.MAX(ProgressFigure.day).alias("last"))
              .where((ProgressFigure.unit == unit_id) & (ProgressFigure.day < day))
              .group_by(ProgressFigure.group))
    rows = (ProgressFigure.select()
            .join(latest, on=((ProgressFigure.group == latest.c.grp) & (ProgressFigure.day == latest.c.last)))
            .where(ProgressFigure.unit == unit_id))
    return {f.group: f for f in rows}


def figures_on(unit_id: int, day: date) -> dict:
    return {f.group: f for f in ProgressFigure.select().where((ProgressFigure.unit == unit_id)
                                                               & (ProgressFigure.day == day))}


def check(entries: dict, previous: dict) -> dict:
    """Field errors for one day's entries {group: {field: int or None, "note": str}}."""
    errors = {}
    for group, values in entries.items():
        bad = False
        for name in COUNTS:
            if values[name] is None:
                errors[(group, name)] = "Vui lòng nhập số (0 nếu chưa có)."
                bad = True
            elif values[name] < 0:
                errors[(group, name)] = "Số liệu không được âm."
                bad = True
            elif values[name] > MAX_COUNT:
                errors[(group, name)] = f"Số quá lớn: tối đa {format_number(MAX_COUNT)}."
                bad = True
        if bad:
            continue
        for name in CUMULATIVE:
            if values[name] > values["beneficiaries"]:
                errors[(group, name)] = "Không được lớn hơn tổng số đối tượng."
        before = previous.get(group)
        if before and not values["note"].strip():
            lower = [LABELS[n].lower() for n in CUMULATIVE if values[n] < getattr(before, n)]
            if lower:
                errors[(group, "note")] = (f"Số {' và '.join(lower)} thấp hơn ngày {before.day:%d/%m/%Y}: "
                                           "cần ghi lý do.")
    return errors


def save_figures(unit: Unit, day: date, entries: dict, user_id: int, now: datetime) -> None:
    """Save one day's figures for a unit (all groups or none), then count them as that day's
    Phụ lục 2b report of the unit's district."""
    errors = check(entries, previous_figures(unit.id, day))
    if errors:
        raise FiguresError(errors)
    rows = [{"unit": unit.id, "day": day, "group": group, "note": values["note"].strip(),
             "entered_by": user_id, "entered_at": now, **{n: values[n] for n in COUNTS}}
            for group, values in entries.items()]
    with database.atomic():
        before = figures_on(unit.id, day)
        for row in rows:
            (ProgressFigure.insert(row)
             .on_conflict(conflict_target=[ProgressFigure.unit, ProgressFigure.day, ProgressFigure.group],
                          update={getattr(ProgressFigure, k): row[k]
                                  for k in (*COUNTS, "note", "entered_by", "entered_at")})
             .execute())
        _audit_figures(unit, day, before, figures_on(unit.id, day), user_id, now)
        district = district_of(unit)
        if district is not None:
            _satisfy_daily_report(district, day, user_id, now, unit)


AUDITED_FIGURES = ("day", "group", *COUNTS, "note")


def _audit_figures(unit: Unit, day: date, before: dict, after: dict, user_id: int, now: datetime) -> None:
    """One entry per group whose counts or note were created or changed; a resave of the same
    figures records nothing."""
    for group, figure in after.items():
        old = before.get(group)
        audit.record_change("progress_figure", figure.id,
                            audit.snapshot(old, AUDITED_FIGURES) if old else None,
                            audit.snapshot(figure, AUDITED_FIGURES), user_id=user_id, unit_id=unit.id, at=now,
                            summary=f"{'Sửa' if old else 'Nhập'} số liệu {GROUPS.get(group, group)} "
                                    f"ngày {day:%d/%m/%Y} của {unit.name}")


def _satisfy_daily_report(district: Unit, day: date, user_id: int, now: datetime, unit: Unit) -> None:
    occurrences.materialise(day, now.date())
    start = datetime.combine(day, time.min)
    occurrence = (Occurrence.select().join(Assignment).join(Task)
                  .where((Assignment.unit == district.id) & (Task.figures_report == "2b")
                         & (Occurrence.due_at >= start) & (Occurrence.due_at < start + timedelta(days=1))
                         & Occurrence.submitted_at.is_null())
                  .first())
    if occurrence is not None:
        occurrences.submit(occurrence, user_id, f"Số liệu ngày {day:%d/%m/%Y} do {unit.name} nhập.", None, now)


@dataclass
class RollupRow:
    unit: Unit
    group: str
    beneficiaries: int = 0
    accounts_opened: int = 0
    paid_cashless: int = 0
    target_total: int = 0
    target_to_date: int = 0
    reported: bool = False

    @property
    def rate_total(self):
        return rate(self.paid_cashless, self.beneficiaries)

    @property
    def rate_target(self):
        return rate(self.paid_cashless, self.target_to_date)

    @property
    def bar_percent(self):
        """The width of the row's bar: progress against the target to date, capped at 100."""
        return min(100.0, self.rate_target or 0.0)


def _latest_on(day: date):
    """Each unit's latest figures on or before `day`, per group (a subquery)."""
    last = (ProgressFigure.select(ProgressFigure.unit.alias("last_unit"), ProgressFigure.group.alias("last_group"),
                                  fn.MAX(ProgressFigure.day).alias("last_day"))
            .where(ProgressFigure.day <= day).group_by(ProgressFigure.unit, ProgressFigure.group))
    return (ProgressFigure.select(ProgressFigure.unit, ProgressFigure.group,
                                  *(getattr(ProgressFigure, n) for n in COUNTS))
            .join(last, on=((ProgressFigure.unit == last.c.last_unit)
                            & (ProgressFigure.group == last.c.last_group)
                            & (ProgressFigure.day == last.c.last_day))))


def rollup(parent: Unit, child_kind: str, day: date) -> dict:
    """{group: [RollupRow per child]} for the active children of `parent` of a kind, each summing the
    latest figures in its subtree as of `day`, in SQL. A child's own figures count only where
    nothing below it reported: a district enters for itself where its communes do not."""
    child = Unit.alias("child")
    member = Unit.alias("member")
    latest = _latest_on(day).alias("latest")
    own = member.id == child.id
    columns = [child.id.alias("cid"), latest.c.group.alias("grp"),
               fn.SUM(Case(None, [(own, 0)], 1)).alias("below_rows")]
    for name in COUNTS:
        value = getattr(latest.c, name)
        columns.append(fn.SUM(Case(None, [(own, 0)], value)).alias(f"below_{name}"))
        columns.append(fn.SUM(Case(None, [(own, value)], 0)).alias(f"own_{name}"))
    rows = (child.select(*columns)
            .join(member, on=member.path.startswith(child.path))
            .join(latest, on=(latest.c.unit_id == member.id))
            .where((child.parent == parent.id) & (child.kind == child_kind))
            .group_by(child.id, latest.c.group).dicts())
    children = list(Unit.select().where((Unit.parent == parent.id) & (Unit.kind == child_kind)
                                        & (Unit.active == True)).order_by(Unit.sort_name))  # noqa: E712
    targets = {(t.unit_id, t.group): t for t in Target.select().where(
        Target.unit.in_([c.id for c in children]) & (Target.year == day.year))}
    table = {group: {c.id: RollupRow(c, group) for c in children} for group in GROUPS}
    for row in rows:
        cell = table.get(row["grp"], {}).get(row["cid"])
        if cell is None:
            continue
        source = "below" if row["below_rows"] else "own"
        for name in COUNTS:
            setattr(cell, name, row[f"{source}_{name}"] or 0)
        cell.reported = True
    for group, by_unit in table.items():
        for unit_id, cell in by_unit.items():
            target = targets.get((unit_id, group))
            if target:
                cell.target_total = target.total
                cell.target_to_date = target_to_date(target.quarters, day, target.year)
    return {group: list(by_unit.values()) for group, by_unit in table.items()}


def total_of(rows: list, unit: Unit, group: str) -> RollupRow:
    """The Tổng cộng row of a table."""
    total = RollupRow(unit, group, reported=any(r.reported for r in rows))
    for name in (*COUNTS, "target_total", "target_to_date"):
        setattr(total, name, sum(getattr(r, name) for r in rows))
    return total
