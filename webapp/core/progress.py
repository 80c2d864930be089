"""The monthly report's view of the figures, as it read them before indicator sets: per group, per unit
below a parent, the beneficiaries, accounts opened and paid without cash, against the target to date.

Kept so that the report's section II goes on working until it reads the sets itself. It reads the
sets shaped like Phụ lục 01 / 2a / 2b (a base indicator and an indicator with targets, models.GROUPS
lists their groups) and maps their indicators by role: the base is `beneficiaries`, the first
indicator with targets that is not the base is `paid_cashless` (the progress measured against the
target), and the first other one is `accounts_opened`.
"""
from dataclasses import dataclass
from datetime import date

from ..models import GROUPS, Indicator, IndicatorSet, Unit
from ..rules.indicators import rate
from . import figures
from . import indicators as sets

COUNTS = ("beneficiaries", "accounts_opened", "paid_cashless")


@dataclass
class RollupRow:
    unit: Unit
    group: object
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


def shaped_set(parent: Unit) -> IndicatorSet | None:
    """The first set shaped like Phụ lục 01 whose scope is `parent` or above or below it."""
    with_base = Indicator.select(Indicator.indicator_set).where(Indicator.is_base)
    with_targets = Indicator.select(Indicator.indicator_set).where(Indicator.has_targets & ~Indicator.is_base)
    for candidate in (IndicatorSet.select(IndicatorSet, Unit).join(Unit, on=(IndicatorSet.scope == Unit.id))
                      .where(IndicatorSet.id.in_(with_base) & IndicatorSet.id.in_(with_targets))
                      .order_by(IndicatorSet.id)):
        scope = candidate.scope
        if parent.path.startswith(scope.path) or scope.path.startswith(parent.path):
            return candidate
    return None


def roles(indicators) -> dict:
    """{count name: indicator} by role (see the module's docstring)."""
    base = sets.base_of(indicators)
    progress = next((i for i in indicators if i.has_targets and not i.is_base), None)
    other = next((i for i in indicators if i not in (base, progress)), None)
    return {"beneficiaries": base, "accounts_opened": other, "paid_cashless": progress}


def rollup(parent: Unit, child_kind: str, day: date) -> dict:
    """{group: [RollupRow per child]} for the active children of `parent` of a kind, each summing the
    latest figures in its subtree as of `day` (a child's own only where nothing below it reported),
    with its own target to date; every group of models.GROUPS has its list (zeros where none)."""
    children = sorted(Unit.select().where((Unit.parent == parent.id) & (Unit.kind == child_kind)
                                          & (Unit.active == True)), key=lambda u: u.order_key)  # noqa: E712
    indicator_set = shaped_set(parent)
    table = {group: [RollupRow(c, group) for c in children] for group in GROUPS}
    if indicator_set is None or not children:
        return table
    result = figures.rollup(indicator_set, parent, day, since=day, rows=children)
    role = roles(result.indicators)
    for group in result.groups:
        rows = table.get(group.id)
        if rows is None:
            continue
        for cell, row in zip(rows, result.rows):
            for name, indicator in role.items():
                value = row.value(indicator.id, group.id) if indicator else None
                setattr(cell, name, _whole(value))
                cell.reported = cell.reported or value is not None
            paid, base = role["paid_cashless"], role["beneficiaries"]
            if paid is not None:
                cell.target_to_date = _whole(row.target(paid.id, group.id))
            if base is not None:
                cell.target_total = _whole(row.year_targets.get((base.id, group.id)))
    return table


def _whole(value):
    if value is None:
        return 0
    return int(value) if float(value).is_integer() else value


def total_of(rows: list, unit: Unit, group) -> RollupRow:
    """The Tổng cộng row of a table."""
    total = RollupRow(unit, group, reported=any(r.reported for r in rows))
    for name in (*COUNTS, "target_total", "target_to_date"):
        setattr(total, name, sum(getattr(r, name) for r in rows))
    return total
