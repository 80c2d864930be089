"""What the reader found in a directive, as the review form first shows it (pure: no Flask, no
database).

    header_fields(header)      -> the directive form's fields, as text the admin can edit
    task_proposal(task)        -> one task: the task form's fields, the names as written, the guesses
    deadline_fields(deadline)  -> the task form's deadline fields for a deadline of the reader, and the
                                  guesses it took to fit the app's kinds of deadline
    split_text(text)           -> where "Tách" cuts a task in two

The reader knows more kinds of deadline than a task can hold (a quarter, "6 tháng, năm", none at
all); each is given the nearest kind the app has, and a note says what was done. Every guess is a
token of GUESS_NOTES, kept in the form so that a re-posted row still says what to check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import deadlines as dl
from .directive_reader.text import sentences_of
from .unit_match import group_phrase

# Lengths of the task and directive columns the proposals are cut to (models.Task, models.Directive).
MAX_SECTION, MAX_NUMBER, MAX_ADDRESSED, MAX_DEADLINE_TEXT = 300, 20, 300, 300
MAX_SUBJECT, MAX_NUMBER_FIELD, MAX_PLACE, MAX_SIGNER = 2000, 100, 100, 200

# What the admin is asked to check, by token.
GUESS_NOTES = {
    "lead": "Văn bản không nêu rõ đơn vị chủ trì nhiệm vụ này: kiểm tra đơn vị chủ trì.",
    "deadline": "Thời hạn được suy ra từ lời văn, không ghi rõ: kiểm tra thời hạn.",
    "no_deadline": "Văn bản không ghi thời hạn: tạm để “Thường xuyên” (không có hạn).",
    "period": "Văn bản ghi một khoảng thời gian: hạn là ngày cuối của khoảng đó.",
    "set_date": "Văn bản ghi “ngay”, “khẩn trương”: hãy đặt ngày hạn.",
    "set_time": "Văn bản không ghi giờ nộp báo cáo: hãy nhập giờ.",
    "set_weekday": "Văn bản không ghi thứ nộp báo cáo hằng tuần: hãy chọn thứ.",
    "quarterly": "Văn bản ghi định kỳ hằng quý: chưa có loại thời hạn này, tạm để “Thường xuyên”.",
    "half_yearly": "Văn bản ghi định kỳ 6 tháng: chưa có loại thời hạn này, tạm để “Thường xuyên”.",
    "yearly": "Văn bản ghi định kỳ hằng năm: chưa có loại thời hạn này, tạm để “Thường xuyên”.",
    "split": "Tách từ một nhiệm vụ: kiểm tra nội dung, đơn vị và thời hạn.",
    "merged": "Gộp từ hai nhiệm vụ: kiểm tra nội dung, đơn vị và thời hạn.",
    "added": "Nhiệm vụ thêm tay: nhập nội dung, đơn vị và thời hạn.",
}
# Guesses about the deadline: they go when the admin changes the deadline's kind.
DEADLINE_GUESSES = {"deadline", "no_deadline", "period", "set_date", "set_time", "set_weekday", "quarterly",
                    "half_yearly", "yearly"}


def _day(iso: str | None) -> str:
    """"2024-01-15" -> "15/01/2024"; anything else -> ""."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{m[3]}/{m[2]}/{m[1]}" if m else ""


def issued_text(issued: str | None) -> str:
    """The reader's issue date ("2024-03-05", "2024-03", "2024") as the date field takes it."""
    issued = issued or ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", issued):
        return _day(issued)
    if re.fullmatch(r"\d{4}-\d{2}", issued):
        return f"{issued[5:7]}/{issued[:4]}"
    return issued if re.fullmatch(r"\d{4}", issued) else ""


def issue_year(issued: str | None) -> int | None:
    """The year of the issue date as typed in the form (dd/mm/yyyy, mm/yyyy, yyyy), if any."""
    m = re.search(r"(?<!\d)(\d{4})\s*$", issued or "")
    return int(m[1]) if m and 1900 <= int(m[1]) <= 2100 else None


def header_fields(header: dict) -> dict:
    """The directive form's fields from the reader's header (the issuer is a unit: matched apart)."""
    signer = header.get("signer") or {}
    return {
        "number": (header.get("number") or "")[:MAX_NUMBER_FIELD],
        "issued": issued_text(header.get("date")),
        "place": (header.get("place") or "")[:MAX_PLACE],
        "subject": (header.get("subject") or "")[:MAX_SUBJECT],
        "legal_bases": "\n".join(header.get("legal_bases") or []),
        "recipients": "\n".join(header.get("recipients") or []),
        "copies": "\n".join(header.get("copies") or []),
        "signing_authority": (signer.get("authority") or "")[:MAX_SIGNER],
        "signer_title": (signer.get("title") or "")[:MAX_SIGNER],
        "signer_name": (signer.get("name") or "")[:MAX_SIGNER],
        "shift_days_off": True,
        "needs_confirmation": True,
    }


def issuer_text(header: dict) -> str:
    """The issuing body as the document names it, with the body above it ("UBND HUYỆN TUẦN GIÁO
    – BAN CHỈ ĐẠO ĐỀ ÁN 06")."""
    return " – ".join(part for part in (header.get("issuer_parent"), header.get("issuer")) if part)


EMPTY_DEADLINE = {"deadline_kind": dl.ONGOING, "deadline_date": "", "deadline_time": "", "weekday": None,
                  "month_day": None, "window_start": "", "window_end": "", "deadline_n": "",
                  "counted_from": dl.FROM_RECEIPT, "working_days_only": False, "deadline_text": ""}


def deadline_fields(deadline: dict | None) -> tuple[dict, list[str]]:
    """The task form's deadline fields for one of the reader's deadlines, and the guess tokens."""
    d = deadline or {}
    kind = d.get("kind") or "none"
    fields = dict(EMPTY_DEADLINE, deadline_text=(d.get("text") or "")[:MAX_DEADLINE_TEXT])
    guesses: list[str] = []
    window = d.get("window") if isinstance(d.get("window"), list) and len(d["window"]) == 2 else None
    if kind == dl.FIXED:
        fields.update(deadline_kind=dl.FIXED, deadline_date=_day(d.get("date")), deadline_time=d.get("time") or "")
    elif kind == dl.WITHIN_MONTH:
        day = _day(d.get("date"))
        fields.update(deadline_kind=dl.WITHIN_MONTH, deadline_date=day[3:] if day else "")
    elif kind == "within_period":
        fields.update(deadline_kind=dl.FIXED, deadline_date=_day(d.get("date")))
        guesses.append("period")
    elif kind in dl.RELATIVE:
        fields.update(deadline_kind=kind, deadline_n=str(d.get("n") or ""),
                      counted_from=d.get("from") if d.get("from") in dl.COUNTED_FROM_LABELS else dl.FROM_RECEIPT)
    elif kind == dl.IMMEDIATE:
        fields.update(deadline_kind=dl.IMMEDIATE)
        guesses.append("set_date")
    elif kind == dl.ONGOING:
        pass
    elif kind in dl.RECURRING:
        day = d.get("day") if isinstance(d.get("day"), int) and 1 <= d["day"] <= 31 else None
        weekday = d.get("weekday") if isinstance(d.get("weekday"), int) and 0 <= d["weekday"] <= 6 else None
        fields.update(deadline_kind=kind, deadline_time=(d.get("time") or "") if kind != dl.MONTHLY else "",
                      weekday=weekday if kind == dl.WEEKLY else None, month_day=day if kind == dl.MONTHLY else None,
                      window_start=_day(window[0]) if window else "", window_end=_day(window[1]) if window else "",
                      working_days_only=dl.default_working_days_only(kind))
        if kind in (dl.DAILY, dl.WEEKLY) and not fields["deadline_time"]:
            guesses.append("set_time")
        if kind == dl.WEEKLY and weekday is None:
            guesses.append("set_weekday")
    elif kind in ("quarterly", "half_yearly", "yearly"):
        guesses.append(kind)
    else:
        guesses.append("no_deadline")
    return fields, guesses


@dataclass
class Proposal:
    """One task as the review form first shows it."""
    fields: dict                      # the task form's data
    source: str = ""                  # the paragraphs it came from
    written_lead: list = field(default_factory=list)
    written_coop: list = field(default_factory=list)
    guesses: list = field(default_factory=list)


def addressed_to(written_lead: list[str]) -> str:
    """"Giao cho (theo văn bản)": the group phrases among the lead names, as the document writes them."""
    return "; ".join(name for name in written_lead if group_phrase(name) is not None)[:MAX_ADDRESSED]


def task_proposal(task: dict) -> Proposal:
    """One of the reader's tasks as the review form's row."""
    deadline, guesses = deadline_fields(task.get("deadline"))
    read_guesses = [g for g in task.get("guesses") or [] if g in ("lead", "deadline")]
    lead = [str(n) for n in task.get("lead") or []]
    fields = {"section": (task.get("section") or "")[:MAX_SECTION], "number": (task.get("ref") or "")[:MAX_NUMBER],
              "text": task.get("text") or "", "addressed_to": addressed_to(lead), **deadline}
    return Proposal(fields, task.get("source") or "", lead, [str(n) for n in task.get("cooperating") or []],
                    list(dict.fromkeys(read_guesses + guesses)))


def split_text(text: str) -> tuple[str, str] | None:
    """Where "Tách" cuts a task: at its first line break, else after its first sentence; None when
    it is one sentence."""
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    if len(lines) >= 2:
        return lines[0], "\n".join(lines[1:])
    sentences = sentences_of(" ".join((text or "").split()))
    if len(sentences) >= 2:
        return sentences[0], " ".join(sentences[1:])
    return None
