"""Unit tree operations: creating, moving and listing units with their materialised paths."""
from peewee import Value, fn

from .. import audit
from ..db import database
from ..models import Unit


def create_unit(name, kind, parent=None, *, actor_id=None, **fields) -> Unit:
    """Create a unit under `parent` (None: a root), audited as done by actor_id (None: the system)."""
    with database.atomic():
        unit = Unit.create(name=name, kind=kind, parent=parent, **fields)
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        unit.save(only=[Unit.path])
        audit.record("create", "unit", unit.id, user_id=actor_id, unit_id=unit.id, after=unit,
                     summary=f"Tạo đơn vị #{unit.id}: {unit.name}")
    return unit


def move_unit(unit: Unit, new_parent: Unit | None, *, actor_id=None) -> None:
    """Re-parent a unit and rewrite the paths of its whole subtree; audited as done by actor_id."""
    before = audit.snapshot(unit)
    with database.atomic():
        reparent(unit, new_parent)
        audit.record_change("unit", unit.id, before, unit, user_id=actor_id, unit_id=unit.id,
                            summary=f"Chuyển đơn vị #{unit.id}: {unit.name}")


def reparent(unit: Unit, new_parent: Unit | None) -> None:
    """Save the unit under its new parent and rewrite its subtree's paths in one statement.
    Not audited: the caller records the change (move_unit, admin save_unit)."""
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ValueError("A unit cannot move under itself or one of its descendants.")
    old_path = unit.path
    new_path = f"{new_parent.path if new_parent else '/'}{unit.id}/"
    with database.atomic():
        unit.parent = new_parent
        unit.save()
        tail = fn.SUBSTR(Unit.path, len(old_path) + 1)
        (Unit.update(path=Value(new_path).concat(tail))
         .where(Unit.path.startswith(old_path)).execute())
    unit.path = new_path


def is_inside(unit: Unit, ancestor: Unit) -> bool:
    return unit.path.startswith(ancestor.path)


def tree_order(units) -> list[tuple[Unit, int]]:
    """(unit, depth) pairs in tree order, siblings in Vietnamese alphabetical order."""
    units = list(units)
    by_parent = {}
    ids = {u.id for u in units}
    for u in units:
        key = u.parent_id if u.parent_id in ids else None
        by_parent.setdefault(key, []).append(u)
    out = []

    def walk(parent_id, depth):
        for u in sorted(by_parent.get(parent_id, []), key=lambda x: x.sort_name):
            out.append((u, depth))
            walk(u.id, depth + 1)
    walk(None, 0)
    return out
