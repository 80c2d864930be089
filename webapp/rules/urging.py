"""The công văn đôn đốc (urging letter): its wording, from plain data (pure). The letter names, unit by
unit, the overdue tasks with their due dates and days overdue, and asks for them by a new date.
The same content is rendered as HTML/PDF (templates/dashboard/_letter.html) and .docx (letter_docx)."""
from dataclasses import dataclass, field
from datetime import date, datetime

from . import nd30, nd30_docx
from .deadlines import due_label
from .vietnamese import sort_key


@dataclass(frozen=True)
class LateTask:
    number: str
    text: str
    due_at: datetime
    days_overdue: int
    position: int = 0
    cooperating: bool = False   # the unit cooperates on the task (phối hợp) rather than leads it


@dataclass
class LateUnit:
    name: str
    tasks: list = field(default_factory=list)


@dataclass(frozen=True)
class DirectiveRef:
    number: str
    issued_on: date | None
    precision: str
    issuer: str
    subject: str


@dataclass
class Letter:
    header: nd30.Header
    addressees: list
    opening: str
    paragraphs: list          # (unit name, text) pairs, one per unit
    closing: str
    copies: list
    signature: nd30.Signature


def directive_name(d: DirectiveRef) -> str:
    """"Công văn số /UBND-KGVX năm 2024", "Công văn số 159/KH-UBND ngày 25/7/2023"."""
    number = d.number or "…"
    if not d.issued_on:
        when = ""
    elif d.precision == "year":
        when = f" năm {d.issued_on:%Y}"
    elif d.precision == "month":
        when = f" tháng {d.issued_on:%m/%Y}"
    else:
        when = f" ngày {d.issued_on:%d/%m/%Y}"
    return f"Công văn số {number}{when}"


def subject_line(directives: list[DirectiveRef]) -> str:
    """The công văn's "V/v" under its number."""
    return "V/v đôn đốc thực hiện " + " và ".join(f"Công văn số {d.number or '…'}" for d in directives)


def _about(subject: str) -> str:
    text = " ".join((subject or "").split())
    if text.lower().startswith("v/v "):
        text = "về việc " + text[4:]
    return text


def _days(n: int) -> str:
    return f"quá hạn {n} ngày" if n > 0 else "quá hạn chưa đến 1 ngày"


def _short(text: str, n: int = 120) -> str:
    text = " ".join((text or "").split()).rstrip(".;")
    return text if len(text) <= n else text[: n - 1].rstrip(" ,;") + "…"


def unit_paragraph(unit: LateUnit) -> str:
    """"chưa hoàn thành 2 nhiệm vụ đã quá hạn: nhiệm vụ 3.2 “…” (hạn 31/01/2024, quá hạn 48 ngày); …."
    The unit's name goes before it, in bold."""
    tasks = sorted(unit.tasks, key=lambda t: (t.position, t.number))
    parts = [f"nhiệm vụ {t.number + ' ' if t.number else ''}{'(phối hợp) ' if t.cooperating else ''}"
             f"“{_short(t.text)}” (hạn {due_label(t.due_at)}, {_days(t.days_overdue)})" for t in tasks]
    count = "1 nhiệm vụ" if len(tasks) == 1 else f"{len(tasks)} nhiệm vụ"
    return f": chưa hoàn thành {count} đã quá hạn: " + "; ".join(parts) + "."


def compose(*, issuer_name: str, parent_name: str, number: str, place: str, letter_date: date, new_due: date,
            directives: list[DirectiveRef], units: list[LateUnit], copies: list[str], authority: str,
            signer_title: str, signer_name: str) -> Letter:
    units = sorted(units, key=lambda u: sort_key(u.name))
    refs = " và ".join(directive_name(d) for d in directives)
    first = directives[0] if directives else None
    about = f" {_about(first.subject)}" if first and len(directives) == 1 and first.subject else ""
    by = f" của {first.issuer}" if first and len({d.issuer for d in directives}) == 1 else ""
    opening = (f"Thực hiện {refs}{by}{about}, đến ngày {letter_date:%d/%m/%Y}, các đơn vị sau đây chưa hoàn "
               f"thành nhiệm vụ được giao đúng thời hạn:")
    whom = units[0].name if len(units) == 1 else "các đơn vị nêu trên"
    closing = (f"Để bảo đảm tiến độ thực hiện {refs}, {issuer_name} đề nghị {whom} khẩn trương hoàn thành "
               f"các nhiệm vụ nêu trên, báo cáo kết quả thực hiện về {issuer_name} trước ngày "
               f"{new_due:%d/%m/%Y}. Quá thời hạn này, đơn vị nào chưa hoàn thành phải báo cáo, giải trình rõ "
               f"lý do bằng văn bản./.")
    header = nd30.Header(parent=nd30.parent_line(parent_name), issuer=nd30.issuer_lines(issuer_name),
                         number=nd30.number_line(number), place_date=nd30.place_date(place, letter_date),
                         summary=subject_line(directives))
    return Letter(header=header, addressees=[u.name for u in units], opening=opening,
                  paragraphs=[(u.name, unit_paragraph(u)) for u in units], closing=closing,
                  copies=nd30.copies_lines(copies), signature=nd30.signature(authority, signer_title, signer_name))


def letter_docx(letter: Letter) -> bytes:
    """The letter as a Word document in the Nghị định 30 layout."""
    doc = nd30_docx.new_document()
    nd30_docx.header(doc, letter.header)
    nd30_docx.addressees(doc, letter.addressees)
    nd30_docx.paragraph(doc, letter.opening)
    for name, text in letter.paragraphs:
        nd30_docx.paragraph(doc, text, bold_lead=f"- {name}")
    nd30_docx.paragraph(doc, letter.closing)
    nd30_docx.signature_block(doc, letter.copies, letter.signature)
    return nd30_docx.to_bytes(doc)
