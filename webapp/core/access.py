"""Who may see and change what. Every view asks here; templates never decide access.

The follow-up loop: the assigning unit of an assignment is the unit that delegated it, or for the
directive's own assignments its issuer. The people who act for a unit are its own staff and leaders,
the leaders of any unit above it, and admins: they confirm or return a reported completion and decide
extension requests. The assigned unit's own people (and admins) report progress, ask for extensions
and pass the assignment down to units of their subtree.
"""
from peewee import JOIN, fn

from ..models import Assignment, Cooperation, Directive, Task, Unit
from ..rules.deadlines import MONTHLY
from ..rules.vietnamese import fold
from .units import subtree_unit_ids


def sees_everything(user) -> bool:
    """An admin, or a leader of the tree's only top unit: every condition of scope is true, and
    left out so that the database can use the index of a list's order. Kept on the user object for
    the request."""
    if user.is_admin:
        return True
    if not user.is_leader or user.unit.parent_id is not None:
        return False
    if getattr(user, "_sees_everything", None) is None:
        user._sees_everything = not (Unit.select(Unit.id)
                                     .where(Unit.parent.is_null() & (Unit.id != user.unit_id)).exists())
    return user._sees_everything


def visible_units(user):
    """Units whose data the user may read: for leaders their subtree and the units their own
    directives are assigned to."""
    query = Unit.select()
    if sees_everything(user):
        return query
    if user.is_leader:
        issued_inside = Directive.select(Directive.id).where(Directive.issuer.in_(subtree_unit_ids(user.unit)))
        assigned_by_them = Assignment.select(Assignment.unit).join(Task).where(Task.directive.in_(issued_inside))
        return query.where(Unit.path.startswith(user.unit.path) | Unit.id.in_(assigned_by_them))
    return query.where(Unit.id == user.unit_id)


def assignment_scope(user):
    """A condition on Assignment (joined to Task) for the assignments the user may read.

    Leaders see their subtree and every assignment of a directive issued inside it, since the
    issuing body follows up its own directive.
    """
    if sees_everything(user):
        return True
    if user.is_leader:
        issued_inside = Directive.select(Directive.id).where(
            Directive.issuer.in_(subtree_unit_ids(user.unit)))
        return (Assignment.unit.in_(subtree_unit_ids(user.unit))
                | Task.directive.in_(issued_inside))
    return Assignment.unit == user.unit_id


def assigning_unit(assignment) -> Unit:
    """The unit that assigned it: the delegating unit, else the directive's issuer."""
    return assignment.assigned_by if assignment.assigned_by_id else assignment.task.directive.issuer


def acts_for(user, unit) -> bool:
    """May the user act for the unit: its own people, leaders above it, admins."""
    return (user.is_admin or user.unit_id == unit.id
            or (user.is_leader and unit.path.startswith(user.unit.path)))


def acting_units(user):
    """A subquery of the units the user acts for (None: all, for admins)."""
    if user.is_admin:
        return None
    if user.is_leader:
        return subtree_unit_ids(user.unit)
    return Unit.select(Unit.id).where(Unit.id == user.unit_id)


def decidable(user):
    """A condition on Assignment (joined to Task and Directive) for the assignments whose assigning
    unit the user acts for."""
    units = acting_units(user)
    if units is None:
        return True
    return ((Assignment.assigned_by.is_null() & Directive.issuer.in_(units))
            | Assignment.assigned_by.in_(units))


def can_view_assignment(user, assignment) -> bool:
    if user.is_admin or assignment.unit_id == user.unit_id:
        return True
    if acts_for(user, assigning_unit(assignment)):
        return True  # the assigning unit follows what it assigned
    if user.is_leader:
        prefix = user.unit.path
        return (assignment.unit.path.startswith(prefix)
                or assignment.task.directive.issuer.path.startswith(prefix))
    return False


def can_update_assignment(user, assignment) -> bool:
    """Only the assigned unit's own people (and admins) post progress."""
    return user.is_admin or assignment.unit_id == user.unit_id


def can_decide(user, assignment) -> bool:
    """Confirm or return a reported completion, decide an extension request: the assigning unit."""
    return acts_for(user, assigning_unit(assignment))


def can_delegate(user, assignment) -> bool:
    """Pass an assignment down: its holder's people, for a one-off or ongoing task."""
    return can_update_assignment(user, assignment) and not assignment.task.rule.is_recurring


# --- Cooperation ------------------------------------------------------------------------------

def lead_unit_ids(task_id) -> set[int]:
    """The units leading a task for its directive (not those it was passed down to)."""
    rows = (Assignment.select(Assignment.unit)
            .where((Assignment.task == task_id) & Assignment.delegated_from.is_null()).tuples())
    return {unit_id for (unit_id,) in rows}


def can_manage_cooperation(user, cooperation, leads: set[int]) -> bool:
    """Ask a partner (again) and set its date: the lead units' people, admins."""
    return user.is_admin or user.unit_id in leads


def can_send_input(user, cooperation) -> bool:
    return user.is_admin or user.unit_id == cooperation.unit_id


def can_view_cooperation(user, cooperation, leads: set[int]) -> bool:
    """The partner, the lead units, leaders above either or above the issuer, admins."""
    if user.is_admin or user.unit_id == cooperation.unit_id or user.unit_id in leads:
        return True
    if not user.is_leader:
        return False
    prefix = user.unit.path
    if cooperation.unit.path.startswith(prefix) or cooperation.task.directive.issuer.path.startswith(prefix):
        return True
    return Unit.select().where(Unit.id.in_(list(leads)) & Unit.path.startswith(prefix)).exists() if leads else False


def cooperation_visible(user):
    """A condition on Cooperation (joined to Task) for the cooperations the user may read: the SQL twin
    of can_view_cooperation (the partner, the lead units, leaders above either or above the issuer)."""
    if sees_everything(user):
        return True
    units = subtree_unit_ids(user.unit) if user.is_leader else [user.unit_id]
    leads_inside = fn.EXISTS(Assignment.select(Assignment.id).where(
        (Assignment.task == Cooperation.task) & Assignment.delegated_from.is_null()
        & Assignment.unit.in_(units)))
    condition = Cooperation.unit.in_(units) | leads_inside
    if user.is_leader:
        condition = condition | Task.directive.in_(Directive.select(Directive.id)
                                                   .where(Directive.issuer.in_(units)))
    return condition


def cooperation_scope(user, unit=None):
    """A condition on Cooperation (joined to Task) for the partners' side of a page: the cooperations
    of `unit`'s subtree (default: the user's unit, leaders their subtree), only those the user may read."""
    if unit is None:
        if user.is_admin:
            return True
        side = (Cooperation.unit.in_(subtree_unit_ids(user.unit)) if user.is_leader
                else Cooperation.unit == user.unit_id)
    else:
        side = Cooperation.unit.in_(subtree_unit_ids(unit))
    visible = cooperation_visible(user)
    return side if visible is True else side & visible


def visible_directives(user):
    """Directives with at least one assignment the user may read (all for admins)."""
    query = Directive.select()
    if user.is_admin:
        return query
    if sees_everything(user):  # every directive issued inside: all
        return query
    has_visible = fn.EXISTS(Assignment.select(Assignment.id).join(Task)
                            .where((Task.directive == Directive.id) & assignment_scope(user)))
    if user.is_leader:
        return query.where(Directive.issuer.in_(subtree_unit_ids(user.unit)) | has_visible)
    return query.where(has_visible)


def directive_choices(user):
    """Directives for a filter menu, newest first, reading only the columns a menu needs."""
    return (visible_directives(user)
            .select(Directive.id, Directive.number, Directive.issued_on, Directive.issued_precision,
                    Directive.subject)
            .order_by(Directive.issued_on.desc(nulls="LAST"), Directive.id.desc()))


# --- Search-as-you-type filters (a few matches, never the whole list) ---------------------------

def _matching(rows, text: str, limit: int, label) -> list:
    """The rows whose label holds every word typed, without regard to case or tone marks (đ as d)."""
    words = fold(text).split()[:8]
    return [row for row in rows if all(w in fold(label(row)) for w in words)][:limit]


def search_units(user, text: str, limit: int) -> list[Unit]:
    """Units the user may see whose name holds every word typed, at most `limit`, in Vietnamese
    alphabetical order; each with its parent's name (`parent_name`) to tell namesakes apart."""
    parent = Unit.alias()
    rows = (visible_units(user)
            .select(Unit.id, Unit.name, Unit.sort_name, Unit.parent, parent.name.alias("parent_name"))
            .join(parent, JOIN.LEFT_OUTER, on=(Unit.parent == parent.id))
            .order_by(Unit.sort_name, Unit.id).objects())
    return _matching(rows, text, limit, lambda u: u.name)


def search_directives(user, text: str, limit: int) -> list[Directive]:
    """Directives the user may see whose number or subject holds every word typed, newest first."""
    rows = (visible_directives(user).select(Directive.id, Directive.number, Directive.issued_on,
                                            Directive.issued_precision, Directive.subject)
            .order_by(Directive.issued_on.desc(nulls="LAST"), Directive.id.desc()))
    return _matching(rows, text, limit, lambda d: f"{d.number} {d.subject}")


# The province's own bodies (its sở, ban, ngành and its office) follow every locality of their
# province; its police, post office, enterprises and its districts and communes do not. An allow-list:
# a kind added to the model is no province body until it is named here.
PROVINCE_BODY_KINDS = frozenset({"so_nganh", "van_phong"})
PROVINCE_KIND = "ubnd_tinh"


def province_of_body(unit) -> Unit | None:
    """The province a unit is a body of (a Sở under its UBND tỉnh), else None."""
    parent = unit.parent if unit.parent_id else None
    if unit.kind in PROVINCE_BODY_KINDS and parent is not None and parent.kind == PROVINCE_KIND:
        return parent
    return None


def can_view_rollup(user, unit) -> bool:
    """The figures of the units below `unit` (its roll-up): the people who act for it (its own, leaders
    above it), the bodies of its province, admins. A commune does not read its neighbours' figures,
    under a district as directly under a province."""
    if user.is_admin or acts_for(user, unit):
        return True
    province = province_of_body(user.unit)
    return province is not None and unit.path.startswith(province.path)


def can_view_set(user, indicator_set) -> bool:
    """An indicator set's pages (its targets as the appendix gives them): the units inside its scope and
    the units above it, the bodies of the scope's province, admins."""
    scope, mine = indicator_set.scope, user.unit
    if user.is_admin or mine.path.startswith(scope.path) or scope.path.startswith(mine.path):
        return True
    province = province_of_body(mine)
    return province is not None and scope.path.startswith(province.path)


def can_split_targets(user, unit) -> bool:
    """Share a unit's targets among the units below it: its own people, admins."""
    return user.is_admin or user.unit_id == unit.id


def can_enter_figures(user, unit, scope) -> bool:
    """Enter a unit's figures in a set whose tables start at `scope`: admins, the unit's own people, and
    those of a unit above it inside the scope (a district for its communes), marked as such."""
    if user.is_admin:
        return True
    mine = user.unit.path
    return unit.path.startswith(mine) and mine.startswith(scope.path)


def report_coverage(unit, directive_ids):
    """The units whose work a unit's monthly report on these directives covers (a condition on Unit,
    with Task joined): its own subtree; and every unit for a directive whose consolidated monthly
    report it owes, being its issuer or a body of the issuer's province holding the directive's
    monthly duty (the Sở for the province). A commune or a district post office that holds a monthly
    duty of its own reports on its own work only."""
    if unit is None:
        return Unit.id.is_null(False)
    own = Unit.path.startswith(unit.path)
    ids = list(directive_ids) or [0]
    duty = {d for (d,) in Task.select(Task.directive).join(Assignment)
            .where((Assignment.unit == unit.id) & Assignment.delegated_from.is_null()
                   & (Task.deadline_kind == MONTHLY) & Task.directive.in_(ids)).tuples()}
    province = province_of_body(unit)
    issuers = (Directive.select(Directive.id, Directive.issuer, Unit.path)
               .join(Unit, on=(Directive.issuer == Unit.id)).where(Directive.id.in_(ids)).tuples())
    consolidated = [d for d, issuer_id, issuer_path in issuers
                    if issuer_id == unit.id
                    or (d in duty and province is not None and issuer_path.startswith(province.path))]
    return (Task.directive.in_(consolidated) | own) if consolidated else own


def can_sign_for(user, unit) -> bool:
    """Sign a document (an urging letter) in a unit's name: an admin, or a leader whose subtree holds it."""
    return user.is_admin or (user.is_leader and unit.path.startswith(user.unit.path))


def can_view_letter(user, letter) -> bool:
    """An urging letter: its author, the leaders above the unit it is from, admins."""
    return user.is_admin or letter.created_by_id == user.id or (
        user.is_leader and letter.issuer.path.startswith(user.unit.path))


def report_scope(user):
    """A condition on MonthlyReport (joined to Unit) for the reports the user may read, as
    can_view_report: admins all, leaders their subtree's, others their own unit's."""
    if user.is_admin:
        return True
    if user.is_leader:
        return Unit.path.startswith(user.unit.path)
    return Unit.id == user.unit_id


def can_view_report(user, report) -> bool:
    """A unit's monthly reports: its own people, leaders above it, admins."""
    return (user.is_admin or report.unit_id == user.unit_id
            or (user.is_leader and report.unit.path.startswith(user.unit.path)))


def can_edit_report(user, report) -> bool:
    return (user.is_admin or report.unit_id == user.unit_id) and report.submitted_at is None
