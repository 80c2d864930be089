"""Figures of indicator sets (số liệu): one unit's numbers of one period, entered by the unit or for
it by a unit above (marked as such), counted as the report of that period of the duty the set fills;
and the roll-up of a set over the unit tree, in SQL, with rates and targets to date."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import EXCLUDED, Case, fn

from ..db import database
from ..models import Assignment, Figure, FigureEntry, Occurrence, Unit
from ..rules import indicators as rules
from . import audit, occurrences
from . import indicators as sets
from . import targets as target_values
from .units import path_ids


class FiguresError(ValueError):
    """Figures we refuse: errors maps a form field ("v-<unit>-<indicator>-<group>", "note-<unit>",
    "form") to a Vietnamese message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class RowInput:
    """What a form gives for one unit: {(indicator id, group id): number or None} and a note."""
    values: dict
    note: str = ""

    @property
    def blank(self) -> bool:
        return all(v is None for v in self.values.values()) and not self.note.strip()


def entries_on(indicator_set, unit_ids, day: date) -> dict:
    """{unit id: (FigureEntry, {(indicator id, group id): value})} of the units on a day."""
    unit_ids = list(unit_ids)
    entries = {e.id: e for e in FigureEntry.select().where(
        (FigureEntry.indicator_set == indicator_set.id) & FigureEntry.unit.in_(unit_ids or [0])
        & (FigureEntry.day == day))}
    values = {entry_id: {} for entry_id in entries}
    for f in Figure.select(Figure.entry, Figure.indicator, Figure.group, Figure.value).where(
            Figure.entry.in_(list(entries) or [0])).tuples():
        values[f[0]][(f[1], f[2])] = f[3]
    return {e.unit_id: (e, values[e.id]) for e in entries.values()}


def previous_values(indicator_ids, unit_ids, day: date) -> dict:
    """{unit id: {(indicator id, group id): (value, day)}}: each unit's latest figures before `day`."""
    unit_ids, indicator_ids = list(unit_ids), list(indicator_ids)
    if not unit_ids or not indicator_ids:
        return {}
    last = (Figure.select(Figure.unit.alias("u"), Figure.indicator.alias("i"), Figure.group.alias("g"),
                          fn.MAX(Figure.day).alias("d"))
            .where(Figure.unit.in_(unit_ids) & Figure.indicator.in_(indicator_ids) & (Figure.day < day))
            .group_by(Figure.unit, Figure.indicator, Figure.group)).alias("last")
    rows = (Figure.select(Figure.unit, Figure.indicator, Figure.group, Figure.value, Figure.day)
            .join(last, on=((Figure.unit == last.c.u) & (Figure.indicator == last.c.i)
                            & (Figure.group == last.c.g) & (Figure.day == last.c.d))).tuples())
    result = {}
    for unit_id, indicator_id, group_id, value, when in rows:
        result.setdefault(unit_id, {})[(indicator_id, group_id)] = (value, _day(when))
    return result


def _day(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def save(indicator_set, entering: Unit, day: date, rows: dict, user_id: int, now: datetime, *,
         note: str = "", evidence=None) -> dict:
    """Save a form's figures: rows {unit id: RowInput} of the units `entering` enters for (itself
    and the reporting units below it). A blank row is left as it is; a filled one must be whole and
    valid, else FiguresError lists every problem and nothing is saved. Figures entered for another
    unit are marked with the unit that entered them. Then each lead unit concerned has its report of
    that day submitted (on time or late): with `note` and `evidence` for the entering unit's own
    occurrence, a line saying who entered the figures for the others. Returns the counts and whether
    the evidence was kept."""
    indicators = sets.indicators_of(indicator_set)
    groups = sets.groups_of(indicator_set)
    group_names = {g.id: g.name for g in groups}
    filled = {unit_id: row for unit_id, row in rows.items() if not row.blank}
    previous = previous_values([i.id for i in indicators if i.aggregation == "cumulative"], filled, day)
    errors = {}
    for unit_id, row in filled.items():
        found = rules.check_figures(sets.specs(indicators), [g.id for g in groups], row.values,
                                    previous.get(unit_id, {}), row.note, group_names)
        for key, message in found.items():
            errors[f"note-{unit_id}" if key == "note" else f"v-{unit_id}-{key[0]}-{key[1]}"] = message
    if errors:
        raise FiguresError(errors)
    if not filled:
        raise FiguresError({"form": "Chưa nhập số liệu nào: hãy nhập số cho ít nhất một đơn vị."})
    units = {u.id: u for u in Unit.select().where(Unit.id.in_(list(filled)))}
    counts = {"saved": 0, "unchanged": 0, "submitted": 0, "evidence_kept": False}
    wanted = [(i.id, g.id) for i in indicators for g in groups]
    with database.atomic():
        # Two people saving the same day at once: write transactions run one at a time (db.py), so
        # the second reads what the first wrote.
        existing = entries_on(indicator_set, filled, day)
        for unit_id, row in filled.items():
            entry, before = existing.get(unit_id, (None, {}))
            values = {key: row.values[key] for key in wanted if row.values.get(key) is not None}
            if entry is not None and all(before.get(k) == v for k, v in values.items()) \
                    and entry.note == row.note.strip():
                counts["unchanged"] += 1
                continue
            proxy = entering.id if entering.id != unit_id else None
            if entry is None:
                entry = FigureEntry.create(indicator_set=indicator_set, unit=unit_id, day=day, note=row.note.strip(),
                                           entered_by=user_id, entered_at=now, proxy=proxy)
            else:
                FigureEntry.update(note=row.note.strip(), entered_by=user_id, entered_at=now, proxy=proxy).where(
                    FigureEntry.id == entry.id).execute()
            (Figure.insert_many([{"entry": entry.id, "indicator": i, "group": g, "unit": unit_id, "day": day,
                                  "value": v} for (i, g), v in values.items()])
             .on_conflict(conflict_target=[Figure.indicator, Figure.group, Figure.unit, Figure.day],
                          update={Figure.value: EXCLUDED.value, Figure.entry: EXCLUDED.entry_id})
             .execute())
            _audit_entry(indicator_set, entry, units[unit_id], day, before if before else None, values, row.note,
                         indicators, group_names, user_id, now, entering if proxy else None)
            counts["saved"] += 1
        submitted, kept = _submit_reports(indicator_set, entering, [units[u] for u in filled], day, user_id, now,
                                          note, evidence)
        counts["submitted"], counts["evidence_kept"] = submitted, kept
    return counts


def _audit_entry(indicator_set, entry, unit, day, before, after, note, indicators, group_names, user_id, now,
                 proxy_unit) -> None:
    def named(values):
        if values is None:
            return None
        shown = {}
        for indicator in indicators:
            for (indicator_id, group_id), value in values.items():
                if indicator_id == indicator.id:
                    label = indicator.name + (f" – {group_names[group_id]}" if group_names.get(group_id) else "")
                    shown[label] = value
        return shown
    after_values = {**named(after), "day": day.isoformat(), "note": note.strip()}
    before_values = None if before is None else {**named(before), "day": day.isoformat(), "note": entry.note}
    by = f" (do {proxy_unit.name} nhập thay)" if proxy_unit else ""
    audit.record_change("figure_entry", entry.id, before_values, after_values, user_id=user_id, unit_id=unit.id,
                        at=now, summary=f"{'Sửa' if before else 'Nhập'} số liệu «{indicator_set.name}» ngày "
                                        f"{day:%d/%m/%Y} của {unit.name}{by}")


def _submit_reports(indicator_set, entering: Unit, units, day: date, user_id: int, now: datetime, note: str,
                    evidence) -> tuple[int, bool]:
    """Submit the open report of that day of each lead unit the saved units report through."""
    if not indicator_set.task_id:
        return 0, False
    leads = sets.lead_units(indicator_set)
    lead_ids = {lead.id for unit in units if (lead := sets.lead_of(unit, leads)) is not None}
    if not lead_ids:
        return 0, False
    occurrences.materialise(day, now.date())
    start = datetime.combine(day, time.min)
    end = start + timedelta(days=1)
    on_day = ((Occurrence.due_at >= start) & (Occurrence.due_at < end)) | (
        (Occurrence.original_due_at >= start) & (Occurrence.original_due_at < end))
    due = list(Occurrence.select(Occurrence, Assignment).join(Assignment)
               .where((Assignment.task == indicator_set.task_id) & Assignment.delegated_from.is_null()
                      & Assignment.unit.in_(list(lead_ids)) & on_day & Occurrence.submitted_at.is_null())
               .order_by(Occurrence.due_at))
    submitted, kept, done = 0, False, set()
    for occurrence in due:
        if occurrence.assignment.unit_id in done:
            continue
        done.add(occurrence.assignment.unit_id)
        own = occurrence.assignment.unit_id == entering.id
        text = note.strip() if own else ""
        if not own or not text:
            text = (text or f"Số liệu ngày {day:%d/%m/%Y} do {entering.name} nhập.")
        occurrences.submit(occurrence, user_id, text, evidence if own else None, now)
        kept = kept or (own and evidence is not None)
        submitted += 1
    return submitted, kept


def last_day(indicator_set, unit: Unit, today: date) -> date:
    """The latest day up to today with figures in the unit's subtree (today when there are none): what a
    roll-up shows first, so that a weekend or a weekly report's off days do not open on an empty page."""
    found = (FigureEntry.select(fn.MAX(FigureEntry.day)).join(Unit, on=(FigureEntry.unit == Unit.id))
             .where((FigureEntry.indicator_set == indicator_set.id) & (FigureEntry.day <= today)
                    & Unit.path.startswith(unit.path)).scalar())
    return _day(found) if found else today


def figures_by_day(indicator_set, unit: Unit, days) -> dict:
    """{day: {(indicator id, group id): sum}} of a unit and the units below it on given days: what a
    duty's page shows beside each report."""
    days = sorted(set(days))
    if not days:
        return {}
    rows = (Figure.select(Figure.day, Figure.indicator, Figure.group, fn.SUM(Figure.value))
            .join(FigureEntry).join(Unit, on=(FigureEntry.unit == Unit.id))
            .where((FigureEntry.indicator_set == indicator_set.id) & Unit.path.startswith(unit.path)
                   & Figure.day.in_(days))
            .group_by(Figure.day, Figure.indicator, Figure.group).tuples())
    result = {}
    for day, indicator_id, group_id, value in rows:
        result.setdefault(_day(day), {})[(indicator_id, group_id)] = value
    return result


# --- Roll-up -----------------------------------------------------------------------------------

@dataclass
class RollupRow:
    """One row of a roll-up: a unit's figures (its subtree's) and targets to date, per indicator and
    group. A value is None when nothing was reported for it."""
    unit: Unit
    values: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)  # to date
    year_targets: dict = field(default_factory=dict)
    last_day: date | None = None
    current: bool = False  # an entry within the period looked at
    units_reported: int = 0  # the total row: how many rows reported within the period
    units: int = 0

    @property
    def reported(self) -> bool:
        return any(v is not None for v in self.values.values())

    def value(self, indicator_id, group_id):
        return self.values.get((indicator_id, group_id))

    def rate(self, indicator_id, base_id, group_id):
        return rules.rate(self.value(indicator_id, group_id), self.value(base_id, group_id))

    def target(self, indicator_id, group_id):
        return self.targets.get((indicator_id, group_id))

    def target_rate(self, indicator_id, group_id):
        return rules.rate(self.value(indicator_id, group_id), self.target(indicator_id, group_id))

    def bar(self, indicator_id, group_id) -> float:
        """The width of the row's bar: progress against the target to date, capped at 100."""
        return min(100.0, self.target_rate(indicator_id, group_id) or 0.0)


@dataclass
class Rollup:
    indicator_set: object
    parent: Unit
    day: date
    since: date | None
    indicators: list
    groups: list
    rows: list
    total: RollupRow
    own: RollupRow | None = None  # the parent's own figures (a district's for itself), when it has any
    drill: set = field(default_factory=set)  # the rows with reporting units below them (a roll-up of their own)

    @property
    def base(self):
        return sets.base_of(self.indicators)

    @property
    def named_groups(self) -> bool:
        return sets.named(self.groups)

    @property
    def targeted(self) -> list:
        """The indicators whose targets to date are shown (the base is the denominator, not a goal)."""
        return [i for i in self.indicators if i.has_targets and not i.is_base]

    @property
    def bar_indicator(self):
        return self.targeted[0] if self.targeted else None

    def columns(self) -> list[tuple[str, object]]:
        """Per group: ("value", indicator), ("rate", indicator) against the base, ("target", indicator)
        and ("target_rate", indicator), in the indicators' order."""
        base, result = self.base, []
        for indicator in self.indicators:
            result.append(("value", indicator))
            if base is not None and indicator.id != base.id:
                result.append(("rate", indicator))
            if indicator.has_targets and not indicator.is_base:
                result += [("target", indicator), ("target_rate", indicator)]
        return result


def rollup(indicator_set, parent: Unit, day: date, since: date | None = None, rows=None) -> Rollup:
    """The set's figures as of `day` for the rows below `parent` (sets.row_units, unless given): for each
    row the sum over its subtree of each unit's latest cumulative or stock figure up to `day`, and of
    per-period figures from `since` to `day` (all up to `day` when since is None). A unit's own
    figures count only where nothing below it reported (a district for itself where its communes do
    not). Targets to date are the row unit's own. The query count does not depend on the numbers of
    units, indicators or groups."""
    indicators = sets.indicators_of(indicator_set)
    groups = sets.groups_of(indicator_set)
    reporting = sets.reporting_units(indicator_set)
    units = sets.row_units(indicator_set, parent, reporting) if rows is None else rows
    result = {u.id: RollupRow(u) for u in units}
    latest_ids = [i.id for i in indicators if i.aggregation != "period"]
    period_ids = [i.id for i in indicators if i.aggregation == "period"]
    if units and latest_ids:
        _fill(result, _latest(latest_ids, parent, day))
    if units and period_ids:
        _fill(result, _in_period(period_ids, parent, since, day))
    if units:
        _entry_days(result, indicator_set, parent, since or day, day)
    _targets(result, indicator_set, indicators, day)
    total = _total(parent, list(result.values()), indicators, groups)
    own = {parent.id: RollupRow(parent)}
    if latest_ids:
        _fill(own, _latest(latest_ids, parent, day).where(Figure.unit == parent.id), own_only=True)
    if period_ids:
        _fill(own, _in_period(period_ids, parent, since, day).where(Figure.unit == parent.id), own_only=True)
    own_row = own[parent.id] if own[parent.id].reported else None
    if own_row is not None:
        _targets(own, indicator_set, indicators, day)
    above_reporting = {unit_id for r in reporting for unit_id in path_ids(r.path)[:-1]}
    return Rollup(indicator_set, parent, day, since, indicators, groups, list(result.values()), total, own_row,
                  drill={unit_id for unit_id in result if unit_id in above_reporting})


def _latest(indicator_ids, parent: Unit, day: date):
    """Each unit's latest figure on or before `day`, per indicator and group, under `parent`:
    (unit id, its path, indicator id, group id, value)."""
    last = (Figure.select(Figure.unit.alias("u"), Figure.indicator.alias("i"), Figure.group.alias("g"),
                          fn.MAX(Figure.day).alias("d"))
            .join(Unit, on=(Figure.unit == Unit.id))
            .where(Figure.indicator.in_(indicator_ids) & (Figure.day <= day) & Unit.path.startswith(parent.path))
            .group_by(Figure.unit, Figure.indicator, Figure.group)).alias("last")
    return (Figure.select(Figure.unit, Unit.path, Figure.indicator, Figure.group, Figure.value)
            .join(last, on=((Figure.unit == last.c.u) & (Figure.indicator == last.c.i) & (Figure.group == last.c.g)
                            & (Figure.day == last.c.d)))
            .join(Unit, on=(Figure.unit == Unit.id)))


def _in_period(indicator_ids, parent: Unit, since: date | None, day: date):
    """Each unit's per-period figures summed from `since` to `day`, as _latest's."""
    condition = Figure.indicator.in_(indicator_ids) & (Figure.day <= day) & Unit.path.startswith(parent.path)
    if since is not None:
        condition &= Figure.day >= since
    return (Figure.select(Figure.unit, Unit.path, Figure.indicator, Figure.group, fn.SUM(Figure.value))
            .join(Unit, on=(Figure.unit == Unit.id)).where(condition)
            .group_by(Figure.unit, Unit.path, Figure.indicator, Figure.group))


def _rows_holding(result: dict, path: str) -> list:
    """The rows a unit's figures count in: those on its path (itself, or a unit above it). Summed
    here rather than joined in SQL on path prefixes, which compared every row with every unit."""
    return [(unit_id, result[unit_id]) for unit_id in path_ids(path) if unit_id in result]


def _fill(result: dict, figures, own_only: bool = False) -> None:
    """Add up unit figures (_latest, _in_period) into the rows: a row's own figures where nothing
    below it reported that indicator and group, else what its units below reported (own_only: its own)."""
    sums = {}  # (row id, indicator id, group id) -> [figures below, own figures, sum below, own sum]
    for unit_id, path, indicator_id, group_id, value in figures.tuples():
        for row_id, _ in _rows_holding(result, path):
            acc = sums.setdefault((row_id, indicator_id, group_id), [0, 0, 0.0, 0.0])
            own = row_id == unit_id
            acc[1 if own else 0] += 1
            acc[3 if own else 2] += value or 0
    for (row_id, indicator_id, group_id), (below_n, own_n, below, own) in sums.items():
        if own_only and own_n == 0:
            continue
        value = own if own_only else below if below_n else own
        result[row_id].values[(indicator_id, group_id)] = float(value)


def _entry_days(result: dict, indicator_set, parent: Unit, since: date, day: date) -> None:
    """Each row's latest entry day up to `day`, and whether one falls within since..day."""
    entries = (FigureEntry.select(FigureEntry.unit, Unit.path, fn.MAX(FigureEntry.day),
                                  fn.SUM(Case(None, [(FigureEntry.day >= since, 1)], 0)))
               .join(Unit, on=(FigureEntry.unit == Unit.id))
               .where((FigureEntry.indicator_set == indicator_set.id) & (FigureEntry.day <= day)
                      & Unit.path.startswith(parent.path))
               .group_by(FigureEntry.unit, Unit.path).tuples())
    for _, path, last, current in entries:
        last = _day(last)
        for _, row in _rows_holding(result, path):
            row.last_day = last if row.last_day is None else max(row.last_day, last)
            row.current = row.current or bool(current)


def _targets(result: dict, indicator_set, indicators, day: date) -> None:
    found = target_values.targets_of(indicator_set, list(result), day.year)
    parts = {}
    for (unit_id, indicator_id, group_id, part), value in found.items():
        parts.setdefault((unit_id, indicator_id, group_id), {})[part] = value
    for (unit_id, indicator_id, group_id), values in parts.items():
        row = result[unit_id]
        row.targets[(indicator_id, group_id)] = rules.target_to_date(values, indicator_set.target_period, day, day.year)
        row.year_targets[(indicator_id, group_id)] = float(sum(values.values()))


def _total(parent: Unit, rows: list, indicators, groups) -> RollupRow:
    """The Tổng cộng row: the figures of the rows that reported, and the targets of those same rows, so
    that its rates compare like with like; it says how many rows it covers."""
    total = RollupRow(parent, units=len(rows), units_reported=sum(1 for r in rows if r.current))
    for indicator in indicators:
        for group in groups:
            key = (indicator.id, group.id)
            present = [r for r in rows if r.values.get(key) is not None]
            if present:
                total.values[key] = sum(r.values[key] for r in present)
                with_target = [r.targets[key] for r in present if r.targets.get(key) is not None]
                if with_target:
                    total.targets[key] = sum(with_target)
            year = [r.year_targets[key] for r in rows if r.year_targets.get(key) is not None]
            if year:
                total.year_targets[key] = sum(year)
    days = [r.last_day for r in rows if r.last_day]
    total.last_day = max(days) if days else None
    total.current = any(r.current for r in rows)
    return total
