"""Phụ lục 01 (targets per locality, per beneficiary group, per quarter) read from and written to .xlsx.

Pure: openpyxl and the standard library only. Everything the user sees is Vietnamese.

Layout (as in the Quảng Trị appendix): title lines, three merged header rows, the column-number row
"A, B, 1, 2, …, 14", one row per locality, then "Tổng cộng". Columns 1–7 are người có công, 8–14
đối tượng bảo trợ xã hội: total, four quarterly increments, year total (6 = 2+3+4+5), rate (7 = 6/1).
"""
from __future__ import annotations

import difflib
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, range_boundaries

from .input import MAX_COUNT

GROUPS = ("nguoi_co_cong", "bao_tro_xa_hoi")
GROUP_LABELS = {"nguoi_co_cong": "Người có công", "bao_tro_xa_hoi": "Đối tượng bảo trợ xã hội"}

# Limits that keep one upload cheap whatever it contains.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # sum of the zip members' declared sizes
# A Phụ lục 01 holds a few hundred strings (a few KB); a million of them costs seconds and hundreds of
# MB before the first row is read, and zipfile never hands out more than a member's declared size.
MAX_SHARED_STRINGS_BYTES = 2 * 1024 * 1024
MAX_SHEET_XML_BYTES = 16 * 1024 * 1024
MAX_DATA_ROWS = 2000
MAX_SCANNED_ROWS = 10_000  # data rows plus blank rows read before giving up on "Tổng cộng"
HEADER_SEARCH_ROWS = 30
HEADER_SEARCH_COLUMNS = 40
MAX_PROBLEMS = 200  # beyond this the list is cut, with one line saying how many were left out
RATE_TOLERANCE = 1.0  # percentage points: the appendix prints rates rounded to whole percents
MAX_RATE = 100_000  # percent: far beyond any real rate, short enough to print

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other old Office files)

# Column numbers of one group relative to its first column ("1" or "8").
_TOTAL, _QUARTERS, _YEAR, _RATE = 0, (1, 2, 3, 4), 5, 6
_GROUP_FIRST_COLUMN = {"nguoi_co_cong": 1, "bao_tro_xa_hoi": 8}
_COLUMN_LABELS = ("A", "B", 1, 2, 3, 4, 5, "6=2+3+4+5", "7=6/1",
                  8, 9, 10, 11, 12, "13=9+10+11+12", "14=13/8")
_TABLE_WIDTH = 16  # TT, name, 14 numbered columns


# --- Public data -------------------------------------------------------------------------------

@dataclass
class Figures:
    """One group's targets for one locality: the beneficiaries' total and four quarterly increments."""
    total: int
    quarters: tuple[int, int, int, int]

    def __post_init__(self):
        self.quarters = tuple(int(q) for q in self.quarters)
        if len(self.quarters) != 4:
            raise ValueError("quarters must hold four numbers")
        self.total = int(self.total)

    @property
    def year_total(self) -> int:
        return sum(self.quarters)

    @property
    def rate(self) -> float | None:
        """Year total over total as a fraction (0.5 for 50%); None when the total is 0."""
        return self.year_total / self.total if self.total else None


@dataclass
class LocalityRow:
    """One locality row of the table, its name exactly as written (outer spaces trimmed)."""
    name: str
    row: int  # 1-based Excel row
    figures: dict[str, Figures]
    name_column: str = "B"  # where the name sits, for problems that point at it
    sheet: str = ""


@dataclass
class Problem:
    sheet: str
    cell: str  # "D9", or "" for the whole file or sheet
    reason: str

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"Trang tính «{self.sheet}»")
        if self.cell:
            where.append(f"ô {self.cell}" if where else f"Ô {self.cell}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class AppendixError(Exception):
    """The file (or its match against the units) was refused; .problems lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --- Names -------------------------------------------------------------------------------------

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_VOWELS = set("aeiouy")


def _canonical_tone(word: str) -> str:
    """Put a syllable's tone mark on one fixed vowel, so "hóa" and "hoá", "thủy" and "thuỷ" agree."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) != 1:  # no tone, or not a Vietnamese syllable: leave it alone
        return word
    bare = [c for c in decomposed if c not in _TONE_MARKS]
    # The fixed place: after the last vowel (and its hat/horn/breve) of the first run of vowels.
    insert_at, in_run = None, False
    for i, char in enumerate(bare):
        if char in _VOWELS:
            in_run = True
            insert_at = i + 1
        elif unicodedata.combining(char):
            if in_run:
                insert_at = i + 1
        elif in_run:
            break
    if insert_at is None:
        return word
    bare.insert(insert_at, tones[0])
    return unicodedata.normalize("NFC", "".join(bare))


_PREFIXES = ("ubnd", "ủy ban nhân dân", "huyện", "quận", "thị xã", "thành phố", "tx", "tp")
_PREFIX_RE = re.compile(
    r"^(?:%s)(?:[.\s]+|$)" % "|".join(re.escape(" ".join(_canonical_tone(w) for w in p.split()))
                                      for p in sorted(_PREFIXES, key=len, reverse=True)))


def name_words(name: str) -> list[str]:
    """A name's words as normalise_name compares them: NFC, lower case, one tone placement; spaces,
    dashes and underscores separate words."""
    text = unicodedata.normalize("NFC", name or "").lower()
    text = text.replace("ð", "đ")  # Latin eth, a common stand-in for Đ in old fonts and OCR
    return [_canonical_tone(w) for w in re.sub(r"[\s\-–_]+", " ", text).strip().split(" ") if w]


def normalise_name(name: str) -> str:
    """A matching key: NFC, lower case, one tone placement, administrative prefixes and spaces dropped.

    "Thành phố Đông Hà", "UBND thành phố  Đông Hà", "TP. Đông Hà" and "đông hà" (precomposed or
    combining) all give "đônghà"; "Đakrông", "ĐaKrông" and "Đa Krông" give "đakrông". Letters and
    diacritics must otherwise agree: the OCR slip "ĐaKông" does not match (match_localities names
    Đakrông as the closest unit instead).
    """
    text = " ".join(name_words(name))
    while True:
        stripped = _PREFIX_RE.sub("", text, count=1).strip()
        if stripped == text or not stripped:  # keep a name that is nothing but a prefix
            break
        text = stripped
    return text.replace(" ", "")


def _fold(text: str) -> str:
    """Lower case without diacritics or punctuation: for recognising labels such as "Tổng cộng"."""
    text = unicodedata.normalize("NFD", str(text).lower()).replace("đ", "d").replace("ð", "d")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w%]+", " ", text).split())


def match_localities(rows: list[LocalityRow], units: list[tuple[int, str]], sheet: str) -> dict[int, int]:
    """Excel row -> unit id by normalised name; AppendixError lists every row with no or several units."""
    by_key: dict[str, list[tuple[int, str]]] = {}
    for unit_id, unit_name in units:
        by_key.setdefault(normalise_name(unit_name), []).append((unit_id, unit_name))
    matches, problems, taken = {}, [], {}
    for row in rows:
        cell = f"{row.name_column}{row.row}"
        where = sheet or row.sheet
        found = by_key.get(normalise_name(row.name), [])
        if not found:
            problems.append(Problem(where, cell, _unmatched_reason(row.name, by_key)))
        elif len(found) > 1:
            names = ", ".join(f"«{name}»" for _, name in found)
            problems.append(Problem(where, cell, f"Địa phương «{row.name}» khớp với nhiều đơn vị: {names}; "
                                                 "hãy sửa tên cho rõ hoặc sửa danh mục đơn vị."))
        elif found[0][0] in taken:
            first = taken[found[0][0]]
            problems.append(Problem(where, cell, f"Địa phương «{row.name}» và dòng {first.row} "
                                                 f"(«{first.name}») cùng khớp với đơn vị «{found[0][1]}»."))
        else:
            taken[found[0][0]] = row
            matches[row.row] = found[0][0]
    if problems:
        raise AppendixError(problems)
    return matches


def _unmatched_reason(name: str, by_key: dict[str, list[tuple[int, str]]]) -> str:
    close = difflib.get_close_matches(normalise_name(name), list(by_key), n=3, cutoff=0.5)
    suggestions = [unit_name for key in close for _, unit_name in by_key[key]][:3]
    reason = f"Không tìm thấy đơn vị nào có tên «{name}»."
    if suggestions:
        reason += " Tên gần giống: " + ", ".join(f"«{s}»" for s in suggestions) + "."
    return reason


# --- Reading: the file as a whole --------------------------------------------------------------

class _Cell(NamedTuple):
    value: object
    data_type: str  # openpyxl's: n, s, f, b, e, d


_EMPTY = _Cell(None, "n")


@dataclass
class _Layout:
    name_col: int  # 1-based column of "Tên địa phương"; number column k is name_col + k
    tt_col: int | None
    first_row: int  # first row after the header
    skip_header_rows: bool = False  # no column-number row: skip unnamed header rows first


@dataclass
class _Table:
    sheet: str
    layout: _Layout
    rows: list[tuple[int, tuple[_Cell, ...]]]  # (Excel row, cells from column 1)
    total: tuple[int, tuple[_Cell, ...]] | None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)


def _invalid_file(detail: str = "") -> AppendixError:
    reason = "Tệp không phải là tệp Excel .xlsx hợp lệ (không mở được)."
    if detail:
        reason += " " + detail
    return AppendixError([Problem("", "", reason)])


def _check_container(data: bytes) -> None:
    """Refuse what is not an .xlsx zip, or would unpack to too much, before openpyxl sees it."""
    if data[:8] == OLE_SIGNATURE:
        raise _invalid_file("Đây là tệp Excel cũ (.xls) hoặc tệp Office cũ; hãy mở bằng Excel và "
                            "lưu lại dưới dạng «Sổ làm việc Excel (.xlsx)».")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _invalid_file("Hãy lưu tệp dưới dạng «Sổ làm việc Excel (.xlsx)» rồi tải lên lại.") from None
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        limit = _number(MAX_UNCOMPRESSED_BYTES // (1024 * 1024))
        raise AppendixError([Problem("", "", f"Tệp giải nén ra quá lớn (hơn {limit} MB); bảng Phụ lục 01 "
                                             "không cần lớn như vậy, tệp có thể bị hỏng hoặc độc hại.")])
    if not any(m.filename == "[Content_Types].xml" for m in members):
        raise _invalid_file("Tệp nén không chứa sổ làm việc Excel.")
    for member in members:
        name = member.filename.lower()
        if name == "xl/sharedstrings.xml" and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise AppendixError([Problem("", "", (
                f"Tệp chứa quá nhiều chữ (bảng chuỗi hơn {_number(MAX_SHARED_STRINGS_BYTES // (1024 * 1024))} MB); "
                "Phụ lục 01 chỉ cần vài trăm ô chữ. Hãy chép riêng bảng Phụ lục 01 sang một tệp mới rồi tải lên."))])
        if name.startswith("xl/worksheets/") and member.file_size > MAX_SHEET_XML_BYTES:
            raise AppendixError([Problem("", "", (
                "Một trang tính của tệp quá lớn (hơn "
                f"{_number(MAX_SHEET_XML_BYTES // (1024 * 1024))} MB); Phụ lục 01 chỉ có vài chục dòng. "
                "Hãy chép riêng bảng Phụ lục 01 sang một tệp mới rồi tải lên."))])


def _load_table(data: bytes) -> _Table:
    """Open the workbook read-only and copy out the header search area and the table rows."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds (KeyError, XML errors, …) on a broken file
        raise _invalid_file() from None
    try:
        return _scan_workbook(workbook, data)
    except AppendixError:
        raise
    except Exception:  # read-only sheets are parsed lazily, so a broken sheet only fails here
        raise _invalid_file() from None
    finally:
        workbook.close()


def _scan_workbook(workbook, data: bytes) -> _Table:
    for sheet in workbook.worksheets:
        head = _grid(sheet, 1, HEADER_SEARCH_ROWS, HEADER_SEARCH_COLUMNS)
        layout = _find_layout(head)
        if layout is not None:
            rows, total = _table_rows(sheet, layout)
            xml = _sheet_xml(data, sheet)
            return _Table(sheet.title, layout, rows, total, _merged_ranges(xml), *_hidden(xml))
    raise AppendixError([Problem("", "", (
        "Không tìm thấy bảng Phụ lục 01: không trang tính nào có dòng tiêu đề «Tên địa phương» hoặc dòng "
        f"số thứ tự cột A, B, 1, 2, …, 14 trong {HEADER_SEARCH_ROWS} dòng đầu."))])


def _grid(sheet, min_row: int, max_row: int, max_col: int) -> list[tuple[_Cell, ...]]:
    """Cells of a block of rows; explicit bounds so a wrong declared sheet size does not matter."""
    return [_snapshot(cells) for cells in sheet.iter_rows(min_row=min_row, max_row=max_row,
                                                           min_col=1, max_col=max_col)]


def _snapshot(cells) -> tuple[_Cell, ...]:
    return tuple(_Cell(c.value, c.data_type) if c.value is not None else _EMPTY for c in cells)


def _table_rows(sheet, layout: _Layout):
    """The non-blank rows after the header, up to and including "Tổng cộng" (bounded)."""
    last_col = layout.name_col + 14
    rows, data_rows, in_header = [], 0, layout.skip_header_rows
    for offset, cells in enumerate(sheet.iter_rows(min_row=layout.first_row,
                                                   max_row=layout.first_row + MAX_SCANNED_ROWS - 1,
                                                   min_col=1, max_col=last_col)):
        row = (layout.first_row + offset, _snapshot(cells))
        if _is_blank(row[1], layout):
            continue
        if _is_total_row(row[1], layout):
            return rows, row
        if in_header:
            name = row[1][layout.name_col - 1].value
            if _blank(name) or _fold(name) == "ten dia phuong":
                continue
            in_header = False
        data_rows += 1
        if data_rows > MAX_DATA_ROWS:
            raise AppendixError([Problem(sheet.title, "", (
                f"Bảng có hơn {_number(MAX_DATA_ROWS)} dòng số liệu; Phụ lục 01 chỉ có một dòng cho mỗi "
                "địa phương. Hãy kiểm tra lại tệp."))])
        rows.append(row)
    return rows, None


def _sheet_xml(data: bytes, sheet) -> bytes:
    """A sheet's own XML: openpyxl's read-only sheets keep neither merges nor hidden rows and columns."""
    path = getattr(sheet, "_worksheet_path", None)  # openpyxl 3.1 read-only worksheet (pinned)
    if not path:  # a newer openpyxl without it: test_merged_cells_in_a_data_row will say so
        return b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(path.lstrip("/"))  # bounded: _check_container capped the unpacked size


def _tags(xml: bytes, name: bytes) -> list[bytes]:
    return re.findall(rb"<(?:[A-Za-z_][\w.-]*:)?" + name + rb"\b[^>]*>", xml)


def _number_attribute(tag: bytes, name: bytes) -> int | None:
    found = re.search(rb"\b" + name + rb'="(\d{1,7})"', tag)
    return int(found[1]) if found else None


def _is_hidden(tag: bytes) -> bool:
    return re.search(rb'\bhidden="(?:1|true)"', tag) is not None


def _hidden(xml: bytes) -> tuple[set[int], set[int]]:
    """Rows and columns the sheet hides: a hidden number would be imported unseen, so it is refused."""
    rows = {_number_attribute(tag, b"r") for tag in _tags(xml, b"row") if _is_hidden(tag)}
    cols = set()
    for tag in _tags(xml, b"col"):
        low, high = _number_attribute(tag, b"min"), _number_attribute(tag, b"max")
        if low and high and _is_hidden(tag):
            cols.update(range(low, min(high, 16384) + 1))
    return rows - {None}, cols


def _merged_ranges(xml: bytes) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet, read from its XML."""
    refs = re.findall(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref="([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)"', xml)
    return [range_boundaries(ref.decode("ascii")) for ref in refs]


# --- Reading: finding the header ---------------------------------------------------------------

def _label(value) -> str:
    """A column-number cell as a bare token: "$6=2+3+4+5$", " 6 " and 6.0 all give "6"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s$]+", "", str(value)).lower()
    return text.split("=", 1)[0]


_EXPECTED_LABELS = tuple(str(label).split("=")[0].lower() for label in _COLUMN_LABELS)


def _find_layout(head: list[tuple[_Cell, ...]]) -> _Layout | None:
    """Locate the table by content: the column-number row, else the "Tên địa phương" row."""
    name_row = None
    for index, cells in enumerate(head):
        labels = [_label(c.value) if c.value is not None else "" for c in cells]
        for col in range(len(labels) - _TABLE_WIDTH + 1):
            if tuple(labels[col:col + _TABLE_WIDTH]) == _EXPECTED_LABELS:
                return _Layout(name_col=col + 2, tt_col=col + 1, first_row=index + 2)
        if name_row is None:
            for col, cell in enumerate(cells, start=1):
                if cell.value is not None and _fold(cell.value) == "ten dia phuong":
                    name_row = (index + 1, col)
                    break
    if name_row is None:
        return None
    row, col = name_row
    return _Layout(name_col=col, tt_col=col - 1 if col > 1 else None, first_row=row + 1, skip_header_rows=True)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table_cells(cells: tuple[_Cell, ...], layout: _Layout) -> list[_Cell]:
    first = layout.tt_col or layout.name_col
    return list(cells[first - 1:layout.name_col + 14])


def _is_blank(cells, layout) -> bool:
    return all(_blank(c.value) for c in _table_cells(cells, layout))


def _is_total_row(cells, layout) -> bool:
    labels = [cells[layout.name_col - 1].value]
    if layout.tt_col:
        labels.append(cells[layout.tt_col - 1].value)
    return any(isinstance(v, str) and _fold(v) in ("tong cong", "cong") for v in labels)


# --- Reading: cell values ----------------------------------------------------------------------

_TEXT_COUNT = re.compile(r"\d+|\d{1,3}(?:\.\d{3})+")  # "1912" or "1.912", "16.975"
_TEXT_RATE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(%?)")  # "50%", "31,7 %", "0,5"


def _quote(value) -> str:
    text = str(value)
    return f"«{text[:40]}…»" if len(text) > 40 else f"«{text}»"


def _not_value(cell: _Cell) -> str | None:
    """Why a cell cannot hold a number at all (formula, error, date, yes/no), or None."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.strip().startswith("=")):
        return (f"Ô chứa công thức {_quote(value)}; không nhận công thức, hãy nhập giá trị số "
                "(trong Excel: sao chép rồi «Dán giá trị»).")
    if cell.data_type == "e":
        return f"Ô chứa giá trị lỗi {_quote(value)}; cần nhập một số."
    if isinstance(value, bool):
        return "Ô chứa giá trị đúng/sai, không phải số."
    if isinstance(value, (datetime, date, time, timedelta)):
        return "Ô chứa ngày giờ, không phải số."
    return None


def _parse_count(cell: _Cell) -> tuple[int | None, str | None]:
    """A non-negative whole number, or the reason the cell is not one."""
    value = cell.value
    if _blank(value):
        return None, "Ô trống; cần nhập một số nguyên không âm (nhập 0 nếu không có)."
    refused = _not_value(cell)
    if refused:
        return None, refused
    too_big = f"Số quá lớn; số đối tượng tối đa {_number(MAX_COUNT)}."
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        if _TEXT_COUNT.fullmatch(text):
            digits = text.replace(".", "")
            return (None, too_big) if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT else (int(digits), None)
        if text.startswith("-") and _TEXT_COUNT.fullmatch(text[1:].strip()):
            return None, f"Số âm {_quote(value)}; số đối tượng không thể âm."
        return None, f"Ô chứa chữ {_quote(value)}, không phải số; cần nhập một số nguyên không âm."
    if isinstance(value, float) and not math.isfinite(value):
        return None, f"Giá trị {_quote(value)} không phải số hợp lệ."
    if value < 0:
        return None, f"Số âm ({_number(value)}); số đối tượng không thể âm."
    if value > MAX_COUNT:  # before printing it: 1e308 has 309 digits
        return None, too_big
    if isinstance(value, float) and not value.is_integer():
        return None, f"Số có phần lẻ ({_number(value)}); số đối tượng phải là số nguyên."
    return int(value), None


def _parse_rate(cell: _Cell) -> tuple[list[float] | None, str | None]:
    """The percentages a rate cell may mean (0.5 → 50; 50 → 50), [] when empty, or a reason."""
    value = cell.value
    if _blank(value):
        return [], None
    refused = _not_value(cell)
    if refused:
        return None, refused
    if isinstance(value, str):
        match = _TEXT_RATE.fullmatch(value.strip().replace("\u00a0", ""))
        if not match:
            return None, f"Tỷ lệ {_quote(value)} không phải số hay phần trăm."
        number = float(match.group(1).replace(",", "."))
        if number > MAX_RATE:
            return None, f"Tỷ lệ quá lớn (hơn {_number(MAX_RATE)}%) không hợp lệ."
        return ([number] if match.group(2) else _rate_meanings(number)), None
    if isinstance(value, float) and not math.isfinite(value):
        return None, f"Giá trị {_quote(value)} không phải số hợp lệ."
    if value < 0:
        return None, f"Tỷ lệ âm ({_number(value)}) không hợp lệ."
    if value > MAX_RATE:  # before printing it
        return None, f"Tỷ lệ quá lớn (hơn {_number(MAX_RATE)}%) không hợp lệ."
    return _rate_meanings(float(value)), None


def _rate_meanings(number: float) -> list[float]:
    """A bare number is a fraction formatted as % (0.5) or a plain percent (50); likelier first."""
    return [number * 100, number] if number <= 1 else [number, number * 100]


def _number(value) -> str:
    """Vietnamese number text: 16975 -> "16.975", 12.5 -> "12,5"."""
    if isinstance(value, float) and not value.is_integer():
        whole, _, decimals = f"{value:,.4f}".rstrip("0").partition(".")
        return whole.replace(",", ".") + "," + decimals
    return f"{int(value):,}".replace(",", ".")


def _percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "%"


# --- Reading: checking the table ---------------------------------------------------------------

class _Checker:
    """Collects problems while reading one table; knows where each numbered column sits."""

    def __init__(self, table: _Table):
        self.table = table
        self.layout = table.layout
        self.problems: list[Problem] = []
        self.covered, self.merge_problems = self._merges()

    def add(self, col: int, row: int, reason: str) -> None:
        self.problems.append(Problem(self.table.sheet, f"{get_column_letter(col)}{row}", reason))

    def column(self, number: int) -> int:
        """Excel column of numbered column 1..14."""
        return self.layout.name_col + number

    def _merges(self):
        """Cells hidden under a merge inside the table, and one problem per such merge."""
        row_numbers = [r for r, _ in self.table.rows] + ([self.table.total[0]] if self.table.total else [])
        if not row_numbers:
            return set(), []
        first, last = row_numbers[0], row_numbers[-1]
        left, right = self.layout.tt_col or self.layout.name_col, self.layout.name_col + 14
        covered, problems = set(), []
        for min_col, min_row, max_col, max_row in self.table.merged:
            if max_row < first or min_row > last or max_col < left or min_col > right:
                continue
            total_label = (self.table.total and min_row == max_row == self.table.total[0]
                           and max_col <= self.layout.name_col)
            if total_label:  # "Tổng cộng" spread over TT and name is usual and harmless
                continue
            ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
            problems.append((min_row, Problem(self.table.sheet, f"{get_column_letter(min_col)}{min_row}",
                                              f"Ô gộp {ref} nằm trong các dòng số liệu; hãy bỏ gộp ô "
                                              "(mỗi ô một số).")))
            covered.update((r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)
                           if (r, c) != (min_row, min_col))
        problems.sort(key=lambda item: item[0])
        return covered, problems

    def hidden(self) -> None:
        """One problem per hidden column of the table and per hidden row among its rows."""
        left = self.layout.tt_col or self.layout.name_col
        for col in sorted(c for c in self.table.hidden_cols if left <= c <= self.layout.name_col + 14):
            self.add(col, self.layout.first_row, f"Cột {get_column_letter(col)} đang bị ẩn; hãy bỏ ẩn cột "
                                                 "(Unhide) để thấy và kiểm tra số liệu rồi tải lên lại.")
        rows = [r for r, _ in self.table.rows] + ([self.table.total[0]] if self.table.total else [])
        for row in rows:
            if row in self.table.hidden_rows:
                self.add(self.layout.name_col, row, f"Dòng {row} đang bị ẩn; hãy bỏ ẩn dòng (Unhide) để thấy "
                                                    "và kiểm tra số liệu rồi tải lên lại.")

    def flush_merges(self, up_to_row: int) -> None:
        """Emit merge problems in row order, next to the rows they affect."""
        while self.merge_problems and self.merge_problems[0][0] <= up_to_row:
            self.problems.append(self.merge_problems.pop(0)[1])

    def counts(self, excel_row: int, cells) -> dict[int, int | None]:
        """Numbered count columns (all but 7 and 14) parsed, with a problem for each bad cell."""
        values = {}
        for number in range(1, 15):
            if number in (7, 14):
                continue
            col = self.column(number)
            if (excel_row, col) in self.covered:
                values[number] = None  # already reported as a merge
                continue
            values[number], reason = _parse_count(cells[col - 1])
            if reason:
                self.add(col, excel_row, reason)
        return values

    def year_sums(self, excel_row: int, values: dict[int, int | None]) -> None:
        """Columns 6 = 2+3+4+5 and 13 = 9+10+11+12."""
        for first in (1, 8):
            quarters = [values[first + q] for q in _QUARTERS]
            year = values[first + _YEAR]
            if year is None or None in quarters or year == sum(quarters):
                continue
            formula = "+".join(str(first + q) for q in _QUARTERS)
            shown = " + ".join(_number(q) for q in quarters)
            self.add(self.column(first + _YEAR), excel_row,
                     f"Cột {first + _YEAR} phải bằng {formula}: {shown} = {_number(sum(quarters))}, "
                     f"nhưng ô ghi {_number(year)}.")

    def rates(self, excel_row: int, cells, values: dict[int, int | None]) -> None:
        """Columns 7 ≈ 6/1 and 14 ≈ 13/8, within RATE_TOLERANCE percentage points; empty is fine."""
        for first in (1, 8):
            col = self.column(first + _RATE)
            if (excel_row, col) in self.covered:
                continue
            meanings, reason = _parse_rate(cells[col - 1])
            if reason:
                self.add(col, excel_row, reason)
                continue
            total, year = values[first + _TOTAL], values[first + _YEAR]
            if not meanings or total is None or year is None:
                continue
            label = f"cột {first + _YEAR}/cột {first}"
            if total == 0:
                if any(m != 0 for m in meanings):
                    self.add(col, excel_row, f"Cột {first} bằng 0 nên không có tỷ lệ; hãy để trống ô này.")
                continue
            expected = 100.0 * year / total
            if all(abs(m - expected) > RATE_TOLERANCE + 1e-9 for m in meanings):
                self.add(col, excel_row, f"Tỷ lệ ghi {_percent(meanings[0])} nhưng {label} = "
                                         f"{_number(year)}/{_number(total)} = {_percent(expected)} "
                                         f"(chênh quá {_number(RATE_TOLERANCE)} điểm phần trăm).")


def _figures(values: dict[int, int | None]) -> dict[str, Figures]:
    return {group: Figures(values[first], tuple(values[first + q] for q in _QUARTERS))
            for group, first in _GROUP_FIRST_COLUMN.items()}


def _check_table(table: _Table) -> tuple[list[LocalityRow], list[Problem]]:
    checker = _Checker(table)
    layout, sheet = table.layout, table.sheet
    name_letter = get_column_letter(layout.name_col)
    checker.hidden()
    result, seen = [], {}
    sums = {n: 0 for n in range(1, 15) if n not in (7, 14)}
    for excel_row, cells in table.rows:
        before = len(checker.problems)
        checker.flush_merges(excel_row)
        name = _check_name(checker, excel_row, cells[layout.name_col - 1])
        values = checker.counts(excel_row, cells)
        checker.year_sums(excel_row, values)
        checker.rates(excel_row, cells, values)
        for number in sums:
            sums[number] = None if sums[number] is None or values[number] is None else sums[number] + values[number]
        if name:
            key = normalise_name(name)
            if key in seen:
                first_row, first_name = seen[key]
                checker.add(layout.name_col, excel_row,
                            f"Địa phương «{name}» bị trùng với dòng {first_row} "
                            f"(ô {name_letter}{first_row}, «{first_name}»).")
            else:
                seen[key] = (excel_row, name)
        if name and len(checker.problems) == before:
            result.append(LocalityRow(name, excel_row, _figures(values), name_letter, sheet))
    if not table.rows:
        checker.problems.append(Problem(sheet, "", "Bảng không có dòng địa phương nào."))
    _check_total(checker, table, sums)
    checker.flush_merges(10 ** 9)
    return result, checker.problems


def _check_name(checker: _Checker, excel_row: int, cell: _Cell) -> str | None:
    """The locality name as text; HTML or script in it is just text and stays as written."""
    col = checker.layout.name_col
    if (excel_row, col) in checker.covered:
        return None
    if cell.data_type == "f":
        checker.add(col, excel_row, f"Tên địa phương là công thức {_quote(cell.value)}; hãy nhập tên.")
        return None
    if _blank(cell.value):
        checker.add(col, excel_row, "Thiếu tên địa phương.")
        return None
    return str(cell.value).strip()


def _check_total(checker: _Checker, table: _Table, sums: dict[int, int | None]) -> None:
    """The "Tổng cộng" row: every count column equals the sum of the localities; rates as in rows."""
    if table.total is None:
        checker.problems.append(Problem(table.sheet, "", "Không có dòng «Tổng cộng» ở cuối bảng."))
        return
    excel_row, cells = table.total
    checker.flush_merges(excel_row - 1)
    values = checker.counts(excel_row, cells)
    for number, expected in sums.items():
        if expected is not None and values[number] is not None and values[number] != expected:
            checker.add(checker.column(number), excel_row,
                        f"Dòng Tổng cộng, cột {number}: tổng các địa phương là {_number(expected)} "
                        f"nhưng ô ghi {_number(values[number])}.")
    checker.rates(excel_row, cells, values)


def _capped(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    left_out = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [Problem("", "", f"Còn {_number(left_out)} lỗi khác không liệt kê; "
                                                      "hãy sửa các lỗi trên rồi tải tệp lên lại.")]


def read_appendix(data: bytes) -> list[LocalityRow]:
    """The locality rows of a Phụ lục 01 .xlsx; AppendixError with every problem unless all is valid."""
    _check_container(data)
    table = _load_table(data)
    rows, problems = _check_table(table)
    if problems:
        raise AppendixError(_capped(problems))
    return rows


# --- Writing -----------------------------------------------------------------------------------

_FONT = "Times New Roman"
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
_HEADER_ROW = 6  # title lines on rows 1-4, a blank row, then the header
_FORMULA_STARTS = ("=", "+", "-", "@")


def _safe_text(cell, text: str) -> None:
    """Store text as a string even when it looks like a formula: Excel shows it, never runs it.

    openpyxl turns any string starting with "=" into a formula; forcing the string type undoes that,
    and quotePrefix is Excel's leading apostrophe, so editing the cell later keeps it text.
    """
    cell.value = text
    if text.startswith(_FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _title_lines(year: int, reference: str) -> list[str]:
    reference = reference.strip() or f"     /     ngày     /     /{year}"
    return ["Phụ lục 01",
            "GIAO CHỈ TIÊU SỐ LƯỢNG CÁC ĐỐI TƯỢNG HƯỞNG CHÍNH SÁCH AN SINH XÃ HỘI",
            f"ĐƯỢC MỞ TÀI KHOẢN, CHI TRẢ KHÔNG DÙNG TIỀN MẶT TRONG NĂM {year}",
            f"(Kèm theo Công văn số: {reference})"]


def _header_cells(year: int) -> list[tuple[int, int, int, int, str]]:
    """(first column, first row, last column, last row, text) of the header; row 0 is its first row."""
    cells = [(1, 0, 1, 2, "TT"), (2, 0, 2, 2, "Tên địa phương")]
    groups = ((3, "Người có công đang hưởng trợ cấp hàng tháng", "Tổng số người có công", "người có công"),
              (10, "Đối tượng bảo trợ xã hội đang hưởng trợ cấp hàng tháng", "Tổng số đối tượng bảo trợ xã hội",
               "đối tượng bảo trợ xã hội"))
    for first, heading, total, who in groups:
        cells += [(first, 0, first + 6, 0, heading),
                  (first, 1, first, 2, total),
                  (first + 1, 1, first + 6, 1, f"Số lượng {who} được mở tài khoản, chi trả không dùng tiền mặt "
                                               "(mức tối thiểu đạt được)")]
        cells += [(first + 1 + q, 2, first + 1 + q, 2, f"Quý {q + 1}/{year}") for q in range(4)]
        cells += [(first + 5, 2, first + 5, 2, f"Tổng số cả năm {year}"),
                  (first + 6, 2, first + 6, 2, f"Tỷ lệ % đạt được cả năm {year}")]
    return cells


def _style(cell, bold=False, align=_CENTER, size=12, border=True):
    cell.font = Font(name=_FONT, size=size, bold=bold)
    cell.alignment = align
    if border:
        cell.border = _BORDER


def _write_titles(sheet, year: int, reference: str) -> None:
    last = get_column_letter(_TABLE_WIDTH)
    for row, text in enumerate(_title_lines(year, reference), start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1)
        _safe_text(cell, text)
        _style(cell, bold=row < 4, size=13, border=False, align=Alignment(horizontal="center", vertical="center"))
        if row == 4:
            cell.font = Font(name=_FONT, size=13, italic=True)


def _write_header(sheet, year: int) -> None:
    top = _HEADER_ROW
    for row in range(top, top + 3):  # border every cell, merged ones included, so lines print
        for col in range(1, _TABLE_WIDTH + 1):
            _style(sheet.cell(row=row, column=col), bold=True)
    for min_col, min_row, max_col, max_row, text in _header_cells(year):
        if (min_col, min_row) != (max_col, max_row):
            sheet.merge_cells(start_row=top + min_row, start_column=min_col,
                              end_row=top + max_row, end_column=max_col)
        sheet.cell(row=top + min_row, column=min_col).value = text
    for col, label in enumerate(_COLUMN_LABELS, start=1):
        cell = sheet.cell(row=top + 3, column=col, value=label)
        _style(cell, bold=True)
    sheet.row_dimensions[top].height = 36
    sheet.row_dimensions[top + 1].height = 48
    sheet.row_dimensions[top + 2].height = 48


def _write_figures(sheet, row: int, values: dict[str, Figures], bold=False) -> None:
    for group, first in _GROUP_FIRST_COLUMN.items():
        figures = values.get(group) or Figures(0, (0, 0, 0, 0))
        numbers = [figures.total, *figures.quarters, figures.year_total]
        for offset, number in enumerate(numbers):
            cell = sheet.cell(row=row, column=2 + first + offset, value=int(number))
            cell.number_format = "#,##0"
            _style(cell, bold=bold, align=_RIGHT)
        cell = sheet.cell(row=row, column=2 + first + _RATE, value=figures.rate)
        cell.number_format = "0%"
        _style(cell, bold=bold, align=_RIGHT)


def _sum_figures(rows: list[tuple[str, dict[str, Figures]]]) -> dict[str, Figures]:
    totals = {}
    for group in GROUPS:
        present = [values[group] for _, values in rows if values.get(group)]
        totals[group] = Figures(sum(f.total for f in present),
                                tuple(sum(f.quarters[q] for f in present) for q in range(4)))
    return totals


def _page_setup(sheet, first_data_row: int) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW + 3}"
    sheet.freeze_panes = f"C{first_data_row}"
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 24
    for col in range(3, _TABLE_WIDTH + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 11


def build_appendix(year: int, rows: list[tuple[str, dict[str, Figures]]], reference: str = "") -> bytes:
    """Phụ lục 01 as .xlsx in the appendix layout; values, not formulas, for totals and rates.

    `reference` is the text after "Kèm theo Công văn số:", e.g. "15/UBND-KGVX ngày 05/01/2024 của
    UBND tỉnh". A missing group in a row is written as zeros.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục 01"
    _write_titles(sheet, year, reference)
    _write_header(sheet, year)
    first = _HEADER_ROW + 4
    for index, (name, values) in enumerate(rows):
        row = first + index
        _style(sheet.cell(row=row, column=1, value=index + 1))
        name_cell = sheet.cell(row=row, column=2)
        _safe_text(name_cell, str(name))
        _style(name_cell, align=_LEFT)
        _write_figures(sheet, row, values)
    total_row = first + len(rows)
    _style(sheet.cell(row=total_row, column=1))
    label = sheet.cell(row=total_row, column=2, value="Tổng cộng")
    _style(label, bold=True)
    _write_figures(sheet, total_row, _sum_figures(rows), bold=True)
    _page_setup(sheet, first)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
