"""The audit log: who created, changed or deleted what, when, with the values before and after.

No Flask here. The acting user is passed explicitly (user_id / actor_id parameters) by the service
functions that write; None means the command line or the system (the demo seed). Entries are only
ever inserted: nothing in the app edits or deletes them. Call record() inside the transaction of
the change it describes, so that both are kept or neither is.
"""
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import JOIN, ForeignKeyField, Model

from ..models import (
    ASSIGNMENT_ROLES,
    COOPERATION_INPUT_KINDS,
    EXTENSION_STATES,
    ROLES,
    STATES,
    UNIT_KINDS,
    UPDATE_KINDS,
    AuditEntry,
    Unit,
    User,
)

ACTIONS = {"create": "Tạo", "update": "Sửa", "delete": "Xóa"}
OBJECT_TYPES = {
    "directive": "văn bản",
    "task": "nhiệm vụ",
    "assignment": "giao việc",
    "update": "cập nhật tiến độ",
    "occurrence": "kỳ báo cáo",
    "indicator_set": "bộ chỉ tiêu",
    "target": "chỉ tiêu",
    "figure_entry": "số liệu",
    "progress_figure": "số liệu tiến độ (phiên bản trước)",
    "unit": "đơn vị",
    "user": "người dùng",
    "monthly_report": "báo cáo tháng",
    "work_day": "ngày nghỉ, làm bù",
    "urging_letter": "công văn đôn đốc",
    "extension": "đề nghị gia hạn",
    "cooperation": "phối hợp",
    "cooperation_input": "ý kiến phối hợp",
}
# Never written to the log: secrets, and columns derived from others.
SECRET_FIELDS = frozenset({"password_hash", "calendar_token"})
DERIVED_FIELDS = frozenset({"id", "sort_name", "session_generation", "scope"})
PASSWORD_CHANGED = "đã đổi"
PASSWORD_RESET = "đã đặt lại (người dùng phải đổi khi đăng nhập)"

FIELD_LABELS = {
    "name": "Tên", "kind": "Loại", "parent": "Đơn vị cấp trên", "path": "Vị trí trong cây",
    "active": "Đang hoạt động", "merged_into": "Sáp nhập vào", "created_at": "Tạo lúc",
    "username": "Tên đăng nhập", "full_name": "Họ và tên", "role": "Vai trò", "unit": "Đơn vị",
    "must_change_password": "Phải đổi mật khẩu", "password": "Mật khẩu",
    "number": "Số", "issued_on": "Ngày ban hành", "issued_precision": "Độ chính xác ngày",
    "issuer": "Cơ quan ban hành", "place": "Địa danh", "subject": "Trích yếu",
    "legal_bases": "Căn cứ", "recipients": "Kính gửi", "copies": "Nơi nhận",
    "signing_authority": "Thẩm quyền ký", "signer_title": "Chức vụ người ký", "signer_name": "Người ký",
    "directive": "Văn bản", "section": "Mục", "position": "Thứ tự", "text": "Nội dung",
    "addressed_to": "Gửi đến", "deadline_text": "Thời hạn (nguyên văn)", "deadline_kind": "Loại thời hạn",
    "deadline_date": "Ngày hạn", "deadline_time": "Giờ hạn", "weekday": "Thứ trong tuần",
    "month_day": "Ngày trong tháng", "window_start": "Từ ngày", "window_end": "Đến ngày",
    "figures_report": "Báo cáo số liệu",
    "indicator": "Chỉ số", "part": "Kỳ trong năm (0: cả năm)", "value": "Giá trị", "proxy": "Đơn vị nhập thay",
    "scope": "Phạm vi", "reporting_kind": "Đơn vị nhập số liệu", "target_period": "Kỳ giao chỉ tiêu",
    "appendix_label": "Tên phụ lục", "appendix_title": "Tiêu đề phụ lục", "columns": "Các cột phụ lục",
    "indicators": "Chỉ số", "groups": "Nhóm",
    "task": "Nhiệm vụ", "state": "Tình trạng", "percent": "Tiến độ (%)", "due_at": "Hạn",
    "done_at": "Hoàn thành lúc", "version": "Phiên bản", "updated_at": "Cập nhật lúc",
    "occurrences_until": "Kỳ báo cáo đã tạo đến",
    "assignment": "Giao việc", "author": "Người cập nhật", "note": "Ghi chú",
    "evidence_name": "Tệp minh chứng", "evidence_path": "Tệp lưu trữ", "evidence_size": "Dung lượng tệp",
    "submitted_at": "Nộp lúc", "submitted_by": "Người nộp",
    "year": "Năm", "group": "Nhóm đối tượng", "total": "Tổng số đối tượng",
    "q1": "Quý 1", "q2": "Quý 2", "q3": "Quý 3", "q4": "Quý 4",
    "day": "Ngày", "beneficiaries": "Tổng số đối tượng", "accounts_opened": "Đã mở tài khoản",
    "paid_cashless": "Đã chi trả không dùng tiền mặt", "entered_by": "Người nhập", "entered_at": "Nhập lúc",
    "shift_days_off": "Hạn trùng ngày nghỉ dời sang ngày làm việc", "deadline_n": "Số ngày của thời hạn",
    "counted_from": "Tính từ", "working_days_only": "Chỉ ngày làm việc", "received_on": "Ngày nhận văn bản",
    "due_moved_from": "Hạn trước khi dời", "email": "E-mail", "email_reminders": "Nhận thư nhắc việc",
    "working": "Làm bù", "label": "Ghi chú", "created_by": "Người tạo",
    "letter_date": "Ngày công văn", "new_due": "Hạn mới", "opening": "Mở đầu", "items": "Việc đôn đốc",
    "needs_confirmation": "Cần xác nhận hoàn thành", "delegated_from": "Giao tiếp từ giao việc",
    "assigned_by": "Đơn vị giao", "instructions": "Nội dung giao thêm", "reported_at": "Báo cáo hoàn thành lúc",
    "original_due_at": "Hạn ban đầu", "requested_by": "Người đề nghị", "requested_at": "Đề nghị lúc",
    "due_before": "Hạn khi đề nghị", "due_requested": "Hạn xin gia hạn đến", "reason": "Lý do",
    "decided_by": "Người quyết định", "decided_at": "Quyết định lúc", "decision_note": "Ý kiến quyết định",
    "asked_again_at": "Đề nghị gửi lại lúc", "answered_at": "Gửi ý kiến lúc", "figures": "Số liệu",
    "cooperation": "Phối hợp", "occurrence": "Kỳ báo cáo", "inputs": "Số ý kiến",
}
# Stored codes shown by their Vietnamese names.
VALUE_LABELS = {"state": {**EXTENSION_STATES, **STATES}, "role": {**ROLES, **ASSIGNMENT_ROLES},
                "kind": {**UNIT_KINDS, **UPDATE_KINDS, **COOPERATION_INPUT_KINDS}}
# Foreign keys shown by the name of the unit or user they point at.
UNIT_FIELDS = frozenset({"unit", "parent", "merged_into", "issuer", "assigned_by", "scope", "proxy"})
USER_FIELDS = frozenset({"author", "submitted_by", "entered_by", "requested_by", "decided_by", "created_by"})


# --- Writing ----------------------------------------------------------------------------------

def snapshot(instance: Model, fields=None) -> dict:
    """A model instance's field values as a JSON-safe dict: dates as ISO text, foreign keys as ids,
    never a password hash or a calendar token. `fields` narrows it to some names."""
    values = {}
    for field in instance._meta.sorted_fields:
        name = field.name
        if name in SECRET_FIELDS or (fields is None and name in DERIVED_FIELDS):
            continue
        if fields is not None and name not in fields:
            continue
        value = instance.__data__.get(name)
        if isinstance(field, ForeignKeyField) and isinstance(value, Model):
            value = value.id
        values[name] = _plain(value)
    return values


def record(action, obj_type, obj_id, *, at: datetime, user_id=None, unit_id=None, before=None, after=None,
           summary="") -> AuditEntry:
    """Write one entry at `at` (the acting request's now); before/after are dicts or model
    instances (snapshotted), or None."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return AuditEntry.create(
        at=at, user=user_id, action=action, object_type=obj_type, object_id=obj_id,
        unit=unit_id, summary=(summary or describe(action, obj_type, obj_id))[:300],
        before=_dump(before), after=_dump(after))


def record_change(obj_type, obj_id, before, after, **kwargs) -> AuditEntry | None:
    """Record a create (no before), a delete (no after) or an update; nothing when nothing changed."""
    before, after = _values(before), _values(after)
    if before is None and after is None:
        return None
    action = "create" if before is None else "delete" if after is None else "update"
    if action == "update" and before == after:
        return None
    return record(action, obj_type, obj_id, before=before, after=after, **kwargs)


def describe(action, obj_type, obj_id) -> str:
    """The default summary: 'Sửa nhiệm vụ #12'."""
    number = f" #{obj_id}" if obj_id is not None else ""
    return f"{ACTIONS[action]} {OBJECT_TYPES.get(obj_type, obj_type)}{number}"


def _values(value) -> dict | None:
    if value is None:
        return None
    if isinstance(value, Model):
        return snapshot(value)
    return {k: _plain(v) for k, v in value.items() if k not in SECRET_FIELDS}


def _dump(value) -> str | None:
    values = _values(value)
    return None if values is None else json.dumps(values, ensure_ascii=False)


def _plain(value):
    """A value JSON can hold: dates and times as ISO text, models as their ids."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Model):
        return value.id
    return value


# --- Reading ----------------------------------------------------------------------------------

@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


def entries(user_id=None, unit: Unit | None = None, object_type=None, object_id=None,
            start: date | None = None, end: date | None = None):
    """The log, newest first, narrowed by actor, unit subtree, object and day range (inclusive)."""
    query = (AuditEntry.select(AuditEntry, User, Unit)
             .join(User, JOIN.LEFT_OUTER).switch(AuditEntry).join(Unit, JOIN.LEFT_OUTER))
    if user_id:
        query = query.where(AuditEntry.user == user_id)
    if unit is not None:
        query = query.where(AuditEntry.unit.in_(Unit.select(Unit.id).where(Unit.path.startswith(unit.path))))
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    if start:
        query = query.where(AuditEntry.at >= datetime.combine(start, time.min))
    if end:
        query = query.where(AuditEntry.at < datetime.combine(end + timedelta(days=1), time.min))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def values_of(entry: AuditEntry) -> tuple[dict, dict]:
    """The entry's before and after values as dicts (empty when absent)."""
    return (json.loads(entry.before) if entry.before else {}, json.loads(entry.after) if entry.after else {})


def changes(entry: AuditEntry, names: dict | None = None) -> list[Change]:
    """The fields whose values differ between before and after, as text to show; `names`
    (from names_for) shows unit and user ids by name."""
    before, after = values_of(entry)
    fields = list(before) + [name for name in after if name not in before]
    return [Change(name, FIELD_LABELS.get(name, name), display(name, before.get(name), names),
                   display(name, after.get(name), names))
            for name in fields if before.get(name) != after.get(name)]


def names_for(entries) -> dict:
    """{"unit": {id: name}, "user": {id: name}} for the ids the entries' values point at: two queries."""
    wanted = {"unit": set(), "user": set()}
    for entry in entries:
        for values in values_of(entry):
            for field, value in values.items():
                kind = "unit" if field in UNIT_FIELDS else "user" if field in USER_FIELDS else None
                if kind and isinstance(value, int):
                    wanted[kind].add(value)
    units = Unit.select(Unit.id, Unit.name).where(Unit.id.in_(wanted["unit"])) if wanted["unit"] else []
    users = (User.select(User.id, User.username, User.full_name).where(User.id.in_(wanted["user"]))
             if wanted["user"] else [])
    return {"unit": {u.id: u.name for u in units},
            "user": {u.id: f"{u.full_name} ({u.username})" for u in users}}


def display(field: str, value, names: dict | None = None) -> str:
    """A stored value as Vietnamese text: codes and ids by name, dates dd/mm/yyyy, yes/no for booleans."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    kind = "unit" if field in UNIT_FIELDS else "user" if field in USER_FIELDS else None
    if kind and names and value in names.get(kind, {}):
        return f"{names[kind][value]} (#{value})"
    if field in VALUE_LABELS and value in VALUE_LABELS[field]:
        return VALUE_LABELS[field][value]
    if isinstance(value, str):
        return _date_text(value)
    return str(value)


def _date_text(text: str) -> str:
    """ISO dates and date-times as dd/mm/yyyy [HH:MM]; any other text unchanged."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return f"{date.fromisoformat(text):%d/%m/%Y}"
        except ValueError:
            return text
    if len(text) >= 16 and text[4] == "-" and text[10] == "T":
        try:
            return f"{datetime.fromisoformat(text):%d/%m/%Y %H:%M}"
        except ValueError:
            return text
    return text


def assignment_of(entry: AuditEntry) -> int | None:
    """The assignment an update or an occurrence entry belongs to (from its values)."""
    before, after = values_of(entry)
    return after.get("assignment") or before.get("assignment")
