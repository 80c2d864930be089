"""The reads the targets and figures pages need, shaped for their templates."""
import re
from datetime import datetime, timedelta

from ..core import figures, targets
from ..core import indicators as sets
from ..core.access import can_enter_figures, can_split_targets, can_view_rollup
from ..models import Assignment, Occurrence
from ..rules import appendix, progress_sheet, status
from ..rules import indicators as rules
from ..rules.vietnamese import fold


def file_name(text: str) -> str:
    """An ASCII file name from a Vietnamese title: "Phụ lục 01" -> "phu-luc-01"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60] or "bang"


# --- The list of sets ----------------------------------------------------------------------------

def set_list(user) -> list[dict]:
    """Each set the user follows, with where its roll-up starts for them and whether they enter in it."""
    items = []
    for s in sets.sets_for(user):
        scope = s.scope
        start = scope if can_view_rollup(user, scope) else (
            user.unit if user.unit.path.startswith(scope.path) else None)
        reporting = sets.reporting_units(s)
        enters = bool(sets.entry_units(s, user.unit, reporting)) and can_enter_figures(user, user.unit, scope)
        items.append({"set": s, "rollup_unit": start, "enters": enters, "reporting": len(reporting)})
    return items


def entry_list(user) -> list[dict]:
    return [{"set": item["set"], "unit": user.unit} for item in set_list(user) if item["enters"]]


# --- A set's targets ---------------------------------------------------------------------------

def targets_table(indicator_set, user, year: int) -> dict:
    """The set's appendix for the year as the page shows it: the rows the user may see (its
    localities, in their official order), their values with sums and rates, and the totals."""
    try:
        layout = sets.layout_of(indicator_set, year_label=str(year))
    except sets.SetError as exc:
        return {"layout": None, "no_layout": str(exc), "header": [], "rows": [], "totals": None,
                "scope_rollup": can_view_rollup(user, indicator_set.scope)}
    units = [u for u in targets.appendix_units(indicator_set)
             if can_view_rollup(user, u) or can_split_targets(user, u)]
    found = dict(targets.appendix_rows(indicator_set, units, year))
    reporting = sets.reporting_units(indicator_set)
    rows, totals = [], {c.number: 0 for c in layout.columns if c.kind == "value"}
    for unit in units:
        values = found.get(unit)
        if values is not None:
            values = appendix.computed(layout, {n: v or 0 for n, v in values.items()})
            for number in totals:
                totals[number] += values.get(number) or 0
        below = any(r.path.startswith(unit.path) and r.id != unit.id for r in reporting)
        rows.append({"unit": unit, "values": values, "can_split": below and can_split_targets(user, unit),
                     "can_view": can_view_rollup(user, unit)})
    return {"layout": layout, "header": appendix.header_table(layout, year), "rows": rows,
            "totals": appendix.computed(layout, totals) if any(r["values"] for r in rows) else None,
            "scope_rollup": can_view_rollup(user, indicator_set.scope)}


# --- Split --------------------------------------------------------------------------------------

def split_context(indicator_set, unit, year: int) -> dict:
    units = sets.row_units(indicator_set, unit)
    indicators = [i for i in sets.indicators_of(indicator_set) if i.has_targets]
    groups = sets.groups_of(indicator_set)
    fields = targets.split_fields(indicator_set, indicators)
    existing = targets.targets_of(indicator_set, [u.id for u in units], year)
    field_groups = []
    for field in fields:  # the fields of one indicator side by side under its name
        if field_groups and field_groups[-1][0].id == field.indicator.id:
            field_groups[-1][1].append(field)
        else:
            field_groups.append((field.indicator, [field]))
    return {"units": units, "groups": groups, "named_groups": sets.named(groups), "fields": fields,
            "field_groups": field_groups,
            "decimals": {i.id: i.decimals for i in indicators},
            "own": targets.targets_of(indicator_set, [unit.id], year), "values": existing, "errors": {},
            "typed": None}


def split_sums(context: dict) -> None:
    values = {k: v for k, v in context["values"].items() if v is not None}
    unit_id = next(iter(context["own"]), (None,))[0]
    context["sums"] = targets.split_sums(values, context["units"], context["fields"], context["groups"])
    context["warnings"] = targets.shortfalls(context["sums"], context["own"], unit_id, context["fields"],
                                             context["groups"]) if unit_id else []


# --- The figures form ------------------------------------------------------------------------------

def entry_context(indicator_set, unit, now: datetime) -> dict:
    """Who the form has rows for, what it asks, and the unit's reports (when it leads the duty)."""
    reporting = sets.reporting_units(indicator_set)
    units = sets.entry_units(indicator_set, unit, reporting)
    assignment = None
    if indicator_set.task_id and any(u.id == unit.id for u in sets.lead_units(indicator_set)):
        assignment = Assignment.get_or_none((Assignment.task == indicator_set.task_id) & (Assignment.unit == unit.id)
                                            & Assignment.delegated_from.is_null())
    reports, default_day = [], now.date()
    if assignment is not None:
        horizon = datetime.combine(now.date() + timedelta(days=7), datetime.max.time())
        reports = list(Occurrence.select().where((Occurrence.assignment == assignment.id)
                                                 & (Occurrence.due_at <= horizon))
                       .order_by(Occurrence.due_at.desc()).limit(8))
        open_reports = [o for o in reports if o.submitted_at is None]
        if open_reports:
            default_day = open_reports[-1].due_at.date()
    return {"units": units, "indicators": sets.indicators_of(indicator_set), "groups": sets.groups_of(indicator_set),
            "assignment": assignment, "reports": [(o, status.classify(o.due_at, o.submitted_at, now))
                                                  for o in reports],
            "default_day": default_day, "typed": None}


def entry_values(indicator_set, context: dict, day) -> dict:
    unit_ids = [u.id for u in context["units"]]
    saved = figures.entries_on(indicator_set, unit_ids, day)
    cumulative = [i.id for i in context["indicators"] if i.aggregation == "cumulative"]
    occurrence = None
    if context["assignment"] is not None:
        start = datetime.combine(day, datetime.min.time())
        occurrence = (Occurrence.select().where((Occurrence.assignment == context["assignment"].id)
                                                & (Occurrence.due_at >= start)
                                                & (Occurrence.due_at < start + timedelta(days=1))).first())
    return {"saved": saved, "previous": figures.previous_values(cumulative, unit_ids, day),
            "occurrence": occurrence, "named_groups": sets.named(context["groups"]),
            "show": rules.show}


# --- Roll-up ------------------------------------------------------------------------------------

def rollup_links(result) -> dict:
    """Which rows lead to a roll-up of their own (units that report below them), and the level above."""
    scope = result.indicator_set.scope
    up = result.parent.parent if result.parent.id != scope.id and result.parent.parent_id else None
    return {"drill": result.drill, "up": up}


def column_label(kind: str, indicator, base) -> str:
    return {"value": indicator.name,
            "rate": f"Tỷ lệ % {indicator.name.lower()} so với {base.name.lower() if base else ''}",
            "target": f"Chỉ tiêu {indicator.name.lower()} đến kỳ",
            "target_rate": f"Tỷ lệ % {indicator.name.lower()} so với chỉ tiêu đến kỳ"}[kind]


def row_note(row, result) -> str:
    if not row.reported:
        return "Chưa báo cáo"
    if not row.current and row.last_day:
        return f"Chưa báo cáo kỳ này; số liệu ngày {row.last_day:%d/%m/%Y}"
    return ""


def rollup_workbook(result) -> bytes:
    """The roll-up as its Excel, the same columns as the page."""
    columns = result.columns()
    base = result.base
    groups, positions = [], {}
    for index, (kind, indicator) in enumerate(columns):
        positions[(kind, indicator.id)] = index
    sheet_columns = []
    for kind, indicator in columns:
        of = ()
        if kind == "rate":
            of = (positions[("value", indicator.id)], positions[("value", base.id)])
        elif kind == "target_rate":
            of = (positions[("value", indicator.id)], positions[("target", indicator.id)])
        sheet_columns.append(progress_sheet.SheetColumn(column_label(kind, indicator, base), kind,
                                                        indicator.decimals, of))
    groups = [(g.name, sheet_columns) for g in result.groups]

    def values(row):
        out = []
        for group in result.groups:
            cells = []
            for kind, indicator in columns:
                value = row.value(indicator.id, group.id)
                if kind == "value":
                    cells.append(value)
                elif kind == "rate":
                    rate = row.rate(indicator.id, base.id, group.id)
                    cells.append(None if rate is None else rate / 100)
                elif kind == "target":
                    cells.append(row.target(indicator.id, group.id) if value is not None else None)
                else:
                    rate = row.target_rate(indicator.id, group.id)
                    cells.append(None if rate is None else rate / 100)
            out.append(cells)
        return out

    s = result.indicator_set
    period = ""
    if result.since is not None and any(i.aggregation == "period" for i in result.indicators):
        period = f"; số trong kỳ từ ngày {result.since:%d/%m/%Y}"
    titles = [f"{s.appendix_label + ' – ' if s.appendix_label else ''}TỔNG HỢP SỐ LIỆU", s.name.upper(),
              f"{result.parent.name} – số liệu đến ngày {result.day:%d/%m/%Y}{period}"]
    rows = [progress_sheet.SheetRow(row.unit.place_name, values(row), row_note(row, result)) for row in result.rows]
    total = result.total
    total_note = f"{total.units_reported}/{total.units} đơn vị báo cáo kỳ này"
    after = []
    if result.own is not None:
        after.append(progress_sheet.SheetRow(f"{result.parent.name} (số chung của đơn vị)", values(result.own),
                                             "Đơn vị nhập cho chính mình; không cộng vào Tổng cộng"))
    return progress_sheet.build_rollup(titles, "Đơn vị", groups, rows,
                                       progress_sheet.SheetRow("Tổng cộng", values(total), total_note), after=after)
