"""Urging letters (công văn đôn đốc): made from overdue assignments a leader picks, recorded with what
they named (so the assignment pages show "đã đôn đốc ngày …"), edited, audited (no Flask)."""
from datetime import date, datetime

from peewee import chunked

from ..db import database
from ..models import Assignment, Directive, Task, Unit, UrgingItem, UrgingLetter
from ..rules import status, urging
from ..rules.input import InputError
from ..rules.workdays import WorkCalendar
from . import audit, notifications
from .access import can_sign_for
from .assignments import scoped, status_case
from .units import document_place, shown_parent

# Working days given by default to do what the letter asks.
DEFAULT_DAYS_GIVEN = 5
EDITABLE = ("number", "place", "letter_date", "new_due", "copies", "signing_authority", "signer_title",
            "signer_name")
MAX_ITEMS = 500


class UrgingError(InputError):
    """A letter we refuse to make or save, with a Vietnamese message."""


def overdue_assignments(user, now: datetime, due_soon_days: int, ids=None, directive_id=None):
    """The user's overdue assignments among `ids`, or all those of a directive."""
    query = scoped(user, None, directive_id).where(status_case(now, due_soon_days) == status.OVERDUE)
    if ids is not None:
        query = query.where(Assignment.id.in_(list(ids)))
    return list(query.order_by(Unit.sort_name, Task.position))


def _issuer(user, directives) -> Unit:
    """The directive's issuer when every item comes from directives it issued and the user may act
    for it (a leader above it, an admin); otherwise the user's own unit."""
    issuers = {d.issuer_id for d in directives}
    if len(issuers) == 1:
        issuer = Unit.get_by_id(issuers.pop())
        if can_sign_for(user, issuer):
            return issuer
    return user.unit


def _symbol(number: str) -> str:
    """"/UBND-KGVX" from a directive's "159/UBND-KGVX": the letter's number is left blank."""
    return "/" + number.split("/", 1)[1] if "/" in (number or "") else ""


def _own_symbol(issuer: Unit) -> str:
    """"/SLĐTBXH": a letter not from the directive's issuer carries its own unit's abbreviation."""
    return f"/{issuer.abbreviation}" if issuer.abbreviation else ""


def create(user, assignments: list, *, now: datetime, calendar: WorkCalendar) -> UrgingLetter:
    """Record a draft letter naming the given overdue assignments, with defaults for its free parts:
    today, a new date five working days ahead, the directive's own signer when the letter is issued
    by the directive's issuer."""
    if not assignments:
        raise UrgingError("Chưa chọn việc quá hạn nào để đôn đốc (hoặc các việc đã chọn không còn quá hạn).")
    if len(assignments) > MAX_ITEMS:
        raise UrgingError(f"Một công văn đôn đốc tối đa {MAX_ITEMS} việc; hãy lọc theo văn bản hoặc đơn vị.")
    directives = sorted({a.task.directive.id: a.task.directive for a in assignments}.values(), key=lambda d: d.id)
    issuer = _issuer(user, directives)
    same = [d for d in directives if d.issuer_id == issuer.id]
    source = same[0] if same else None
    today = now.date()
    fields = dict(
        issuer=issuer, number=_symbol(source.number) if source else _own_symbol(issuer), letter_date=today,
        new_due=calendar.add_working_days(today, DEFAULT_DAYS_GIVEN),
        place=next((d.place for d in directives if d.place), ""),
        subject=urging.subject_line([_ref(d) for d in directives]),
        copies="Như trên\nLưu: VT",
        signing_authority=source.signing_authority if source else "",
        signer_title=source.signer_title if source else "",
        signer_name=source.signer_name if source else user.full_name,
        created_by=user.id, created_at=now)
    with database.atomic():
        letter = UrgingLetter.create(**fields)
        rows = [{"letter": letter.id, "assignment": a.id, "due_at": a.due_at,
                 "days_overdue": max(0, (now - a.due_at).days)} for a in assignments]
        for batch in chunked(rows, 200):
            UrgingItem.insert_many(batch).execute()
        audit.record("create", "urging_letter", letter.id, user_id=user.id, unit_id=issuer.id, at=now,
                     after={**audit.snapshot(letter), "items": [a.id for a in assignments]},
                     summary=f"Lập công văn đôn đốc {len(assignments)} việc quá hạn của "
                             f"{len({a.unit_id for a in assignments})} đơn vị")
        by_unit: dict = {}
        for a in assignments:
            by_unit.setdefault(a.unit_id, []).append(a)
        for late in by_unit.values():
            text = f"{issuer.name} đôn đốc ngày {today:%d/%m/%Y}" + (
                f" ({len(late)} việc quá hạn của đơn vị, đây là việc đầu tiên)" if len(late) > 1 else "")
            notifications.about_assignment("urged", late[0], text, key=f"urged:{letter.id}", now=now)
    return letter


def save(letter: UrgingLetter, values: dict, *, actor_id: int, now: datetime) -> None:
    """The leader's edits to the free parts; audited."""
    letter_date, new_due = values["letter_date"], values["new_due"]
    if new_due <= letter_date:
        raise UrgingError("Hạn mới phải sau ngày ban hành công văn.", "new_due")
    before = audit.snapshot(letter, EDITABLE)
    with database.atomic():
        for name in EDITABLE:
            setattr(letter, name, values[name])
        letter.updated_at = now
        letter.save()
        audit.record_change("urging_letter", letter.id, before, audit.snapshot(letter, EDITABLE), user_id=actor_id,
                            unit_id=letter.issuer_id, at=now, summary=f"Sửa công văn đôn đốc #{letter.id}")


def _ref(d: Directive) -> urging.DirectiveRef:
    return urging.DirectiveRef(d.number, d.issued_on, d.issued_precision, d.issuer.name, d.subject)


def items_of(letter: UrgingLetter) -> list:
    return list(UrgingItem.select(UrgingItem, Assignment, Task, Directive, Unit)
                .join(Assignment).join(Task).join(Directive)
                .switch(Assignment).join(Unit)
                .where(UrgingItem.letter == letter.id))


def content(letter: UrgingLetter) -> urging.Letter:
    """The letter's wording, from what it recorded (the figures as they were when it was made)."""
    items = items_of(letter)
    directives = sorted({i.assignment.task.directive.id: i.assignment.task.directive for i in items}.values(),
                        key=lambda d: d.id)
    units: dict = {}
    for i in items:
        task = i.assignment.task
        unit = units.setdefault(i.assignment.unit_id, urging.LateUnit(i.assignment.unit.name))
        unit.tasks.append(urging.LateTask(task.number, task.text, i.due_at, i.days_overdue, task.position,
                                          cooperating=i.assignment.role == "cooperating"))
    issuer = letter.issuer
    parent = shown_parent(issuer)
    return urging.compose(
        issuer_name=issuer.name, parent_name=parent.name if parent else "", number=letter.number,
        place=letter.place or document_place(issuer), letter_date=letter.letter_date, new_due=letter.new_due,
        directives=[_ref(d) for d in directives], units=list(units.values()),
        copies=letter.copies.splitlines(), authority=letter.signing_authority, signer_title=letter.signer_title,
        signer_name=letter.signer_name)


def file_name(letter: UrgingLetter, extension: str) -> str:
    return f"cong-van-don-doc-{letter.letter_date:%Y-%m-%d}-{letter.id}.{extension}"


def default_values(letter: UrgingLetter) -> dict:
    values = {name: getattr(letter, name) for name in EDITABLE}
    for name in ("letter_date", "new_due"):
        if isinstance(values[name], date):
            values[name] = f"{values[name]:%d/%m/%Y}"
    return values
