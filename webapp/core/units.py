"""The unit tree: creating, moving, editing and listing units with their materialised paths."""
from datetime import datetime

from peewee import SQL, Case, NodeList, Value, fn

from ..db import database, is_sqlite
from ..models import Unit
from ..rules.input import InputError
from ..rules.nd30 import abbreviation_of
from . import audit


class UnitError(InputError):
    """A unit change we refuse, with a Vietnamese message (and the form field it concerns)."""


def subtree_unit_ids(unit):
    """A subquery of the ids of a unit and all units below it, at any depth."""
    return Unit.select(Unit.id).where(Unit.path.startswith(unit.path))


def create_unit(name, kind, parent=None, *, now: datetime, actor_id=None, **fields) -> Unit:
    """Create a unit under `parent` (None: a root), audited as done by actor_id (None: the system).
    Without an abbreviation it gets the one its name suggests (nd30.abbreviation_of)."""
    if not fields.get("abbreviation"):
        fields["abbreviation"] = abbreviation_of(name)
    with database.atomic():
        unit = Unit.create(name=name, kind=kind, parent=parent, created_at=now, **fields)
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        unit.save(only=[Unit.path])
        audit.record("create", "unit", unit.id, user_id=actor_id, unit_id=unit.id, after=unit, at=now,
                     summary=f"Tạo đơn vị #{unit.id}: {unit.name}")
    return unit


def move_unit(unit: Unit, new_parent: Unit | None, *, now: datetime, actor_id=None) -> None:
    """Re-parent a unit and rewrite the paths of its whole subtree; audited as done by actor_id."""
    if message := parent_error(unit, new_parent):
        raise UnitError(message, "parent")
    before = audit.snapshot(unit)
    with database.atomic():
        _reparent(unit, new_parent)
        audit.record_change("unit", unit.id, before, unit, user_id=actor_id, unit_id=unit.id, at=now,
                            summary=f"Chuyển đơn vị #{unit.id}: {unit.name}")


def _reparent(unit: Unit, new_parent: Unit | None) -> None:
    """Save the unit under its new parent and rewrite its subtree's paths in one statement."""
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


def parent_error(unit: Unit | None, parent: Unit | None) -> str | None:
    """Why `parent` cannot be the parent of `unit` (itself or one of its descendants), else None."""
    if unit is not None and parent is not None and is_inside(parent, unit):
        return "Không thể chọn chính đơn vị này hoặc một đơn vị cấp dưới của nó làm đơn vị cấp trên."
    return None


def save_unit(unit: Unit | None, name: str, kind: str, parent: Unit | None, active: bool,
              merged_into: Unit | None, *, now: datetime, actor_id=None, abbreviation: str | None = None,
              position: int | None = None) -> Unit:
    """Create a unit, or update one and move its subtree when the parent changes; audited.

    A unit merged into another is no longer active: new work goes to the unit that absorbed it.
    `abbreviation` None leaves it as it is (a new unit: suggested from its name).
    """
    active = active and merged_into is None
    position = position or 0
    if unit is None:
        return create_unit(name, kind, parent, now=now, actor_id=actor_id, active=active, merged_into=merged_into,
                           abbreviation=abbreviation or "", position=position)
    if message := parent_error(unit, parent):
        raise UnitError(message, "parent")
    if merged_into is not None and merged_into.id == unit.id:
        raise UnitError("Không thể sáp nhập đơn vị vào chính nó.", "merged_into")
    before = audit.snapshot(unit)
    with database.atomic():
        unit.name, unit.kind, unit.active, unit.merged_into = name, kind, active, merged_into
        if abbreviation is not None:
            unit.abbreviation = abbreviation
        unit.position = position
        if unit.parent_id != (parent.id if parent else None):
            _reparent(unit, parent)  # saves the unit and rewrites the paths below it
        else:
            unit.save()
        audit.record_change("unit", unit.id, before, unit, user_id=actor_id, unit_id=unit.id, at=now,
                            summary=f"Sửa đơn vị #{unit.id}: {unit.name}")
    return unit


def group_of_sql(root: Unit | None, unit=Unit):
    """SQL for the unit a row of `unit` is counted under on the dashboard: the child of `root` it
    lies in (the path's segment after root's), root itself, the top unit (no root), or, outside
    root's subtree, the unit alone. The twin of dashboard.queries._group_of."""
    def segment_after(length: int):
        rest = fn.SUBSTR(unit.path, length + 1)
        slash = fn.INSTR(rest, "/") if is_sqlite() else fn.STRPOS(rest, "/")
        return fn.SUBSTR(rest, 1, slash - 1).cast("INTEGER")
    if root is None:
        return segment_after(1)
    return Case(None, [(unit.path == root.path, root.id),
                       (unit.path.startswith(root.path), segment_after(len(root.path)))], unit.id)


def whole_days(start, end):
    """SQL: whole days from `start` to a later `end` (timestamps), as timedelta.days counts them."""
    if is_sqlite():  # whole seconds, so that no rounding of julianday's float loses a day
        return (fn.strftime("%s", end).cast("INTEGER") - fn.strftime("%s", start).cast("INTEGER")) / 86400
    seconds = NodeList([SQL("EXTRACT(EPOCH FROM"), end - start, SQL(")")])
    return fn.FLOOR(seconds / 86400).cast("INTEGER")


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


def units_by_ids(ids) -> list[Unit]:
    ids = [i for i in ids or () if i is not None]
    return list(Unit.select().where(Unit.id.in_(ids))) if ids else []


def group_units(kind: str, parent: Unit | None) -> list[Unit]:
    """The active units of a kind in a parent's subtree (the parent included); whole tree if None."""
    query = Unit.select().where((Unit.kind == kind) & (Unit.active == True))  # noqa: E712
    if parent is not None:
        query = query.where(Unit.path.startswith(parent.path))
    return list(query.order_by(Unit.sort_name))


def lead_units(selected_ids, group_kind: str | None, group_parent_id: int | None) -> list[Unit]:
    """The selected lead units plus the group shortcut's units, each once; at least one."""
    units = {u.id: u for u in units_by_ids(selected_ids)}
    if group_parent_id and not group_kind:
        raise UnitError("Hãy chọn loại đơn vị của nhóm.", "group_kind")
    if group_kind:
        parent = Unit.get_or_none(Unit.id == group_parent_id) if group_parent_id else None
        group = group_units(group_kind, parent)
        if not group:
            raise UnitError("Không có đơn vị đang hoạt động nào thuộc loại này trong phạm vi đã chọn.",
                            "group_kind")
        units.update((u.id, u) for u in group)
    if not units:
        raise UnitError("Chọn ít nhất một đơn vị chủ trì, hoặc một nhóm đơn vị.", "lead_units")
    return list(units.values())


def shown_parent(unit: Unit) -> Unit | None:
    """The body named above a unit in its documents' header (cơ quan chủ quản): a Sở's UBND tỉnh, a
    Ban Chỉ đạo's UBND; none above a People's Committee, which is not under another body's name."""
    if unit.kind in ("ubnd_tinh", "ubnd_huyen", "ubnd_xa") or unit.parent_id is None:
        return None
    return unit.parent


_PLACE_PREFIXES = ("UBND tỉnh ", "UBND thành phố ", "UBND huyện ", "UBND thị xã ", "UBND quận ",
                   "Ủy ban nhân dân tỉnh ", "Ủy ban nhân dân thành phố ", "Ủy ban nhân dân huyện ")


def path_ids(path: str) -> list[int]:
    """The ids on a materialised path ("/1/5/23/" -> [1, 5, 23]): the units above, then the unit."""
    return [int(part) for part in path.strip("/").split("/") if part]


def document_place(unit: Unit) -> str:
    """The place a unit's documents are dated from when none is given: the name of its province or
    district ("Quảng Trị" for a Sở under UBND tỉnh Quảng Trị, "Tuần Giáo" for a body of the district)."""
    ancestor_ids = path_ids(unit.path)
    local = (Unit.select().where(Unit.id.in_(ancestor_ids) & Unit.kind.in_(("ubnd_tinh", "ubnd_huyen")))
             .order_by(fn.LENGTH(Unit.path).desc()).first())
    name = local.name if local else unit.name
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def district_of(unit: Unit) -> Unit | None:
    """The district a unit belongs to (itself if it is one), at any depth of the tree."""
    ancestor_ids = path_ids(unit.path)
    return (Unit.select().where(Unit.id.in_(ancestor_ids) & (Unit.kind == "ubnd_huyen"))
            .order_by(fn.LENGTH(Unit.path).desc()).first())
