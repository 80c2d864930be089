"""The review of a directive read from its document: "Thêm văn bản" → đọc → xem lại → lưu.

Everything the review knows travels in the form it posts: the header fields and, for each task row,
its fields, the names as the document writes them, the paragraphs it came from and what the reader
guessed (hidden fields). The server keeps nothing between two posts but the uploaded file, set aside
(core.uploads.store_pending) under a signed token. Each post rebuilds the rows, then either applies
the action asked for (add, remove, split or merge rows; show a kind's deadline fields) or validates
every row with the admin task form's own validation and saves them all in one transaction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import MultiDict

from ..forms import choices
from ..rules.deadlines import FROM_RECEIPT
from ..rules.directive_reader import deadline_of
from ..rules.directive_review import (
    DEADLINE_GUESSES,
    GUESS_NOTES,
    deadline_fields,
    header_fields,
    issue_year,
    issuer_text,
    split_text,
    task_proposal,
)
from ..rules.unit_match import EXACT, GROUP, NEAR, NONE, Matcher, NameMatch, UnitRef
from .forms import DirectiveForm, TaskForm, add_error, blank_first
from .queries import unit_choice, unit_choice_search

MAX_ROWS = 200        # tasks in one review
MAX_KEY = 9999        # row keys are small numbers: "t12-text"
MAX_NAMES = 60        # names as written, per row and role
MAX_SOURCE = 20_000   # characters of a row's source paragraphs
UNIT_FIELDS = ("lead_units", "cooperating_units")
TASK_FIELDS = ("section", "number", "text", "addressed_to", "deadline_text", "deadline_kind", "deadline_date",
               "deadline_time", "weekday", "month_day", "window_start", "window_end", "deadline_n", "counted_from",
               "working_days_only")
ACTIONS = re.compile(r"^(save|refresh|add|remove|split|merge|row)(?:-(\d{1,4}))?$")
STATUS_LABELS = {EXACT: "Khớp", NEAR: "Gần đúng, kiểm tra lại", GROUP: "Nhóm", NONE: "Không khớp đơn vị nào"}


def _signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="directive-document")


def attachment_token(stored, secret: str) -> str:
    return _signer(secret).dumps({"f": stored.stored_name, "n": stored.original_name, "s": stored.size})


def read_token(token: str, secret: str) -> dict | None:
    """The kept-aside document a token names ({stored_name, name, size}), or None if it is forged."""
    if not token or len(token) > 2000:
        return None
    try:
        data = _signer(secret).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), t) for k, t in (("f", str), ("n", str), ("s", int))):
        return None
    return {"stored_name": data["f"], "name": data["n"], "size": data["s"]}


# What a posted row's fields hold when the page did not show them (the kind's other fields).
POSTED_DEFAULTS = {"counted_from": FROM_RECEIPT}


def task_form(key: int, formdata=None, data=None) -> TaskForm:
    """The admin task form for one row: its fields named "t{key}-…", checked by the page's own token."""
    form = TaskForm(formdata=formdata, data=data if formdata is None else POSTED_DEFAULTS, prefix=f"t{key}-",
                    meta={"csrf": False})
    # One row among many: the hints the task form gives once are left out here.
    for name in ("section", "number", "text", "addressed_to", "deadline_text"):
        form[name].description = ""
    form.addressed_to.label.text = "Giao cho (nguyên văn nhóm đơn vị)"
    # The review ticks each unit itself; the task form's "whole group" shortcut is not on the page.
    form.group_parent.choices = blank_first("—", [])
    form.group_kind.data, form.group_parent.data = "", None
    return form


@dataclass
class Block:
    """The units a name as written stands for, as the row shows them."""
    written: str | None           # None: units the admin added by name
    status: str
    label: str
    units: list                   # (id, name, ticked)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")

    @property
    def to_check(self) -> bool:
        return self.status in (NEAR, NONE)

    @property
    def ticked(self) -> int:
        return sum(1 for _, _, on in self.units if on)


@dataclass
class Row:
    key: int
    form: TaskForm
    source: str = ""
    written_lead: list = field(default_factory=list)
    written_coop: list = field(default_factory=list)
    guesses: list = field(default_factory=list)
    lead_ids: list = field(default_factory=list)
    coop_ids: list = field(default_factory=list)
    add_lead: str = ""
    add_coop: str = ""
    errors: list = field(default_factory=list)     # about the row as a whole
    lead_blocks: list = field(default_factory=list)
    coop_blocks: list = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        return [GUESS_NOTES[g] for g in self.guesses if g in GUESS_NOTES]

    @property
    def title(self) -> str:
        number = (self.form.number.data or "").strip()
        return f"Nhiệm vụ {number}" if number else "Nhiệm vụ (chưa đánh số)"

    def data(self) -> dict:
        return {name: self.form[name].data for name in TASK_FIELDS}

    def field_errors(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) of every problem of the row."""
        out = [(f"row-{self.key}", "", message) for message in self.errors]
        for f in self.form:
            for message in f.errors:
                out.append((f.id, f.label.text, message))
        return out


def _lines(text, limit: int) -> list[str]:
    names = [" ".join(line.split())[:300] for line in (text or "").splitlines()]
    return list(dict.fromkeys(n for n in names if n))[:limit]


def _ids(values) -> list[int] | None:
    """Unit ids as posted; None when one of them is no id at all."""
    out = []
    for value in values[:5000]:
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            return None
        out.append(int(value))
    return list(dict.fromkeys(out))


class Review:
    """The review page's state: the header form, the rows, the units they may name, the document."""

    def __init__(self, units: list[UnitRef], unit_options: list, secret: str):
        self.units = units
        self.by_id = {u.id: u for u in units}
        self.by_name = {}
        for u in units:
            self.by_name.setdefault(u.name.casefold(), u)
        self.unit_options = unit_options
        self.secret = secret
        self.rows: list[Row] = []
        self.header: DirectiveForm | None = None
        self.issuer_written = ""
        self.issuer_match: NameMatch | None = None
        self.attachment: dict | None = None
        self.token = ""
        self.messages: list[str] = []
        self.form_errors: list[str] = []

    # --- building ----------------------------------------------------------------------------

    def from_reading(self, reading: dict, attachment=None) -> "Review":
        """The first review of what the reader found."""
        header = reading["header"]
        self.issuer_written = issuer_text(header)[:300]
        self.issuer_match = self._match_issuer(header.get("issuer_parent"), header.get("issuer"))
        issuer_id = self.issuer_match.unit_ids[0] if self.issuer_match and self.issuer_match.unit_ids else None
        self.header = self._header_form(data={**header_fields(header), "issuer": issuer_id})
        if attachment is not None:
            self.attachment = {"stored_name": attachment.stored_name, "name": attachment.original_name,
                               "size": attachment.size}
            self.token = attachment_token(attachment, self.secret)
        matcher = self.matcher()
        tasks = reading["tasks"]
        if len(tasks) > MAX_ROWS:
            self.messages.append(f"Văn bản có {len(tasks)} nhiệm vụ; chỉ {MAX_ROWS} nhiệm vụ đầu được đưa vào đây.")
        for key, task in enumerate(tasks[:MAX_ROWS]):
            proposal = task_proposal(task)
            row = Row(key, task_form(key, data=proposal.fields), proposal.source[:MAX_SOURCE],
                      proposal.written_lead[:MAX_NAMES], proposal.written_coop[:MAX_NAMES], proposal.guesses)
            row.lead_ids = self._proposed(matcher, row.written_lead)
            row.coop_ids = [i for i in self._proposed(matcher, row.written_coop) if i not in row.lead_ids]
            self.rows.append(row)
        return self

    def from_post(self, form) -> "Review":
        """The review as the page posted it."""
        self.header = self._header_form(formdata=form)
        self.issuer_written = form.get("issuer_written", "")[:300]
        token = form.get("attachment", "")
        self.attachment = read_token(token, self.secret)
        if token and self.attachment is None:
            self.form_errors.append("Không nhận ra tệp văn bản đã tải lên; hãy tải tệp lên lại nếu cần lưu kèm.")
        self.token = token if self.attachment else ""
        keys: list[int] = []
        for raw in form.getlist("row")[:MAX_ROWS]:
            if raw.isascii() and raw.isdigit() and len(raw) <= 4 and int(raw) not in keys:
                keys.append(int(raw))
        for key in keys:
            self.rows.append(self._posted_row(form, key))
        return self

    def _posted_row(self, form, key: int) -> Row:
        prefix = f"t{key}-"
        own = MultiDict([(k, v) for k, v in form.items(multi=True)
                         if k.startswith(prefix) and k[len(prefix):] not in UNIT_FIELDS])
        row = Row(key, task_form(key, formdata=own), form.get(prefix + "source", "")[:MAX_SOURCE],
                  _lines(form.get(prefix + "written_lead"), MAX_NAMES), _lines(form.get(prefix + "written_coop"), MAX_NAMES),
                  [g for g in form.get(prefix + "guesses", "").split()[:20] if g in GUESS_NOTES],
                  add_lead=" ".join(form.get(prefix + "add_lead", "").split())[:200],
                  add_coop=" ".join(form.get(prefix + "add_coop", "").split())[:200])
        for role, name in (("lead_ids", "lead_units"), ("coop_ids", "cooperating_units")):
            ids = _ids(form.getlist(prefix + name))
            if ids is None:
                row.errors.append("Danh sách đơn vị gửi lên không hợp lệ; hãy chọn lại.")
                ids = []
            gone = [i for i in ids if i not in self.by_id]
            if gone:
                row.errors.append("Có đơn vị đã chọn không còn hoạt động hoặc không tồn tại; đã bỏ ra, hãy kiểm tra lại.")
            setattr(row, role, [i for i in ids if i in self.by_id])
        return row

    def _header_form(self, formdata=None, data=None) -> DirectiveForm:
        form = DirectiveForm(formdata=formdata, data=data, prefix="d-", meta={"csrf": False})
        # The issuer is typed by name, as on the manual form: active units, and the one read.
        form.issuer.search = lambda text, limit: unit_choice_search(text, limit)
        form.issuer.lookup = lambda unit_id: unit_choice(unit_id)
        return form

    def _match_issuer(self, parent: str | None, issuer: str | None) -> NameMatch | None:
        """The issuer, looked for near the body above it when the document names one."""
        if not issuer:
            return None
        above = Matcher(self.units).match(parent) if parent else None
        context = above.unit_ids[0] if above and above.status in (EXACT, NEAR) and above.unit_ids else None
        found = Matcher(self.units, context).match(issuer)
        if found.status == NONE and parent:
            joined = Matcher(self.units, context).match(f"{issuer} {parent}")
            if joined.status != NONE:
                return joined
        return found

    def matcher(self) -> Matcher:
        issuer = self.header.issuer.data if self.header is not None else None
        return Matcher(self.units, issuer if isinstance(issuer, int) else None)

    @staticmethod
    def _proposed(matcher: Matcher, names: list[str]) -> list[int]:
        return list(dict.fromkeys(i for name in names for i in matcher.match(name).unit_ids))

    # --- actions -----------------------------------------------------------------------------

    @staticmethod
    def action_of(value: str | None) -> tuple[str, int | None]:
        m = ACTIONS.match(value or "")
        if not m:
            return "refresh", None
        return m[1], int(m[2]) if m[2] else None

    def apply(self, action: str, key: int | None) -> None:
        index = next((k for k, row in enumerate(self.rows) if row.key == key), None)
        if action == "add":
            self._add()
        elif index is None:
            return
        elif action == "remove":
            self.rows.pop(index)
        elif action == "split":
            self._split(index)
        elif action == "merge":
            self._merge(index)

    def _next_key(self) -> int | None:
        key = max((row.key for row in self.rows), default=-1) + 1
        if key > MAX_KEY or len(self.rows) >= MAX_ROWS:
            self.messages.append(f"Không thể thêm: tối đa {MAX_ROWS} nhiệm vụ mỗi lần.")
            return None
        return key

    def _add(self) -> None:
        key = self._next_key()
        if key is not None:
            fields, _ = deadline_fields({"kind": "ongoing"})
            self.rows.append(Row(key, task_form(key, data=fields), guesses=["added"]))

    def _split(self, index: int) -> None:
        row = self.rows[index]
        parts = split_text(row.form.text.data or "")
        if parts is None:
            row.errors.append("Nhiệm vụ chỉ có một câu: muốn tách ở đâu, hãy xuống dòng ở đó rồi bấm “Tách”.")
            return
        key = self._next_key()
        if key is None:
            return
        first, rest = parts
        data = {**row.data(), "text": rest, "number": ((row.form.number.data or "") + "b")[:20] if row.form.number.data else ""}
        guesses = [g for g in row.guesses if g != "added"]
        own = deadline_of(rest, issue_year(self.header.issued.data))
        if own:
            fields, deadline_guesses = deadline_fields(own)
            data.update(fields)
            guesses = [g for g in guesses if g not in DEADLINE_GUESSES] + deadline_guesses
        row.form.text.data = first
        new = Row(key, task_form(key, data=data), row.source, list(row.written_lead), list(row.written_coop),
                  list(dict.fromkeys([*guesses, "split"])), list(row.lead_ids), list(row.coop_ids))
        row.guesses = list(dict.fromkeys([*row.guesses, "split"]))
        self.rows.insert(index + 1, new)

    def _merge(self, index: int) -> None:
        if index + 1 >= len(self.rows):
            self.rows[index].errors.append("Không có nhiệm vụ nào bên dưới để gộp.")
            return
        row, below = self.rows[index], self.rows.pop(index + 1)
        row.form.text.data = "\n".join(t for t in (row.form.text.data, below.form.text.data) if t)
        row.source = "\n".join(s for s in (row.source, below.source) if s)[:MAX_SOURCE]
        row.written_lead = list(dict.fromkeys(row.written_lead + below.written_lead))[:MAX_NAMES]
        row.written_coop = list(dict.fromkeys(row.written_coop + below.written_coop))[:MAX_NAMES]
        row.lead_ids = list(dict.fromkeys(row.lead_ids + below.lead_ids))
        row.coop_ids = [i for i in dict.fromkeys(row.coop_ids + below.coop_ids) if i not in row.lead_ids]
        row.guesses = list(dict.fromkeys([*row.guesses, *below.guesses, "merged"]))

    # --- units -------------------------------------------------------------------------------

    def take_typed_units(self, report: bool) -> None:
        """Units typed in "Thêm đơn vị": ticked when the name is a unit's; otherwise an error (when
        saving) and the text stays for the admin to correct."""
        matcher = self.matcher()
        for row in self.rows:
            for typed_attr, ids_attr, label in (("add_lead", "lead_ids", "chủ trì"), ("add_coop", "coop_ids", "phối hợp")):
                typed = getattr(row, typed_attr)
                if not typed:
                    continue
                unit = self.by_name.get(typed.casefold())
                if unit is None:
                    found = matcher.match(typed)
                    unit = self.by_id.get(found.unit_ids[0]) if found.status == EXACT else None
                if unit is None:
                    if report:
                        row.errors.append(f"Không tìm thấy đơn vị {label} «{typed}»: hãy chọn một tên trong danh sách gợi ý.")
                    continue
                ids = getattr(row, ids_attr)
                if unit.id not in ids:
                    ids.append(unit.id)
                setattr(row, typed_attr, "")

    def present(self) -> None:
        """Work out what each row shows: for every name as written, its units, ticked or offered."""
        matcher = self.matcher()
        for row in self.rows:
            row.form.prepare_deadline_fields()  # the kind's own labels, in the error summary too
            row.lead_blocks = self._blocks(matcher, row.written_lead, row.lead_ids)
            row.coop_blocks = self._blocks(matcher, row.written_coop, row.coop_ids)

    def _blocks(self, matcher: Matcher, written: list[str], ticked: list[int]) -> list[Block]:
        shown: set[int] = set()
        blocks = []
        ticked_set = set(ticked)
        for name in written:
            found = matcher.match(name)
            ids = [i for i in dict.fromkeys(found.unit_ids + found.suggestions) if i not in shown and i in self.by_id]
            shown.update(ids)
            blocks.append(Block(name, found.status, found.label,
                                [(i, self.by_id[i].name, i in ticked_set) for i in ids]))
        extra = [i for i in ticked if i not in shown and i in self.by_id]
        if extra:
            blocks.append(Block(None, EXACT, "", [(i, self.by_id[i].name, True) for i in extra]))
        return blocks

    # --- checking ----------------------------------------------------------------------------

    def validate(self) -> bool:
        """The directive form's and every task form's own checks; each message beside its field."""
        self.take_typed_units(report=True)
        ok = self.header.validate()
        active = [(u.id, u.name) for u in self.units]
        for row in self.rows:
            row.form.lead_units.choices = choices(active)
            row.form.cooperating_units.choices = choices(active)
            row.form.lead_units.data = list(row.lead_ids)
            row.form.cooperating_units.data = list(row.coop_ids)
            ok = row.form.validate() and ok
            ok = ok and not row.errors
        return ok and not self.form_errors

    def task_rows(self) -> list[tuple[dict, list[int], list[int]]]:
        """(task fields, lead unit ids, cooperating unit ids) of each row, once validated."""
        return [(row.form.task_fields(), list(row.lead_ids), [i for i in row.coop_ids if i not in row.lead_ids])
                for row in self.rows]

    def refuse_row(self, index: int, message: str, field_name: str | None) -> None:
        row = self.rows[index]
        field_obj = row.form[field_name] if field_name and field_name in row.form else None
        if field_obj is not None:
            add_error(field_obj, message)
        else:
            row.errors.append(message)

    def all_errors(self) -> list[tuple[str, str]]:
        """(link target, message) of every problem on the page, in page order."""
        out = [("review-form", message) for message in self.form_errors]
        for f in self.header:
            for message in f.errors:
                out.append((f.id, f"{f.label.text}: {message}"))
        for row in self.rows:
            for target, label, message in row.field_errors():
                out.append((target, f"{row.title} – {label + ': ' if label else ''}{message}"))
        return out

    @property
    def guessed_rows(self) -> int:
        return sum(1 for row in self.rows if row.notes or any(b.to_check for b in row.lead_blocks + row.coop_blocks))
