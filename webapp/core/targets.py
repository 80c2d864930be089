"""Targets (chỉ tiêu) of an indicator set: per indicator, group, unit, year and part of the year;
importing and exporting them as the set's appendix, and a unit's split among the units below it."""
from dataclasses import dataclass
from datetime import datetime

from ..db import database
from ..models import Indicator, IndicatorSet, Target, Unit
from ..rules import appendix
from ..rules import indicators as rules
from . import audit
from . import indicators as sets


def targets_of(indicator_set, unit_ids, year: int) -> dict:
    """{(unit id, indicator id, group id, part): value} of the given units in a year."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return {}
    rows = (Target.select(Target.unit, Target.indicator, Target.group, Target.part, Target.value)
            .join(Indicator).where((Indicator.indicator_set == indicator_set.id) & Target.unit.in_(unit_ids)
                                   & (Target.year == year)).tuples())
    return {(unit, indicator, group, part): value for unit, indicator, group, part, value in rows}


def years_with_targets(indicator_set) -> list[int]:
    rows = (Target.select(Target.year).distinct().join(Indicator)
            .where(Indicator.indicator_set == indicator_set.id).order_by(Target.year.desc()).tuples())
    return [year for (year,) in rows]


def sets_with_targets():
    """The sets that have targets: the default of the import and export commands when it is one."""
    return list(IndicatorSet.select().where(IndicatorSet.id.in_(
        Indicator.select(Indicator.indicator_set).join(Target))).order_by(IndicatorSet.id))


def upsert_targets(indicator_set, values: dict, year: int, now: datetime, *, actor_id=None) -> dict:
    """Write {(unit id, indicator id, group id, part): value} in one transaction, touching only the rows
    that change, so that saving the same targets twice changes nothing; returns the counts. Each
    created or changed row is audited as done by actor_id (None: the command line). Two saves at
    once run one after the other: the second reads what the first wrote."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    names = {i.id: i.name for i in sets.indicators_of(indicator_set, with_retired=True)}
    group_names = {g.id: g.name for g in sets.groups_of(indicator_set)}
    with database.atomic():
        existing = {(t.unit_id, t.indicator_id, t.group_id, t.part): t for t in Target.select().where(
            Target.unit.in_(list({key[0] for key in values}) or [0]) & (Target.year == year)
            & Target.indicator.in_(list(names) or [0]))}
        for key, value in values.items():
            unit_id, indicator_id, group_id, part = key
            target = existing.get(key)
            label = (f"{names.get(indicator_id, '')}{' – ' + group_names[group_id] if group_names.get(group_id) else ''}"
                     f" {rules.part_label(part, indicator_set.target_period).lower()} năm {year}")
            if target is None:
                target = Target.create(indicator=indicator_id, group=group_id, unit=unit_id, year=year, part=part,
                                       value=value, updated_at=now)
                audit.record("create", "target", target.id, user_id=actor_id, unit_id=unit_id, at=now,
                             after=audit.snapshot(target, TARGET_FIELDS), summary=f"Tạo chỉ tiêu #{target.id}: {label}")
                counts["created"] += 1
            elif target.value != value:
                before = audit.snapshot(target, TARGET_FIELDS)
                Target.update(value=value, updated_at=now).where(Target.id == target.id).execute()
                target.value = value
                audit.record("update", "target", target.id, user_id=actor_id, unit_id=unit_id, at=now,
                             before=before, after=audit.snapshot(target, TARGET_FIELDS),
                             summary=f"Sửa chỉ tiêu #{target.id}: {label}")
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


TARGET_FIELDS = ("unit", "indicator", "group", "year", "part", "value")


# --- The appendix ------------------------------------------------------------------------------

def appendix_units(indicator_set) -> list[Unit]:
    """The localities an appendix of the set lists: its rows at its scope; the scope's active children
    when no unit reports yet."""
    rows = sets.row_units(indicator_set, indicator_set.scope)
    if rows:
        return rows
    children = Unit.select().where((Unit.parent == indicator_set.scope_id) & (Unit.active == True))  # noqa: E712
    return sorted(children, key=lambda u: u.order_key)


def import_appendix(indicator_set, data: bytes, year: int, now: datetime, *, actor_id=None) -> dict:
    """Read, check and match an appendix file laid out as the set's mapping against the set's
    localities, then save its targets in one transaction; raises appendix.AppendixError with every
    problem, having saved nothing."""
    try:
        layout = sets.layout_of(indicator_set)
    except sets.SetError as exc:
        raise appendix.AppendixError([appendix.Problem("", "", str(exc))]) from None
    rows = appendix.read_appendix(data, layout)
    matches = appendix.match_localities(rows, [(u.id, u.name) for u in appendix_units(indicator_set)], sheet="")
    keys = sets.column_keys(indicator_set)
    values = {}
    for row in rows:
        for number, value in row.values.items():
            indicator_id, group_id, part = keys[number]
            values[(matches[row.row], indicator_id, group_id, part)] = float(value)
    return upsert_targets(indicator_set, values, year, now, actor_id=actor_id)


def appendix_rows(indicator_set, units, year: int) -> list:
    """(unit, {column number: value}) for the units with targets in the year, in the order given."""
    found = targets_of(indicator_set, [u.id for u in units], year)
    keys = sets.column_keys(indicator_set)
    with_targets = {key[0] for key in found}
    return [(u, {number: found.get((u.id, *key)) for number, key in keys.items()})
            for u in units if u.id in with_targets]


def export_appendix(indicator_set, units, year: int) -> bytes:
    """The appendix of the units' targets; indicators.SetError when the set has no target to show."""
    layout = sets.layout_of(indicator_set, year_label=str(year))
    rows = [(u.place_name, values) for u, values in appendix_rows(indicator_set, units, year)]
    return appendix.build_appendix(layout, year, rows, sets.reference_of(indicator_set.directive))


# --- Split among the units below ------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One number of the split form: an indicator's target for a part of the year."""
    indicator: Indicator
    part: int
    label: str

    @property
    def key(self) -> str:
        return f"{self.indicator.id}-{self.part}"


def split_fields(indicator_set, indicators) -> list[Field]:
    """The targets a unit splits: each targeted indicator's parts (the base indicator's whole year)."""
    fields = []
    for indicator in indicators:
        if not indicator.has_targets:
            continue
        for part in [0] if indicator.is_base else rules.parts(indicator_set.target_period):
            label = rules.part_label(part, indicator_set.target_period)
            fields.append(Field(indicator, part, indicator.name if part == 0 else label))
    return fields


def split_sums(values: dict, units, fields, groups) -> dict:
    """{(group id, field key): sum over the units} of a split form's {(unit, indicator, group, part): value}."""
    sums = {(g.id, f.key): 0.0 for g in groups for f in fields}
    for unit in units:
        for group in groups:
            for field in fields:
                sums[(group.id, field.key)] += values.get((unit.id, field.indicator.id, group.id, field.part)) or 0
    return sums


def shortfalls(sums: dict, own: dict, unit_id: int, fields, groups) -> list[str]:
    """Vietnamese warnings where the sum below is lower than the unit's own target."""
    warnings = []
    for group in groups:
        below = {}
        for field in fields:
            own_value = own.get((unit_id, field.indicator.id, group.id, field.part))
            if own_value is not None and sums[(group.id, field.key)] < own_value:
                below.setdefault(field.indicator, []).append(field)
        short = [indicator.name.lower() + ("" if all(f.part == 0 for f in parts)
                                           else " (" + ", ".join(f.label.lower() for f in parts) + ")")
                 for indicator, parts in below.items()]
        if short:
            prefix = f"{group.name}: t" if group.name else "T"
            warnings.append(f"{prefix}ổng các đơn vị cấp dưới thấp hơn chỉ tiêu được giao ở {'; '.join(short)}.")
    return warnings
