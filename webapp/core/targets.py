"""Targets: the Phụ lục 01 table, importing it, and a district's split among its communes."""
from datetime import datetime

from ..db import database, serialize_writes
from ..models import GROUPS, Target, Unit
from ..rules import appendix
from . import audit

FIELDS = ("total", "q1", "q2", "q3", "q4")
FIELD_LABELS = {"total": "Tổng số đối tượng", "q1": "Quý 1", "q2": "Quý 2", "q3": "Quý 3", "q4": "Quý 4"}


def district_targets(units, year: int) -> dict:
    """{unit id: {group: Target}} for the given units and year."""
    result = {}
    for target in Target.select().where(Target.unit.in_([u.id for u in units]) & (Target.year == year)):
        result.setdefault(target.unit_id, {})[target.group] = target
    return result


def years_with_targets() -> list[int]:
    return [row.year for row in Target.select(Target.year).distinct().order_by(Target.year.desc())]


def communes_of(district: Unit):
    """The communes a district splits its targets among: its active children of kind ubnd_xa."""
    return list(Unit.select().where((Unit.parent == district.id) & (Unit.kind == "ubnd_xa")
                                    & (Unit.active == True)).order_by(Unit.sort_name))  # noqa: E712


def upsert_targets(values: dict, year: int, now: datetime, *, actor_id=None) -> dict:
    """Write {(unit id, group): (total, q1, q2, q3, q4)} in one transaction, touching only rows
    that change, so that saving the same figures twice changes nothing. Returns the counts.
    Each created or changed row is audited as done by actor_id (None: the command line).
    Two saves at once run one after the other: the second reads what the first wrote, rather than
    both inserting the same new row."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with database.atomic():
        serialize_writes(f"targets-{year}")
        existing = {(t.unit_id, t.group): t for t in Target.select().where(
            Target.unit.in_(list({unit_id for unit_id, _ in values})) & (Target.year == year))}
        for (unit_id, group), numbers in values.items():
            row = dict(zip(FIELDS, numbers))
            target = existing.get((unit_id, group))
            if target is None:
                target = Target.create(unit=unit_id, year=year, group=group, updated_at=now, **row)
                _audit_target(target, None, actor_id, now)
                counts["created"] += 1
            elif tuple(getattr(target, f) for f in FIELDS) != tuple(numbers):
                Target.update(updated_at=now, **row).where(Target.id == target.id).execute()
                _audit_target(target, row, actor_id, now)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


def _audit_target(target: Target, new_numbers: dict | None, actor_id, now: datetime) -> None:
    """A created target (new_numbers None) or its numbers before and after a change."""
    label = f"{GROUPS.get(target.group, target.group)} năm {target.year}"
    if new_numbers is None:
        audit.record("create", "target", target.id, user_id=actor_id, unit_id=target.unit_id, at=now,
                     after=audit.snapshot(target, ("unit", "year", "group", *FIELDS)),
                     summary=f"Tạo chỉ tiêu #{target.id}: {label}")
    else:
        audit.record("update", "target", target.id, user_id=actor_id, unit_id=target.unit_id, at=now,
                     before=audit.snapshot(target, FIELDS), after=new_numbers,
                     summary=f"Sửa chỉ tiêu #{target.id}: {label}")


def split_sums(values: dict, communes) -> dict:
    """{group: {field: sum over communes}} of a split form's values {(unit id, group): numbers}."""
    sums = {g: dict.fromkeys(FIELDS, 0) for g in GROUPS}
    for commune in communes:
        for group in GROUPS:
            for field, number in zip(FIELDS, values.get((commune.id, group), (0,) * 5)):
                sums[group][field] += number or 0
    return sums


def shortfalls(sums: dict, district_targets_by_group: dict) -> list[str]:
    """Vietnamese warnings where the communes' sum is below the district's target."""
    warnings = []
    for group, target in district_targets_by_group.items():
        short = [FIELD_LABELS[f].lower() for f in FIELDS if sums[group][f] < getattr(target, f)]
        if short:
            warnings.append(f"{GROUPS[group]}: tổng các xã thấp hơn chỉ tiêu của huyện ở {', '.join(short)}.")
    return warnings


def import_appendix(data: bytes, year: int, now: datetime, *, actor_id=None) -> dict:
    """Read, check and match a Phụ lục 01 file against the active districts, then save it in one
    transaction; raises appendix.AppendixError with every problem, having saved nothing."""
    rows = appendix.read_appendix(data)
    districts = Unit.select(Unit.id, Unit.name).where((Unit.kind == "ubnd_huyen") & (Unit.active == True))  # noqa: E712
    matches = appendix.match_localities(rows, [(d.id, d.name) for d in districts], sheet="")
    values = {}
    for row in rows:
        for group, figures in row.figures.items():
            values[(matches[row.row], group)] = (figures.total, *figures.quarters)
    return upsert_targets(values, year, now, actor_id=actor_id)


def appendix_rows(units, year: int) -> list:
    """(unit, {group: appendix.Figures}) for the units with targets in a year."""
    targets = district_targets(units, year)
    return [(u, {g: appendix.Figures(t.total, t.quarters) for g, t in targets[u.id].items()})
            for u in units if u.id in targets]
