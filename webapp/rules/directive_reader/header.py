"""The parts of a directive around its body (Nghị định 30/2020/NĐ-CP layout): issuing body, number,
place and date, subject, recipients (Kính gửi), legal bases; at the end the copies (Nơi nhận)
and the signature block. Header columns that text extraction ran together on one line are split
apart first."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import UP, canon, fold, starts_with_marker
from .vocabulary import (
    ATTACHMENT_NOTE,
    ATTACHMENT_TITLES,
    BROKEN_HEADER_PHRASES,
    DOCUMENT_TYPES,
    LEGAL_BASIS_TYPES,
    MOTTO,
    NATIONAL_TITLE,
    PREAMBLE_OPENERS,
    SIGNATURE_PREFIXES,
    URGENCY_MARKS,
)

HEADER_LINES = 80  # the header never runs longer than this many lines

_NATIONAL = re.compile(NATIONAL_TITLE, re.IGNORECASE)
_BROKEN = [re.compile(p) for p in (NATIONAL_TITLE, MOTTO, *BROKEN_HEADER_PHRASES)]
_MOTTO = re.compile(MOTTO, re.IGNORECASE)
_NUMBER = re.compile(r"(?<!\w)Số\s*:", re.IGNORECASE)
_SUBJECT = re.compile(r"(?<!\w)(?:V/v|V/V|v/v)(?=[\s.:])\s*\.?\s*:?\s*")
# "Kính gửi:", or the line of a công điện that names who sends it ("CHỦ TỊCH UBND TỈNH điện:"): the
# addressees follow.
_TO = re.compile(r"(?<!\w)Kính\s+gửi\s*:?|^[^:\n]{3,120}\sđiện\s*:\s*$", re.IGNORECASE)
_PLACE_DATE = re.compile(r",\s*ngày\s*(?P<d>\d{1,2})?\s*(?:tháng|/)\s*(?P<m>\d{1,2})?\s*(?:năm|/)\s*(?P<y>\d{4})")
_DOC_TYPE = re.compile(r"^(?:" + "|".join(t.upper() for t in DOCUMENT_TYPES) + r")\b")
_LEVEL_START = re.compile(r"^(?:TỈNH|HUYỆN|THÀNH PHỐ|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|QUẬN|ĐẶC KHU|TP\.)\s")
_LEVEL_END = re.compile(r"\s(?:TỈNH|HUYỆN|THÀNH PHỐ|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|QUẬN)$")
_CLOSING = re.compile(r"^Nơi\s+nhận\s*:?", re.IGNORECASE)
_SIGN_PREFIX = re.compile(r"^(?:" + "|".join(re.escape(p) for p in SIGNATURE_PREFIXES) + r")\s*", re.IGNORECASE)
_SIGN_SPLIT = re.compile(r"\s(?=(?:TM|KT|TL|TUQ)\.\s*" + UP + ")")
_TRAILING_CAPS = re.compile(r"(?<=[;.:])\s+((?:" + UP + r"{2,}\s+){1,5}" + UP + r"{2,})$")
_APPENDIX = re.compile(r"^(?:PHỤ\s+LỤC|Phụ\s+lục)\b")
_ATTACHMENT_NOTE = re.compile(ATTACHMENT_NOTE)
_ATTACHMENT_TITLE = re.compile(r"^(?:" + "|".join(t.upper() for t in ATTACHMENT_TITLES) + r")\b")
_LEGAL_REF = re.compile(
    r"(?<!\w)(?:" + "|".join(sorted((t[0].upper() + t[1:] for t in LEGAL_BASIS_TYPES), key=len, reverse=True))
    + r")\s+(?:số\s*:?\s*)?\d*\s*/\s*[\w\-Đđ.&]+(?:/[\w\-Đđ.&]+)?")
_SPEAKER_AFTER = re.compile(
    r",\s*(?:UBND|Ủy\s+ban|Uỷ\s+ban|ỦY\s+BAN|Sở|Ban|Phòng|Văn\s+phòng|Công\s+an|Chủ\s+tịch|Tổ)\b[^,;]{0,60}?"
    r"\s(?:đề\s+nghị|yêu\s+cầu|chỉ\s+đạo|giao|thông\s+báo|ban\s+hành)\b.*$", re.DOTALL)
_SIGNED = re.compile(r"^\(?\s*(?:đã\s+ký|ký|ký,\s*ghi\s+rõ|ký\s+tên)", re.IGNORECASE)


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _segments(line: str) -> list[str]:
    """One header line cut where a new header element starts (columns run together)."""
    cuts = {0}
    for pattern in (_NATIONAL, _MOTTO, _NUMBER, _SUBJECT, _TO):
        for m in pattern.finditer(line):
            cuts.add(m.start())
    place = _place_date(line)
    if place:
        cuts.add(place[0])
    cuts = sorted(cuts) + [len(line)]
    return [line[a:b].strip() for a, b in zip(cuts, cuts[1:]) if line[a:b].strip()]


def _place_date(line: str):
    """(start, place, date) of "Quảng Trị, ngày … tháng … năm …" in the line, or None."""
    m = _PLACE_DATE.search(line)
    if not m:
        return None
    start = m.start()
    words = list(re.finditer(r"\S+", line[:m.start()]))
    taken = 0
    for word in reversed(words):
        bare = word.group().strip("*_")
        if taken < 6 and bare and (bare[0].isupper() or bare in ("phố", "xã", "trấn")) \
                and not any(ch.isdigit() for ch in bare) and not any(ch in "/:;" for ch in bare):
            start = word.start()
            taken += 1
        else:
            break
    place = " ".join(line[start:m.start()].split()) or None
    y, mo, d = m.group("y"), m.group("m"), m.group("d")
    when = y
    if mo and 1 <= int(mo) <= 12:
        when = f"{y}-{int(mo):02d}"
        if d and 1 <= int(d) <= 31:
            when = f"{y}-{int(mo):02d}-{int(d):02d}"
    return start, place, when


def _number(segment: str) -> str | None:
    rest = _NUMBER.sub("", segment, count=1).strip()
    m = re.match(r"(\d*\s*/\s*[^\s,;]+|\d+[^\s,;]*)", rest)
    if not m:
        return None
    return re.sub(r"\s*/\s*", "/", m.group(1)).strip(".")


@dataclass
class Header:
    issuer: str | None = None
    issuer_parent: str | None = None
    number: str | None = None
    date: str | None = None
    place: str | None = None
    subject: str | None = None
    legal_bases: list = field(default_factory=list)
    recipients: list = field(default_factory=list)
    copies: list = field(default_factory=list)
    signer: dict = field(default_factory=lambda: {"authority": None, "title": None, "name": None})

    def as_dict(self) -> dict:
        return {"issuer": self.issuer, "issuer_parent": self.issuer_parent, "number": self.number,
                "date": self.date, "place": self.place, "subject": self.subject,
                "legal_bases": self.legal_bases, "recipients": self.recipients, "copies": self.copies,
                "signer": self.signer}


def _looks_like_body(line: str) -> bool:
    low = canon(line)
    if starts_with_marker(line) and not line.startswith(("-", "–", "+", "•")):
        return True
    if len(line) > 160 and not _is_caps(line):
        return True
    return any(low.startswith(opener + " ") for opener in PREAMBLE_OPENERS) and (
        len(line) > 60 or line.rstrip().endswith((";", ".", ":")))


def _starts_preamble(line: str) -> bool:
    low = canon(line)
    return any(low.startswith(opener + " ") for opener in PREAMBLE_OPENERS)


def _recipient_items(text: str) -> list[str]:
    items = []
    for part in re.split(r";", text):
        part = re.sub(r"^\s*[-–•+]\s*", "", part).strip(" .;,")
        if part:
            items.append(part)
    return items


def mend_header(lines: list[str], limit: int) -> None:
    """Join header lines that text extraction broke inside a phrase: the second line moves up to
    the end of the first and is left blank, so that line numbers stay as they were."""
    for i in range(min(limit, len(lines)) - 1):
        first, second = lines[i], lines[i + 1]
        if not first or not second:
            continue
        joined = f"{first} {second}"
        for pattern in _BROKEN:
            m = pattern.search(joined)
            if m and m.start() < len(first) < m.end() and not pattern.search(first) and not pattern.search(second):
                lines[i], lines[i + 1] = joined, ""
                break


def read_header(lines: list[str]) -> tuple[Header, int]:
    """The header, and the index of the line where the body starts."""
    mend_header(lines, HEADER_LINES)
    header = Header()
    issuer_lines: list[str] = []
    subject: list[str] | None = None
    subject_open = False
    seen_number_or_date = False
    i = 0
    limit = min(len(lines), HEADER_LINES)
    body_start = None
    while i < limit:
        line = lines[i]
        if not line:
            # A blank line closes the subject, unless it comes between a title ("KẾ HOẠCH") and the
            # subject under it, as web copies space them.
            subject_open = subject_open and subject == []
            i += 1
            continue
        if _TO.match(line):
            body_start = _read_recipients(lines, i, header)
            break
        if subject_open and subject is not None and _is_caps(line) and not starts_with_marker(line):
            subject.append(line)  # a title in capitals goes on over several lines
            i += 1
            continue
        if _looks_like_body(line) and (seen_number_or_date or subject or not _is_caps(line)):
            body_start = i
            break
        if subject_open and subject and not _is_caps(line) and _starts_preamble(line):
            body_start = i  # "Căn cứ …", "Thực hiện …" right under the title
            break
        for segment in _segments(line):
            if _NATIONAL.match(segment):
                rest = _NATIONAL.sub("", segment, count=1).strip()
                if rest and not _MOTTO.match(rest):
                    issuer_lines.append(rest)
                subject_open = False
                continue
            if _MOTTO.match(segment):
                subject_open = False
                continue
            if _NUMBER.match(segment):
                header.number = _number(segment)
                seen_number_or_date = True
                subject_open = False
                continue
            place = _place_date(segment)
            if place and place[0] == 0:
                header.place, header.date = place[1], place[2]
                seen_number_or_date = True
                subject_open = False
                continue
            if _SUBJECT.match(segment):
                subject = [segment.strip()]
                subject_open = True
                continue
            if _TO.match(segment):
                continue
            caps = _is_caps(segment)
            low = canon(segment).strip(" .:")
            if caps and low in URGENCY_MARKS:
                continue
            if caps and _DOC_TYPE.match(segment.strip()) and len(segment) < 40:
                subject = []
                subject_open = True
                continue
            if subject_open and subject is not None:
                subject.append(segment)
                continue
            if caps and not seen_number_or_date and subject is None:
                issuer_lines.append(segment)
        i += 1
    if body_start is None:
        body_start = i
    if subject:
        header.subject = " ".join(" ".join(subject).split()) or None
    header.issuer_parent, header.issuer = _issuer(issuer_lines)
    return header, body_start


def _read_recipients(lines: list[str], i: int, header: Header) -> int:
    """Read the Kính gửi list from line i; return the index of the first body line."""
    first = _TO.sub("", lines[i], count=1).strip()
    header.recipients.extend(_recipient_items(first))
    closed = first.endswith(".") and first[:1] not in "-–•+"
    i += 1
    while i < len(lines) and not closed:
        line = lines[i]
        if not line:
            i += 1
            continue
        bullet = line[:1] in "-–•+"
        if not bullet and (_looks_like_body(line) or len(line) > 160):
            break
        if not bullet and header.recipients and lines_ended(lines, i):
            break
        header.recipients.extend(_recipient_items(line))
        i += 1
    return i


def lines_ended(lines: list[str], i: int) -> bool:
    """Did the last non-blank line before i close the recipient list with a full stop?"""
    k = i - 1
    while k >= 0 and not lines[k]:
        k -= 1
    return k >= 0 and lines[k].rstrip().endswith(".")


def _issuer(lines: list[str]) -> tuple[str | None, str | None]:
    """(parent, issuer) from the issuer lines: a line starting with a level word ("TỈNH QUẢNG TRỊ")
    goes on the line before; the last name is the issuer, the ones above it its parent."""
    names: list[str] = []
    for line in lines:
        line = " ".join(line.split()).strip(" -_")
        if not line or re.fullmatch(r"[-_=.*\s]+", line):
            continue
        if names and (_LEVEL_START.match(line) or _LEVEL_END.search(names[-1])):
            names[-1] = f"{names[-1]} {line}"
        else:
            names.append(line)
    if not names:
        return None, None
    parent = " ".join(names[:-1]) or None
    return parent, names[-1]


def legal_bases(paragraphs: list[str]) -> list[str]:
    """The documents the preamble cites: "Căn cứ …" paragraphs whole, and every reference
    "Chỉ thị số 21/CT-TTg ngày 25/11/2022 của … về …" up to its clause's end."""
    found: list[str] = []
    seen: set[str] = set()
    for para in paragraphs:
        if canon(para).startswith("căn cứ "):
            text = para[len("Căn cứ "):].strip(" ;.,")
            key = fold(text)[:80]
            if key not in seen:
                seen.add(key)
                found.append(text[0].upper() + text[1:] if text else text)
            continue
        refs = list(_LEGAL_REF.finditer(para))
        for k, m in enumerate(refs):
            stop = refs[k + 1].start() if k + 1 < len(refs) else len(para)
            end_m = re.search(r"[;]|\.(?=\s|$)", para[m.end():stop])
            end = m.end() + end_m.start() if end_m else stop
            clause = para[m.start():end].strip(" ,;.")
            # A comma before the subject ("về …") starts has ended the reference.
            comma = clause.find(", ")
            subject_at = clause.find(" về ")
            if comma > 0 and (subject_at < 0 or comma < subject_at):
                clause = clause[:comma]
            clause = re.sub(r",\s*[^,]{0,60}?(?:đã\s+ban\s+hành|đã\s+có|ban\s+hành)\s*$", "", clause)
            # "…, UBND xã đề nghị các đơn vị:": the issuer speaking again, not part of the reference.
            clause = _SPEAKER_AFTER.sub("", clause)
            clause = re.sub(r"\s*(?:và|;|,)\s*$", "", clause).strip(" ,;.")
            number = re.search(r"\d*\s*/\s*[\w\-Đđ.&]+", m.group(0)).group(0).replace(" ", "")
            if number in seen:
                continue
            seen.add(number)
            found.append(clause)
    return found


def find_closing(lines: list[str], start: int) -> tuple[int, int]:
    """(closing start, appendix start): where "Nơi nhận" or the signature begins after the body,
    and where an appendix begins after that (or the end)."""
    closing = len(lines)
    for k in range(start, len(lines)):
        line = lines[k]
        if _CLOSING.match(line):
            closing = k
            break
        if _SIGN_PREFIX.match(line) and _is_caps(line) and len(line) < 80:
            closing = _copies_above(lines, k, start)
            break
        if _APPENDIX.match(line) and len(line) < 100:
            return k, k
    appendix = len(lines)
    for k in range(closing + 1, len(lines)):
        line = lines[k]
        if (_APPENDIX.match(line) and len(line) < 100) or _ATTACHMENT_NOTE.match(line):
            appendix = k
            break
        if _is_caps(line) and _ATTACHMENT_TITLE.match(line) and len(line) < 200:
            appendix = k
            break
    return closing, appendix


_COPY = re.compile(r"^[-–•+]\s*(?:Như\s|Lưu\b)")


def _copies_above(lines: list[str], k: int, start: int) -> int:
    """Where the copies begin when "Nơi nhận" is missing: the short bullets right above the
    signature, if one of them is a copy ("- Như trên;", "- Lưu: VT.")."""
    top = k
    j = k - 1
    while j >= start and (not lines[j] or (lines[j][:1] in "-–•+" and len(lines[j]) < 100
                                              and lines[j].rstrip().endswith((";", ".", ")")))):
        j -= 1
    first = j + 1
    if any(_COPY.match(line) for line in lines[first:k] if line):
        top = first
    return top


def read_closing(lines: list[str], header: Header) -> None:
    """Copies (Nơi nhận) and the signature block, into the header."""
    pieces: list[str] = []
    for line in lines:
        if not line:
            continue
        for part in _SIGN_SPLIT.split(line):
            m = _TRAILING_CAPS.search(part) if part[:1] in "-–•+" else None
            if m:
                pieces.extend([part[:m.start()].strip(), m.group(1)])
            else:
                pieces.append(part.strip())
    in_copies = False
    caps: list[str] = []
    name = None
    for piece in pieces:
        if _CLOSING.match(piece):
            in_copies = True
            rest = _CLOSING.sub("", piece, count=1).strip()
            if rest:
                header.copies.extend(_recipient_items(rest))
            continue
        if piece[:1] in "-–•+" and (in_copies or name is None):
            header.copies.extend(_recipient_items(piece))
            continue
        if _SIGNED.match(piece):
            continue
        if _is_caps(piece) or _SIGN_PREFIX.match(piece):
            if name is None:
                caps.append(piece)
            continue
        if caps and name is None and _looks_like_name(piece):
            name = piece
    if caps:
        header.signer = {"authority": "\n".join(caps[:-1]) or None, "title": caps[-1], "name": name}
    elif name:
        header.signer = {"authority": None, "title": None, "name": name}


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 6 and all(w[0].isupper() for w in words) and not any(
        ch.isdigit() or ch in ":;/" for ch in text)
