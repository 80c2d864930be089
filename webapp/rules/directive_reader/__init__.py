"""Read a Vietnamese directive (công văn, kế hoạch, chỉ thị …) as text and propose its tasks.

    read_directive(text) -> {"header": {...}, "tasks": [...]}

Pure: standard library only, no Flask, no database. The result is a proposal for the secretariat
to review: every field the reader inferred rather than read is listed in the task's "guesses".

header: issuer, issuer_parent, number, date ("YYYY-MM-DD", "YYYY-MM" or "YYYY" as far as the
    document fills it in), place, subject, legal_bases, recipients, copies,
    signer {authority, title, name}.
tasks: ref, section (the heading of the section it sits in, "1. Sở Y tế"), text, source (the paragraphs it came from), lead and cooperating (unit names as
    written, OCR slips mended, groups such as "UBND các huyện, thị xã, thành phố" kept whole),
    deadline {kind, date, time, weekday, day, n, from, window, text}, guesses ("lead", "deadline").

Refs follow the document's own numbering, unnumbered bullets counted by position: "1.1" for the
first "-" under "1.", "II.a" for "a)" under "II.", "3" for a numbered item; a task read after the
last section joins the section headed by its unit ("1.5"); rows of a task table in an appendix get
"PL." in front; a list numbered twice gives "1-2" the second time.

What it reads (each step in its own module, its words in vocabulary.py):
    text.py      Unicode, OCR slips, markdown, HTML and web-table noise; paragraphs; sentences
    header.py    issuer, number, place and date, subject, Kính gửi, legal bases, Nơi nhận, signer
    layout.py    the outline: headings, items, elaborations ("+ …"), section statements
    units.py     unit names, and who leads, who cooperates, who is only delegated to
    timing.py    deadlines, recurrences, campaign windows
    tables.py    tasks listed in a table (TT | Nội dung | Chủ trì | Phối hợp | Thời gian)

Deadline kinds and their fields:
    fixed                   date (YYYY-MM-DD), time (HH:MM) when given
    within_month            date = last day of the month, window = [first day, last day]
    within_period           date = last day, window = [first day, last day] (a quarter, a year,
                            "từ ngày … đến ngày …", or a campaign the task falls in)
    relative_working_days   n, from ("receipt" | "issue")
    relative_days           n, from
    immediate               nothing: the admin sets the date
    ongoing                 nothing: a standing duty
    daily, weekly, monthly  time; weekday (Monday = 0) for weekly; day (of the month) for monthly;
    quarterly, half_yearly, window = the campaign the task falls in, if any
    yearly
    none                    the document gives no deadline
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .header import Header, find_closing, legal_bases, read_closing, read_header
from .layout import Node, is_boilerplate, is_statement, is_urging, outline, section_kind
from .tables import deadline_phrase, labelled_field, read_tables, units_in_cell
from .text import canon, fold, lines_of, normalise, paragraphs_of, sentences_of
from .timing import Context, Deadline, period_statement, read_deadline
from .units import cooperating_units, recipient_units, subject_of, units_heading
from .vocabulary import INFO_LABELS, PREAMBLE_OPENERS

__all__ = ["read_directive", "deadline_of"]

# A campaign bounds a recurrence only when it lasts at least one of its periods: a weekly report
# runs through a three-week campaign, a monthly one outlasts it.
INTERVAL_DAYS = {"daily": 1, "weekly": 7, "monthly": 28, "quarterly": 90, "half_yearly": 181, "yearly": 365}

_INFO_LABELS = set(INFO_LABELS)

# Recipients that name nobody in particular.
_NOBODY = {"như trên", "như kính gửi", "lưu", "lưu vt"}


@dataclass
class Scope:
    """What a section hands down to its items: its ref, its units (a heading that names them),
    its kind (task or not), its deadline and its campaign period."""
    ref: str = ""
    leads: list | None = None
    kind: str | None = None
    deadline: Deadline | None = None
    period: Deadline | None = None


@dataclass
class Draft:
    ref: str
    text: str
    source: str
    lead: list
    cooperating: list
    deadline: Deadline
    guesses: list = field(default_factory=list)
    late: bool = False  # read after the last section
    section: str = ""   # the heading of the innermost section it sits in, "1. Sở Y tế"

    def as_dict(self) -> dict:
        return {"ref": self.ref, "section": self.section, "text": self.text, "source": self.source,
                "lead": self.lead, "cooperating": self.cooperating, "deadline": self.deadline.as_dict(),
                "guesses": self.guesses}


class _Reader:
    def __init__(self, header: Header, ctx: Context):
        self.header = header
        self.ctx = ctx
        self.campaign: Deadline | None = None
        self.tasks: list[Draft] = []
        self.sections: list[tuple[str, list]] = []  # (ref, leads) of unit headings, in order
        self.titles: dict[str, str] = {}             # ref -> the section's heading, "1. Sở Y tế"
        self.tops: set[str] = set()                  # first parts of the refs given so far
        self.children: dict[str, int] = {}           # ref -> how many tasks sit right under it
        recipients = [r for r in header.recipients if canon(r).strip(" .;") not in _NOBODY]
        self.sole_recipient = recipients[0] if len(recipients) == 1 else None
        # Who a point that names nobody is for: the letter's addressees ("Chủ tịch UBND các xã" as
        # "UBND các xã"), a guess.
        self.addressees = list(dict.fromkeys(name for r in recipients for name in recipient_units(r)))
        self.letter = bool(recipients)  # a công văn: its numbered items are its addressees' duties

    # --- deadlines ------------------------------------------------------------------------------

    def deadline_for(self, text: str, scope: Scope) -> Deadline:
        """The task's own deadline, else its section's, else the campaign it falls in."""
        own = read_deadline(text, self.ctx)
        period = scope.period or self.campaign
        if own.strength in ("explicit", "event", "ongoing"):
            return own
        if own.strength == "recurring":
            if period and own.window is None and "sau khi kết thúc" not in canon(text) \
                    and _days(period.window) >= INTERVAL_DAYS[own.kind]:
                own.window = list(period.window)
            return own
        if scope.deadline is not None:
            return _copy(scope.deadline)
        if own.strength in ("immediate", "likely_ongoing"):
            return own
        if period is not None:
            return _copy(period)
        return own

    # --- sections and items ---------------------------------------------------------------------

    def walk(self, node: Node, scope: Scope) -> None:
        index = 0
        kinds: dict[str, int] = {}
        for child in node.children:
            kinds[child.kind] = kinds.get(child.kind, 0) + 1
            fields = _fields(child)
            if fields is not None and scope.kind != "non_task":
                index += 1
                self.labelled_task(child, fields, scope, index)
                continue
            if child.children and child.heading_like:
                self.enter(child, scope, kinds[child.kind])
                continue
            index += 1
            if scope.kind == "non_task":
                # Aims and funding hold no tasks, but "Giao X …" there still hands X a duty.
                index += self.item(child, scope, index, only_handed=True) - 1
                continue
            index += self.item(child, scope, index) - 1

    def enter(self, heading: Node, scope: Scope, position: int) -> None:
        """Read a section: its heading may name its units, its kind, a deadline or a period."""
        ref = _join_ref(scope.ref, heading, position)
        text = heading.text.rstrip(":").strip()
        self.titles[ref] = f"{ref}. {text}"
        leads = units_heading(text)
        kind = None if leads else section_kind(text)
        inner = Scope(ref=ref, leads=leads or scope.leads,
                      kind="task" if leads else (kind or scope.kind),
                      deadline=scope.deadline, period=scope.period)
        for statement in [text, *heading.statements]:
            period = period_statement(statement, self.ctx)
            if period:
                inner.period = period
                continue
            found = read_deadline(statement, self.ctx)
            if found.strength == "explicit" and (statement is not text or is_statement(statement)
                                                 or "(" in statement):
                found.text = " ".join(statement.split()) if statement is not text else found.text
                inner.deadline = found
        if leads:
            self.sections.append((ref, leads))
        self.walk(heading, inner)

    def item(self, node: Node, scope: Scope, index: int, only_handed: bool = False) -> int:
        """Read the tasks of one item; return how many positions of its list they take (an
        unnumbered item whose sentences name two leads becomes two tasks)."""
        ref = _join_ref(scope.ref, node, index)
        text = _flatten(node)
        source = _flatten(node, with_markers=True)
        leads = None if only_handed else scope.leads
        body = text
        if not leads and not only_handed:
            before, colon, after = node.text.partition(":")
            if colon and after.strip() and len(before) < 150:
                named = units_heading(before)
                if named:
                    leads, body = named, text.partition(":")[2].strip()
        if leads:
            self.add(Draft(ref, text, source, list(leads), cooperating_units(body, leads),
                           self.deadline_for(body, scope)), boilerplate_check=True)
            return 1
        if only_handed:
            clauses = _clauses(body)
            start = next((k for k, c in enumerate(clauses) if canon(c).startswith("giao ")), None)
            if start is None:
                return 1
            body = " ".join(clauses[start:])
        groups = _groups(body)
        if groups:
            numbered = node.label is not None or len(groups) == 1
            for k, (group_leads, coops, clauses) in enumerate(groups):
                part = " ".join(clauses)
                if len(groups) == 1:
                    draft_ref = ref
                elif numbered:
                    draft_ref = f"{ref}.{k + 1}"
                else:
                    draft_ref = _join_ref(scope.ref, node, index + k)
                whole = len(groups) == 1 and not only_handed
                self.add(Draft(draft_ref, text if whole else part, source if whole else part, group_leads,
                               _merge(cooperating_units(part, group_leads), coops, group_leads),
                               self.deadline_for(part, scope)), boilerplate_check=True)
            return 1 if numbered else len(groups)
        if scope.kind == "task" or (scope.kind is None and self.letter and not _informs(node.text)):
            # A duty that names nobody: in a letter, its addressees'; in a plan's task section, to be
            # assigned. Either way the lead is a guess.
            lead = list(self.addressees) if self.letter else []
            self.add(Draft(ref, text, source, lead, cooperating_units(body, lead), self.deadline_for(body, scope),
                           guesses=["lead"]), boilerplate_check=True)
        return 1

    def labelled_task(self, node: Node, fields: tuple, scope: Scope, index: int) -> None:
        """An item whose lead, partners and deadline are labelled lines ("- Cơ quan chủ trì: …")."""
        found, text = fields
        deadline = Deadline()
        if found.get("deadline"):
            deadline = read_deadline(deadline_phrase(found["deadline"]), self.ctx)
        if deadline.kind == "none":
            deadline = self.deadline_for(text, scope)
        lead = units_in_cell(found["lead"])
        self.add(Draft(_join_ref(scope.ref, node, index), text, _flatten(node, with_markers=True), lead,
                       _merge(units_in_cell(found.get("cooperating", "")), [], lead), deadline))

    def add(self, draft: Draft, boilerplate_check: bool = False) -> bool:
        if boilerplate_check and _only_urges(draft):
            return False
        if draft.deadline.guessed and "deadline" not in draft.guesses:
            draft.guesses.append("deadline")
        self.tasks.append(draft)
        self.tops.add(draft.ref.split(".")[0])
        if "." in draft.ref:
            parent = draft.ref.rsplit(".", 1)[0]
            self.children[parent] = self.children.get(parent, 0) + 1
        return True

    # --- what comes after the last section ------------------------------------------------------

    def closing(self, paragraphs: list[str], scope: Scope, numbered: bool = True) -> None:
        for para in paragraphs:
            kept = [s for s in sentences_of(para) if not period_statement(s)]
            if not kept:
                continue
            for group_leads, coops, clauses in _groups(" ".join(kept), require_lead_first=True):
                part = " ".join(clauses)
                draft = Draft("", part, part, group_leads,
                              _merge(cooperating_units(part, group_leads), coops, group_leads),
                              self.deadline_for(part, scope))
                urges = is_boilerplate(part) or is_urging(part)
                if urges and draft.deadline.strength not in ("explicit", "recurring"):
                    continue  # "Sở Tài chính triển khai thực hiện./.": the closing words, no task
                draft.ref = self.closing_ref(group_leads) if numbered else str(len(self.tasks) + 1)
                draft.late = numbered
                self.add(draft, boilerplate_check=True)

    def table_rows(self, rows: list, closing_start: int) -> None:
        """Tasks from the rows of task tables; a table after the signature is an appendix ("PL.")."""
        for row in rows:
            deadline = Deadline()
            if row.deadline_text:
                deadline = read_deadline(deadline_phrase(row.deadline_text), self.ctx)
            if deadline.kind == "none":
                deadline = self.deadline_for(row.text, Scope())
            elif not deadline.text:
                deadline.text = row.deadline_text
            ref = f"PL.{row.ref}" if row.line >= closing_start else row.ref
            self.add(Draft(ref, row.text, row.source, row.lead, _merge(row.cooperating, [], row.lead), deadline,
                           guesses=list(row.guesses)))

    def closing_ref(self, leads: list) -> str:
        """The ref of a task read after the last section: the next item of the section headed by
        the same units, else the next top-level number."""
        keys = {fold(name) for name in leads}
        for ref, section_leads in self.sections:
            if {fold(name) for name in section_leads} == keys:
                return f"{ref}.{self.children.get(ref, 0) + 1}"
        return str(self.next_top())

    def next_top(self) -> int:
        numbers = [int(r) for r in self.tops if r.isdigit()]
        return max(numbers) + 1 if numbers else len(self.tops) + 1


def _fields(node: Node) -> tuple[dict, str] | None:
    """({"lead": …, "cooperating": …, "deadline": …}, the task's own text) when the item labels its
    lead, on lines under it or in its own sentences; None when it names no "chủ trì"."""
    found: dict[str, str] = {}
    own: list[str] = []
    for clause in re.split(r"(?<=[.;])\s+", " ".join([node.text, *node.continuation])):
        field = labelled_field(clause)
        if field:
            found.setdefault(*field)
        else:
            own.append(clause)
    for child in node.children:
        field = labelled_field(child.text)
        if field:
            found.setdefault(*field)
        else:
            own.append(_flatten(child, with_markers=True))
    if "lead" not in found:
        return None
    return found, "\n".join(part for part in own if part.strip())


def _informs(text: str) -> bool:
    """An item that only informs: "Thời gian: …", "Địa điểm: …"."""
    label, colon, _ = text.partition(":")
    return bool(colon) and canon(label).strip() in _INFO_LABELS


def _generic(name: str) -> bool:
    """A group that names everyone ("các cơ quan, đơn vị", "UBND các xã, phường")."""
    key = f" {fold(name)} "
    return " cac " in key


def _only_urges(draft: Draft) -> bool:
    """A task that only tells everyone to get on with it: not a task."""
    if draft.deadline.strength in ("explicit", "recurring"):
        return False
    if not draft.lead or all(_generic(name) for name in draft.lead):
        return is_boilerplate(draft.text) or is_urging(draft.text)
    return False


def _copy(deadline: Deadline) -> Deadline:
    return Deadline(deadline.kind, deadline.date, deadline.time, deadline.weekday, deadline.day, deadline.n,
                    deadline.from_, list(deadline.window) if deadline.window else None, deadline.text,
                    deadline.guessed, "inherited")


def _days(window: list) -> int:
    first, last = (date.fromisoformat(d) for d in window)
    return (last - first).days + 1


def _join_ref(parent: str, node: Node, position: int) -> str:
    label = node.label or str(position)
    if node.kind == "numbered_deep" and parent:
        head = parent.split(".")
        if label.startswith(head[-1] + "."):
            return ".".join(head[:-1] + [label])
    return f"{parent}.{label}" if parent else label


def _flatten(node: Node, with_markers: bool = False) -> str:
    parts = [node.source if with_markers else node.text, *node.continuation]
    for child in node.children:
        parts.append(_flatten(child, with_markers=True))
    return "\n".join(p for p in parts if p)


def _merge(first: list, second: list, leads: list) -> list:
    seen = {fold(n) for n in leads}
    out = []
    for name in [*first, *second]:
        if fold(name) not in seen:
            seen.add(fold(name))
            out.append(name)
    return out


def _clauses(text: str) -> list[str]:
    out = []
    for sentence in sentences_of(" ".join(text.split())):
        out.extend(part.strip() for part in sentence.split("; ") if part.strip())
    return out


def _groups(text: str, require_lead_first: bool = False) -> list[tuple[list, list, list]]:
    """Split an item by the units its sentences make leads: [(leads, cooperating, clauses)].
    Clauses before the first lead go with it; "X phối hợp …" adds X to the current group's
    cooperating units. No group when no clause names a lead."""
    groups: list[list] = []
    pending: list[str] = []
    for clause in _clauses(text):
        subject = subject_of(clause)
        if subject and subject.role == "lead":
            keys = {fold(u) for u in subject.units}
            if groups and {fold(u) for u in groups[-1][0]} == keys:
                groups[-1][2].append(clause)
            else:
                groups.append([subject.units, [], pending + [clause]])
                pending = []
            continue
        if subject and subject.role == "cooperating" and groups:
            groups[-1][1].extend(subject.units)
            groups[-1][2].append(clause)
            continue
        if groups:
            groups[-1][2].append(clause)
        elif not require_lead_first:
            pending.append(clause)
    return [tuple(g) for g in groups]


def _opens_preamble(paragraph: str) -> bool:
    start = canon(paragraph[:40])
    return any(start.startswith(opener + " ") for opener in PREAMBLE_OPENERS)


def _context(header: Header) -> Context:
    if not header.date:
        return Context()
    parts = header.date.split("-")
    return Context(int(parts[0]), int(parts[1]) if len(parts) > 1 else None)


def read_directive(text: str) -> dict:
    """Read a directive's text; see the module's docstring for what comes back."""
    text = text if isinstance(text, str) else ""
    lines = lines_of(text)
    header, body_start = read_header(lines)
    closing_start, appendix = find_closing(lines, body_start)
    rows, table_lines = read_tables(normalise(text).split("\n"), body_start)
    for k in table_lines:  # a task table is read row by row, not as paragraphs
        lines[k] = ""
    read_closing(lines[closing_start:appendix], header)
    reader = _Reader(header, _context(header))
    header.legal_bases = _read_body(reader, paragraphs_of(lines[body_start:closing_start]))
    if not reader.tasks and appendix < len(lines):
        # "Quyết định ban hành Kế hoạch …": the tasks are in the plan attached after the signature.
        attached = lines[appendix:]
        _, start = read_header(attached)
        end, _ = find_closing(attached, start)
        _read_body(reader, paragraphs_of(attached[start:end]))
    reader.table_rows(rows, closing_start)
    tasks = _unique_refs(_in_order(reader.tasks))
    for task in tasks:
        task.section = _section_of(task.ref, reader.titles)
    return {"header": header.as_dict(), "tasks": [t.as_dict() for t in tasks]}


def deadline_of(text: str, year: int | None = None) -> dict | None:
    """The deadline a piece of a task states on its own (a date, a recurrence, "ngay", "thường
    xuyên" …), as read_directive gives it; None when it states none, or only hints at one."""
    found = read_deadline(text if isinstance(text, str) else "", Context(year))
    if found.strength in ("none", "likely_ongoing"):
        return None
    return found.as_dict()


def _read_body(reader: _Reader, paragraphs: list[str]) -> list[str]:
    """Read the tasks of a body into `reader`; return the legal bases its preamble cites."""
    tree = outline(paragraphs)
    if tree.structured:
        preamble = tree.preamble
        for para in [*preamble, *tree.closing]:
            for sentence in sentences_of(para):
                period = period_statement(sentence, reader.ctx)
                if period and reader.campaign is None:
                    reader.campaign = period
        reader.walk(tree.root, Scope())
        reader.closing(tree.closing, Scope())
        return legal_bases(preamble)
    intro = next((k for k, p in enumerate(paragraphs) if p.rstrip().endswith(":")), None)
    if intro is not None:
        preamble, body = paragraphs[:intro + 1], paragraphs[intro + 1:]
    else:
        preamble = [p for p in paragraphs if _opens_preamble(p)]
        body = [p for p in paragraphs if p not in preamble]
    for para in paragraphs:
        for sentence in sentences_of(para):
            period = period_statement(sentence, reader.ctx)
            if period and reader.campaign is None:
                reader.campaign = period
    reader.closing(body, Scope(), numbered=False)
    return legal_bases(preamble)


def _section_of(ref: str, titles: dict[str, str]) -> str:
    """The heading of the innermost section whose ref begins the task's ("1" for "1.2")."""
    parts = ref.split("-")[0].split(".")
    for depth in range(len(parts) - 1, 0, -1):
        title = titles.get(".".join(parts[:depth]))
        if title:
            return title
    return ""


def _unique_refs(tasks: list[Draft]) -> list[Draft]:
    """A document that numbers a list twice ("1. … 2. … 1. …") still gives each task its own ref:
    the second "1" becomes "1-2"."""
    seen: dict[str, int] = {}
    for task in tasks:
        if task.ref in seen:
            seen[task.ref] += 1
            task.ref = f"{task.ref}-{seen[task.ref]}"
        seen.setdefault(task.ref, 1)
    return tasks


def _in_order(tasks: list[Draft]) -> list[Draft]:
    """Document order, with a task read after the last section placed at the end of its section."""
    early = [t for t in tasks if not t.late]
    last: dict[str, int] = {}  # "1." -> index of the last early task under section 1
    for k, task in enumerate(early):
        parts = task.ref.split(".")
        for depth in range(1, len(parts)):
            last[".".join(parts[:depth]) + "."] = k
    after: dict[int, list] = {}
    tail = []
    for task in (t for t in tasks if t.late):
        prefix = task.ref.rsplit(".", 1)[0] + "." if "." in task.ref else None
        if prefix in last:
            after.setdefault(last[prefix], []).append(task)
        else:
            tail.append(task)
    ordered = []
    for k, task in enumerate(early):
        ordered.append(task)
        ordered.extend(after.get(k, []))
    return ordered + tail
