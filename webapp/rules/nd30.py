"""The texts of an administrative document's fixed parts, as Nghị định 30/2020/NĐ-CP, Phụ lục I lays
them out (pure: shared by the HTML/PDF macros in templates/_nd30.html and the .docx builder
rules/nd30_docx.py; see /work/shared/docs/nd30.md)."""
from dataclasses import dataclass, field
from datetime import date

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
# Where the number of a document not yet registered goes: the văn thư fills it in.
NUMBER_BLANK = "\u00a0" * 7
NBSP = "\u00a0"
# Words after which an issuing body's name breaks naturally onto a second line.
_BREAK_BEFORE = ("TỈNH ", "THÀNH PHỐ ", "HUYỆN ", "THỊ XÃ ", "QUẬN ", "XÃ ", "PHƯỜNG ", "THỊ TRẤN ")
_LONG_FORMS = (("UBND ", "ỦY BAN NHÂN DÂN "), ("HĐND ", "HỘI ĐỒNG NHÂN DÂN "))


def place_date(place: str, d: date) -> str:
    """"Quảng Trị, ngày 05 tháng 3 năm 2024": days below 10 and months 1–2 get a leading zero."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"{place}, ngày {d.day:02d} tháng {month} năm {d.year}"


def number_line(number: str) -> str:
    """"Số: 12/UBND-KGVX"; a number not given yet ("/UBND-KGVX") keeps a visible blank before the "/"."""
    number = (number or "").strip()
    if not number:
        return f"Số:{NBSP}{NUMBER_BLANK}/"
    if number.startswith("/"):
        return f"Số:{NBSP}{NUMBER_BLANK}{number}"
    return f"Số: {number}"


def issuer_lines(name: str) -> list[str]:
    """An issuing body's name in capitals, in its long form ("ỦY BAN NHÂN DÂN"), broken where the
    name breaks naturally: "ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG TRỊ"."""
    text = " ".join((name or "").split()).upper()
    for short, long in _LONG_FORMS:
        if text.startswith(short) and len(text) > len(short):
            return [long.strip(), text[len(short):]]
        if text.startswith(long) and len(text) > len(long):
            return [long.strip(), text[len(long):]]
    if len(text) <= 30:
        return [text]
    for word in _BREAK_BEFORE:
        at = text.find(" " + word)
        if word == "XÃ " and text[at + 1:].startswith("XÃ HỘI"):
            continue
        if 8 <= at <= len(text) - 6:
            return [text[:at], text[at + 1:]]
    # A long name with no place in it: break at " - " or at the space nearest the middle.
    if " - " in text:
        head, tail = text.split(" - ", 1)
        return [f"{head} -", tail]
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return [text]
    middle = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:middle], text[middle + 1:]]


def parent_line(name: str) -> str:
    """The body above the issuer, in capitals, as written ("UBND TỈNH QUẢNG TRỊ"), not bold."""
    return " ".join((name or "").split()).upper()


def addressee_lines(names: list[str]) -> tuple[str, list[str]]:
    """Kính gửi: one addressee on the same line ("Kính gửi: Sở Y tế."), several one per line with "-",
    ";" at each end and "." at the last. Returns (first line, following lines)."""
    names = [n.strip().rstrip(";.") for n in names if n and n.strip()]
    if len(names) == 1:
        return f"Kính gửi: {names[0]}.", []
    lines = [f"- {n};" for n in names]
    if lines:
        lines[-1] = lines[-1][:-1] + "."
    return "Kính gửi:", lines


def copies_lines(items: list[str]) -> list[str]:
    """Nơi nhận: "- Như trên;" …, the last line "- Lưu: VT, …." ending with "."."""
    items = [i.strip().lstrip("-").strip().rstrip(";.") for i in items if i and i.strip()]
    if not any(i.lower().startswith("lưu") for i in items):
        items.append("Lưu: VT")
    lines = [f"- {i};" for i in items]
    lines[-1] = lines[-1][:-1] + "."
    return lines


@dataclass
class Header:
    """The two-column header: issuing body (left), Quốc hiệu and Tiêu ngữ (right)."""
    parent: str                      # "" when the issuer has none above it worth naming
    issuer: list[str]                # issuer_lines()
    number: str                      # number_line()
    place_date: str                  # place_date()
    summary: str = ""                # công văn: "V/v …" under the number (ô 5b)
    quoc_hieu: str = QUOC_HIEU
    tieu_ngu: str = TIEU_NGU


@dataclass
class Signature:
    authority: list[str] = field(default_factory=list)   # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"
    title: str = ""                                       # "PHÓ CHỦ TỊCH"
    name: str = ""


def signature(authority_text: str, title: str, name: str) -> Signature:
    lines = [" ".join(line.split()).upper() for line in (authority_text or "").splitlines() if line.strip()]
    return Signature(lines, " ".join((title or "").split()).upper(), " ".join((name or "").split()))
