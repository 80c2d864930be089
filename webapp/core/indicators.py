"""Indicator sets (bộ chỉ tiêu báo cáo): defining them, their units, and their appendix layout.

A set belongs to a directive and names the recurring duty whose occurrences its figures fill. Its
reporting units are the duty's lead units, or (reporting_kind) the units of a kind below them, which
their lead unit may enter for. The rows of its tables at a unit are the unit's active children that
hold reporting units or targets, in their official order (Unit.position, then alphabetically).
"""
from dataclasses import dataclass
from datetime import datetime

from peewee import IntegrityError

from ..db import database
from ..models import (
    AGGREGATIONS,
    TARGET_PERIODS,
    UNIT_KINDS,
    AppendixColumn,
    Assignment,
    Directive,
    Figure,
    FigureEntry,
    Indicator,
    IndicatorGroup,
    IndicatorSet,
    Target,
    Task,
    Unit,
)
from ..rules import appendix, indicators as rules
from ..rules.deadlines import RECURRING
from ..rules.input import InputError
from ..rules.vietnamese import fold
from . import audit
from .access import can_view_set
from .units import path_ids

MAX_INDICATORS = 30
MAX_GROUPS = 20


class SetError(InputError):
    """A definition we refuse, with a Vietnamese message (and the field it concerns)."""


# --- Reading a set ---------------------------------------------------------------------------

def indicators_of(indicator_set, *, with_retired: bool = False) -> list[Indicator]:
    query = Indicator.select().where(Indicator.indicator_set == indicator_set.id)
    if not with_retired:
        query = query.where(Indicator.retired == False)  # noqa: E712
    return list(query.order_by(Indicator.position, Indicator.id))


def groups_of(indicator_set) -> list[IndicatorGroup]:
    return list(IndicatorGroup.select().where(IndicatorGroup.indicator_set == indicator_set.id)
                .order_by(IndicatorGroup.position, IndicatorGroup.id))


def named(groups) -> bool:
    """Does the set disaggregate (has groups with names), or has it only its unnamed one?"""
    return any(g.name for g in groups)


def base_of(indicators) -> Indicator | None:
    return next((i for i in indicators if i.is_base), None)


def specs(indicators) -> list[rules.Spec]:
    return [rules.Spec(i.id, i.name, i.decimals, i.aggregation, i.at_most_id) for i in indicators]


def rule_kind(indicator_set) -> str | None:
    """The kind of the duty's recurrence (daily, weekly, monthly …), None without a duty."""
    return indicator_set.task.deadline_kind if indicator_set.task_id else None


def has_data(indicator_set) -> bool:
    return (FigureEntry.select().where(FigureEntry.indicator_set == indicator_set.id).exists()
            or Target.select().join(Indicator).where(Indicator.indicator_set == indicator_set.id).exists())


def set_for_task(task_id) -> IndicatorSet | None:
    return IndicatorSet.select().where(IndicatorSet.task == task_id).first() if task_id else None


def recurring_tasks():
    """The recurring duties a set may fill, with their directives, newest directive first."""
    return (Task.select(Task, Directive).join(Directive)
            .where(Task.deadline_kind.in_(sorted(RECURRING)))
            .order_by(Directive.id.desc(), Task.position, Task.id))


# --- Units ----------------------------------------------------------------------------------

def lead_units(indicator_set) -> list[Unit]:
    """The duty's lead units (the directive's own assignments); the scope when there is no duty."""
    if not indicator_set.task_id:
        return [indicator_set.scope]
    return list(Unit.select().join(Assignment, on=(Assignment.unit == Unit.id))
                .where((Assignment.task == indicator_set.task_id) & Assignment.delegated_from.is_null())
                .order_by(Unit.path))


def reporting_units(indicator_set, leads=None) -> list[Unit]:
    """Who enters the set's figures: the lead units, and with reporting_kind the active units of that
    kind below them."""
    leads = lead_units(indicator_set) if leads is None else leads
    if not indicator_set.reporting_kind or not leads:
        return list(leads)
    below = Unit.select().where((Unit.kind == indicator_set.reporting_kind) & (Unit.active == True))  # noqa: E712
    condition = None
    for lead in leads:
        inside = Unit.path.startswith(lead.path) & (Unit.id != lead.id)
        condition = inside if condition is None else condition | inside
    return list(leads) + list(below.where(condition))


def lead_of(unit: Unit, leads) -> Unit | None:
    """The lead unit a reporting unit reports through: itself, or the nearest lead above it."""
    above = [lead for lead in leads if unit.path.startswith(lead.path)]
    return max(above, key=lambda lead: len(lead.path)) if above else None


def row_units(indicator_set, parent: Unit, reporting=None) -> list[Unit]:
    """The rows of the set's tables at `parent`: its active children holding a reporting unit (or
    being one) or having targets of the set, in the official order."""
    reporting = reporting_units(indicator_set) if reporting is None else reporting
    children = list(Unit.select().where((Unit.parent == parent.id) & (Unit.active == True)))  # noqa: E712
    with_targets = {row.unit_id for row in Target.select(Target.unit).distinct().join(Indicator).where(
        (Indicator.indicator_set == indicator_set.id) & Target.unit.in_([c.id for c in children] or [0]))}
    holding = {unit_id for u in reporting for unit_id in path_ids(u.path)}  # they and every unit above them
    rows = [c for c in children if c.id in with_targets or c.id in holding]
    return sorted(rows, key=lambda u: u.order_key)


def is_reporting(unit: Unit, reporting) -> bool:
    return any(u.id == unit.id for u in reporting)


def entry_units(indicator_set, unit: Unit, reporting=None) -> list[Unit]:
    """The units a unit enters figures for on its own form: itself when it reports, and the reporting
    units below it (a district for its communes that do not report), in tree order."""
    reporting = reporting_units(indicator_set) if reporting is None else reporting
    own = [u for u in reporting if u.id == unit.id]
    below = sorted((u for u in reporting if u.path.startswith(unit.path) and u.id != unit.id),
                   key=lambda u: (u.path.count("/"), u.order_key))
    return own + below


# --- Who sees a set ----------------------------------------------------------------------------

def sets_for(user) -> list[IndicatorSet]:
    """The sets whose tables the user may read: admins all; others those whose scope is above, at or
    below their unit, or whose scope their province body follows (a Sở sees its province's)."""
    query = IndicatorSet.select(IndicatorSet, Directive, Unit).join(Directive).switch(IndicatorSet).join(
        Unit, on=(IndicatorSet.scope == Unit.id)).order_by(IndicatorSet.id)
    sets = list(query)
    if user.is_admin:
        return sets
    return [s for s in sets if can_view_set(user, s)]


# --- Defining a set ---------------------------------------------------------------------------

@dataclass
class IndicatorInput:
    """One row of the definition form; id None for a new indicator, blank name to delete one."""
    id: int | None
    name: str
    decimals: bool = False
    aggregation: str = "cumulative"
    at_most: int | None = None
    is_base: bool = False
    has_targets: bool = False
    retired: bool = False


@dataclass
class GroupInput:
    id: int | None
    name: str


def _check_fields(name: str, task: Task | None, directive_id: int, scope: Unit | None, reporting_kind: str,
                  target_period: str, set_id=None) -> None:
    if not name.strip():
        raise SetError("Vui lòng nhập tên bộ chỉ tiêu.", "name")
    if len(name) > 200:
        raise SetError("Tên bộ chỉ tiêu tối đa 200 ký tự.", "name")
    if scope is None:
        raise SetError("Chọn đơn vị phạm vi (đơn vị mà các dòng của phụ lục là đơn vị cấp dưới của nó).", "scope")
    if reporting_kind and reporting_kind not in UNIT_KINDS:
        raise SetError("Loại đơn vị báo cáo không hợp lệ.", "reporting_kind")
    if target_period not in TARGET_PERIODS:
        raise SetError("Kỳ giao chỉ tiêu không hợp lệ.", "target_period")
    if task is not None:
        if task.directive_id != directive_id:
            raise SetError("Nhiệm vụ báo cáo phải thuộc văn bản của bộ chỉ tiêu.", "task")
        if task.deadline_kind not in RECURRING:
            raise SetError("Chỉ chọn được nhiệm vụ báo cáo định kỳ (hằng ngày, hằng tuần, hằng tháng).", "task")
        other = IndicatorSet.select().where((IndicatorSet.task == task.id) & (IndicatorSet.id != (set_id or 0)))
        if other.exists():
            raise SetError(f"Nhiệm vụ này đã có bộ chỉ tiêu «{other.get().name}».", "task")


def create_set(directive: Directive, name: str, task: Task | None, scope: Unit | None, reporting_kind: str,
               target_period: str, *, now: datetime, actor_id=None) -> IndicatorSet:
    """A new set with its unnamed group (add groups and indicators on its page); audited. Two admins
    choosing the same duty at once: the database keeps one set per duty, the second is told."""
    try:
        with database.atomic():
            _check_fields(name, task, directive.id, scope, reporting_kind, target_period)
            indicator_set = _create(directive, name, task, scope, reporting_kind, target_period, now, actor_id)
    except IntegrityError:
        raise SetError("Nhiệm vụ này vừa được chọn cho một bộ chỉ tiêu khác.", "task") from None
    return indicator_set


def _create(directive, name, task, scope, reporting_kind, target_period, now, actor_id) -> IndicatorSet:
    with database.atomic():
        indicator_set = IndicatorSet.create(directive=directive, name=name.strip(), task=task, scope=scope,
                                            reporting_kind=reporting_kind or "", target_period=target_period,
                                            created_at=now, updated_at=now)
        IndicatorGroup.create(indicator_set=indicator_set, name="", position=1)
        audit.record("create", "indicator_set", indicator_set.id, user_id=actor_id, unit_id=scope.id, at=now,
                     after=audit.snapshot(indicator_set, SET_FIELDS),
                     summary=f"Tạo bộ chỉ tiêu #{indicator_set.id}: {indicator_set.name}")
    return indicator_set


def _hold(indicator_set) -> None:
    """Inside a write transaction (which runs alone, db.py): make sure the set still exists (an
    admin may have deleted it meanwhile)."""
    if not IndicatorSet.select().where(IndicatorSet.id == indicator_set.id).exists():
        raise SetError("Bộ chỉ tiêu này vừa bị xóa.")


SET_FIELDS = ("directive", "name", "task", "scope", "reporting_kind", "target_period", "appendix_label",
              "appendix_title")


def save_set(indicator_set: IndicatorSet, name: str, task: Task | None, scope: Unit | None, reporting_kind: str,
             target_period: str, *, now: datetime, actor_id=None) -> None:
    _check_fields(name, task, indicator_set.directive_id, scope, reporting_kind, target_period, indicator_set.id)
    if target_period != indicator_set.target_period and (
            Target.select().join(Indicator).where((Indicator.indicator_set == indicator_set.id)
                                                  & (Target.part != 0)).exists()):
        raise SetError("Đã có chỉ tiêu giao theo kỳ cũ; không đổi kỳ giao chỉ tiêu được nữa.", "target_period")
    before = audit.snapshot(indicator_set, SET_FIELDS)
    with database.atomic():
        _hold(indicator_set)
        if task is not None and task.id != indicator_set.task_id:
            _check_fields(name, task, indicator_set.directive_id, scope, reporting_kind, target_period, indicator_set.id)
        indicator_set.name, indicator_set.task, indicator_set.scope = name.strip(), task, scope
        indicator_set.reporting_kind, indicator_set.target_period = reporting_kind or "", target_period
        indicator_set.updated_at = now
        indicator_set.save()
        audit.record_change("indicator_set", indicator_set.id, before, audit.snapshot(indicator_set, SET_FIELDS),
                            user_id=actor_id, unit_id=indicator_set.scope_id, at=now,
                            summary=f"Sửa bộ chỉ tiêu #{indicator_set.id}: {indicator_set.name}")


def _used(model_field, ids) -> set:
    ids = [i for i in ids if i]
    if not ids:
        return set()
    return {row[0] for row in model_field.model.select(model_field).where(model_field.in_(ids)).distinct().tuples()}


def save_definition(indicator_set: IndicatorSet, indicator_rows: list[IndicatorInput], group_rows: list[GroupInput],
                    *, now: datetime, actor_id=None) -> None:
    """Indicators and groups from the definition form, in its order: new rows created, changed ones
    updated, blank-named ones deleted, unless they have figures or targets (refused: retire it
    instead, which keeps its data). All or nothing; SetError names the row."""
    existing = {i.id: i for i in indicators_of(indicator_set, with_retired=True)}
    groups = {g.id: g for g in groups_of(indicator_set)}
    kept = [row for row in indicator_rows if row.name.strip()]
    removed = [row.id for row in indicator_rows if not row.name.strip() and row.id in existing]
    for row in indicator_rows:
        if row.id is not None and row.id not in existing:
            raise SetError("Chỉ số không thuộc bộ chỉ tiêu này.", "indicators")
    _check_indicators(kept, existing)
    with_data = (_used(Figure.indicator, removed) | _used(Target.indicator, removed)
                 | _used(AppendixColumn.indicator, removed))
    for indicator_id in removed:
        if indicator_id in with_data:
            raise SetError(f"Chỉ số «{existing[indicator_id].name}» đã có số liệu, chỉ tiêu hoặc cột phụ lục: "
                           "không xóa được. Hãy chọn «Ngừng theo dõi» để giữ số liệu.", "indicators")
    group_kept = [row for row in group_rows if row.name.strip()]
    group_removed = [row.id for row in group_rows if not row.name.strip() and row.id in groups and groups[row.id].name]
    for row in group_rows:
        if row.id is not None and row.id not in groups:
            raise SetError("Nhóm không thuộc bộ chỉ tiêu này.", "groups")
    _check_names([row.name for row in group_kept], "nhóm", "groups")
    if len(group_kept) > MAX_GROUPS:
        raise SetError(f"Tối đa {MAX_GROUPS} nhóm.", "groups")
    group_data = _used(Figure.group, group_removed) | _used(Target.group, group_removed) | _used(
        AppendixColumn.group, group_removed)
    for group_id in group_removed:
        if group_id in group_data:
            raise SetError(f"Nhóm «{groups[group_id].name}» đã có số liệu hoặc chỉ tiêu: không xóa được.", "groups")
    before = _definition_snapshot(indicator_set)
    with database.atomic():
        _hold(indicator_set)
        _save_groups(indicator_set, groups, group_kept, group_removed)
        ids = {}
        for position, row in enumerate(kept, 1):
            fields = dict(name=row.name.strip(), decimals=row.decimals, aggregation=row.aggregation,
                          is_base=row.is_base, has_targets=row.has_targets, retired=row.retired, position=position)
            if row.id is None:
                ids[id(row)] = Indicator.create(indicator_set=indicator_set, **fields).id
            else:
                Indicator.update(**fields).where(Indicator.id == row.id).execute()
                ids[id(row)] = row.id
        for row in kept:  # "not more than" once every row has its id
            Indicator.update(at_most=row.at_most).where(Indicator.id == ids[id(row)]).execute()
        Indicator.delete().where(Indicator.id.in_(removed or [0])).execute()
        indicator_set.updated_at = now
        indicator_set.save(only=[IndicatorSet.updated_at])
        audit.record_change("indicator_set", indicator_set.id, before, _definition_snapshot(indicator_set),
                            user_id=actor_id, unit_id=indicator_set.scope_id, at=now,
                            summary=f"Sửa chỉ số, nhóm của bộ chỉ tiêu #{indicator_set.id}: {indicator_set.name}")


def _definition_snapshot(indicator_set) -> dict:
    return {"indicators": [f"{i.name} ({i.aggregation}{', thập phân' if i.decimals else ''}"
                           f"{', gốc' if i.is_base else ''}{', có chỉ tiêu' if i.has_targets else ''}"
                           f"{', ngừng theo dõi' if i.retired else ''})"
                           for i in indicators_of(indicator_set, with_retired=True)],
            "groups": [g.name for g in groups_of(indicator_set) if g.name]}


def _check_names(names, what, field) -> None:
    seen = set()
    for name in names:
        if len(name.strip()) > 200:
            raise SetError(f"Tên {what} tối đa 200 ký tự.", field)
        key = fold(name)
        if key in seen:
            raise SetError(f"Hai {what} cùng tên «{name.strip()}».", field)
        seen.add(key)


def _check_indicators(kept: list[IndicatorInput], existing: dict) -> None:
    if not [row for row in kept if not row.retired]:
        raise SetError("Bộ chỉ tiêu cần ít nhất một chỉ số đang theo dõi.", "indicators")
    if len(kept) > MAX_INDICATORS:
        raise SetError(f"Tối đa {MAX_INDICATORS} chỉ số.", "indicators")
    _check_names([row.name for row in kept], "chỉ số", "indicators")
    if sum(1 for row in kept if row.is_base) > 1:
        raise SetError("Chỉ chọn một chỉ số làm gốc tính tỷ lệ.", "indicators")
    known = {row.id for row in kept if row.id}
    for row in kept:
        if row.aggregation not in AGGREGATIONS:
            raise SetError(f"Cách cộng số liệu của chỉ số «{row.name}» không hợp lệ.", "indicators")
        if row.at_most is not None:
            if row.at_most == row.id:
                raise SetError(f"Chỉ số «{row.name}» không thể «không lớn hơn» chính nó.", "indicators")
            if row.at_most not in known:
                raise SetError(f"Chỉ số «{row.name}»: chỉ số «không lớn hơn» phải là một chỉ số đã lưu của bộ này.",
                               "indicators")
    caps = {row.id: row.at_most for row in kept if row.id}
    for start in caps:  # A ≤ B ≤ A would refuse every figure
        seen, current = set(), start
        while current in caps and caps[current] is not None:
            if current in seen:
                raise SetError("Các chỉ số «không lớn hơn» nhau thành vòng.", "indicators")
            seen.add(current)
            current = caps[current]


def _save_groups(indicator_set, groups: dict, kept: list[GroupInput], removed: list[int]) -> None:
    unnamed = [g for g in groups.values() if not g.name]
    new_rows = [row for row in kept if row.id is None]
    # The first group of a set that had none takes over its unnamed group, with its figures.
    if unnamed and new_rows and not any(g.name for g in groups.values()):
        first = new_rows.pop(0)
        first.id = unnamed[0].id
        unnamed = unnamed[1:]
    for position, row in enumerate(kept, 1):
        if row.id is None:
            row.id = IndicatorGroup.create(indicator_set=indicator_set, name=row.name.strip(), position=position).id
        else:
            IndicatorGroup.update(name=row.name.strip(), position=position).where(IndicatorGroup.id == row.id).execute()
    IndicatorGroup.delete().where(IndicatorGroup.id.in_(removed or [0])).execute()
    if not kept and not unnamed:  # no groups left: figures go to one unnamed group
        IndicatorGroup.create(indicator_set=indicator_set, name="", position=1)


def delete_set(indicator_set, *, now: datetime, actor_id=None) -> None:
    with database.atomic():
        _hold(indicator_set)
        if has_data(indicator_set):
            raise SetError("Bộ chỉ tiêu đã có chỉ tiêu hoặc số liệu: không xóa được (số liệu phải được lưu giữ).")
        before = audit.snapshot(indicator_set, SET_FIELDS)
        AppendixColumn.delete().where(AppendixColumn.indicator_set == indicator_set.id).execute()
        Indicator.update(at_most=None).where(Indicator.indicator_set == indicator_set.id).execute()
        Indicator.delete().where(Indicator.indicator_set == indicator_set.id).execute()
        IndicatorGroup.delete().where(IndicatorGroup.indicator_set == indicator_set.id).execute()
        indicator_set.delete_instance()
        audit.record("delete", "indicator_set", indicator_set.id, user_id=actor_id, unit_id=indicator_set.scope_id,
                     at=now, before=before, summary=f"Xóa bộ chỉ tiêu #{indicator_set.id}: {indicator_set.name}")


# --- The appendix mapping ---------------------------------------------------------------------

@dataclass
class ColumnInput:
    """One numbered column of the mapping form: a target (indicator, group, part) or a formula."""
    number: int
    indicator: int | None = None
    group: int | None = None
    part: int = 0
    formula: str = ""
    label: str = ""


def columns_of(indicator_set) -> list[AppendixColumn]:
    return list(AppendixColumn.select().where(AppendixColumn.indicator_set == indicator_set.id)
                .order_by(AppendixColumn.number))


def save_columns(indicator_set, rows: list[ColumnInput], label: str, title: str, *, now: datetime,
                 actor_id=None) -> None:
    """Replace the set's appendix mapping: columns numbered 1..n without gaps, each a target of an
    indicator, group and part of the year, or a formula over earlier columns. The indicators mapped
    take targets. All or nothing."""
    indicators = {i.id: i for i in indicators_of(indicator_set, with_retired=True)}
    groups = {g.id: g for g in groups_of(indicator_set)}
    allowed_parts = set(rules.parts(indicator_set.target_period)) | {0}
    rows = [row for row in rows if row.indicator or row.formula.strip() or row.label.strip()]
    if not rows:
        raise SetError("Phụ lục cần ít nhất một cột số liệu.", "columns")
    if len(rows) > appendix.MAX_COLUMNS:
        raise SetError(f"Phụ lục có tối đa {appendix.MAX_COLUMNS} cột đánh số.", "columns")
    values, sums, seen = set(), set(), {}
    for expected, row in enumerate(rows, 1):
        where = f"Cột {row.number}"
        if row.number != expected:
            raise SetError(f"Các cột phải đánh số liên tục 1, 2, 3, …: thiếu cột {expected}.", "columns")
        if len(row.label) > 300:
            raise SetError(f"{where}: tiêu đề tối đa 300 ký tự.", "columns")
        if row.formula.strip():
            if row.indicator:
                raise SetError(f"{where}: chọn chỉ số hoặc ghi công thức, không cả hai.", "columns")
            try:
                kind, _ = rules.parse_formula(row.formula, row.number, values, sums)
            except ValueError as exc:
                raise SetError(f"{where}: {exc}", "columns") from None
            if kind == "sum":
                sums.add(row.number)
            continue
        if row.indicator not in indicators:
            raise SetError(f"{where}: chọn chỉ số của bộ này (hoặc ghi công thức).", "columns")
        if row.group not in groups:
            raise SetError(f"{where}: chọn nhóm.", "columns")
        if row.part not in allowed_parts:
            raise SetError(f"{where}: kỳ không hợp lệ với cách giao chỉ tiêu {indicator_set.target_period_label.lower()}.",
                           "columns")
        key = (row.indicator, row.group, row.part)
        if key in seen:
            raise SetError(f"{where} và cột {seen[key]} cùng là một chỉ tiêu.", "columns")
        seen[key] = row.number
        values.add(row.number)
    if len(label) > 100 or len(title) > 2000:
        raise SetError("Tên hoặc tiêu đề phụ lục quá dài.", "appendix_title")
    before = {"columns": [_column_text(c, indicators, groups) for c in columns_of(indicator_set)],
              "appendix_label": indicator_set.appendix_label, "appendix_title": indicator_set.appendix_title}
    with database.atomic():
        _hold(indicator_set)
        AppendixColumn.delete().where(AppendixColumn.indicator_set == indicator_set.id).execute()
        for row in rows:
            formula = row.formula.strip()
            if formula:
                kind, operands = rules.parse_formula(formula, row.number, values, sums)
                formula = rules.formula_text(kind, operands)
            AppendixColumn.create(indicator_set=indicator_set, number=row.number, formula=formula,
                                  indicator=None if formula else row.indicator, group=None if formula else row.group,
                                  part=0 if formula else row.part, label=row.label.strip())
        targeted = {row.indicator for row in rows if row.indicator and not row.formula.strip()}
        Indicator.update(has_targets=True).where(Indicator.id.in_(targeted or [0])).execute()
        indicator_set.appendix_label, indicator_set.appendix_title = label.strip(), title.strip()
        indicator_set.updated_at = now
        indicator_set.save()
        after = {"columns": [_column_text(c, indicators, groups) for c in columns_of(indicator_set)],
                 "appendix_label": indicator_set.appendix_label, "appendix_title": indicator_set.appendix_title}
        audit.record_change("indicator_set", indicator_set.id, before, after, user_id=actor_id,
                            unit_id=indicator_set.scope_id, at=now,
                            summary=f"Sửa mẫu phụ lục của bộ chỉ tiêu #{indicator_set.id}: {indicator_set.name}")


def _column_text(column, indicators, groups) -> str:
    if column.formula:
        return f"{column.number} = {column.formula}"
    group = groups.get(column.group_id)
    indicator = indicators.get(column.indicator_id)
    return (f"{column.number}: {indicator.name if indicator else '?'}"
            f"{' – ' + group.name if group and group.name else ''} – {column.part}")


def default_columns(indicator_set, indicators, groups) -> list[ColumnInput]:
    """A first mapping for a set without one: per group, each targeted indicator's parts."""
    rows, number = [], 0
    for group in groups:
        for indicator in indicators:
            if not indicator.has_targets:
                continue
            for part in rules.parts(indicator_set.target_period) if not indicator.is_base else [0]:
                number += 1
                rows.append(ColumnInput(number, indicator.id, group.id, part))
    return rows


def layout_of(indicator_set, columns=None, indicators=None, groups=None, year_label: str = "{năm}") -> appendix.Layout:
    """The set's appendix as rules.appendix reads and writes it; the default mapping when it has none."""
    indicators = {i.id: i for i in (indicators or indicators_of(indicator_set, with_retired=True))}
    groups = {g.id: g for g in (groups or groups_of(indicator_set))}
    columns = columns if columns is not None else columns_of(indicator_set)
    if not columns:
        columns = [AppendixColumn(number=row.number, indicator=row.indicator, group=row.group, part=row.part)
                   for row in default_columns(indicator_set, list(indicators.values()), list(groups.values()))]
    values, sums, result = set(), set(), []
    for column in columns:
        if column.formula:
            kind, operands = rules.parse_formula(column.formula, column.number, values, sums)
            if kind == "sum":
                sums.add(column.number)
            result.append(appendix.Column(column.number, (kind, operands), label=column.label))
            continue
        values.add(column.number)
        indicator, group = indicators[column.indicator_id], groups[column.group_id]
        label = column.label or (f"{rules.part_label(column.part, indicator_set.target_period)}/{year_label}"
                                 if column.part else "")
        result.append(appendix.Column(column.number, None, decimals=indicator.decimals, label=label,
                                      heading=indicator.name, group=group.name))
    if not result:
        raise SetError("Bộ chỉ tiêu này chưa giao chỉ tiêu cho chỉ số nào nên chưa có phụ lục chỉ tiêu; "
                       "quản trị khai báo các cột ở «Mẫu phụ lục».")
    title = tuple(line for line in indicator_set.appendix_title.splitlines() if line.strip())
    return appendix.Layout(tuple(result), indicator_set.appendix_label or "Phụ lục",
                           title or (indicator_set.name.upper(),))


def column_keys(indicator_set, columns=None) -> dict:
    """{column number: (indicator id, group id, part)} of the mapping's value columns."""
    columns = columns if columns is not None else columns_of(indicator_set)
    if not columns:
        columns = [AppendixColumn(number=row.number, indicator=row.indicator, group=row.group, part=row.part)
                   for row in default_columns(indicator_set, indicators_of(indicator_set, with_retired=True),
                                              groups_of(indicator_set))]
    return {c.number: (c.indicator_id, c.group_id, c.part) for c in columns if not c.formula}


def reference_of(directive: Directive) -> str:
    """What an appendix is attached to: "Công văn số …/UBND-KGVX ngày 08/01/2024 của UBND tỉnh Quảng Trị"."""
    number = directive.number or ""
    if number.startswith("/"):
        number = "…" + number  # the number is left blank until the văn thư gives it
    when = ""
    if directive.issued_on:
        when = {"day": f" ngày {directive.issued_on:%d/%m/%Y}", "month": f" tháng {directive.issued_on:%m/%Y}",
                "year": f" năm {directive.issued_on:%Y}"}.get(directive.issued_precision, "")
    return f"Công văn số {number or '…'}{when} của {directive.issuer.name}"
