"""Appendix tables (Phụ lục) of an indicator set read from and written to .xlsx, in the layout a
province prints: title lines, the header (group, indicator, column label), the column-number row
"A, B, 1, 2, …, n", one row per locality, then "Tổng cộng".

The columns are the set's own: each numbered column holds a value (a target) or a formula over
earlier columns, a sum ("6 = 2+3+4+5") or a rate ("7 = 6/1"), described by a Layout. Reading checks
the whole file and refuses it with every problem at its cell; writing puts the formulas the appendix
shows, with their values cached so that every viewer shows numbers.

Pure: openpyxl and the standard library only. Everything the user sees is Vietnamese.
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

from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.properties import PageSetupProperties

from . import xlsx_cache
from .input import MAX_COUNT
from .vietnamese import format_number

# Limits that keep one upload cheap whatever it contains.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # sum of the zip members' declared sizes
# An appendix holds a few hundred strings (a few KB); a million of them costs seconds and hundreds of
# MB before the first row is read, and zipfile never hands out more than a member's declared size.
MAX_SHARED_STRINGS_BYTES = 2 * 1024 * 1024
MAX_SHEET_XML_BYTES = 16 * 1024 * 1024
MAX_DATA_ROWS = 2000
MAX_SCANNED_ROWS = 10_000  # data rows plus blank rows read before giving up on "Tổng cộng"
HEADER_SEARCH_ROWS = 30
HEADER_SEARCH_COLUMNS = 60
MAX_COLUMNS = 50  # numbered columns of a layout
MAX_PROBLEMS = 200  # beyond this the list is cut, with one line saying how many were left out
RATE_TOLERANCE = 1.0  # percentage points: appendices print rates rounded to whole percents
MAX_RATE = 100_000  # percent: far beyond any real rate, short enough to print

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other old Office files)


# --- Public data -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One numbered column: a value (formula None), or ("sum", operands) / ("rate", (numerator,
    denominator)) over earlier columns. group/heading/label are its three header lines."""
    number: int
    formula: tuple | None = None
    decimals: bool = False
    label: str = ""
    heading: str = ""
    group: str = ""

    @property
    def kind(self) -> str:
        return self.formula[0] if self.formula else "value"

    @property
    def operands(self) -> tuple:
        return self.formula[1] if self.formula else ()

    @property
    def number_label(self) -> str:
        """How the column-number row prints it: "6=2+3+4+5", "7=6/1", or "3"."""
        if not self.formula:
            return str(self.number)
        sign = "+" if self.kind == "sum" else "/"
        return f"{self.number}={sign.join(str(n) for n in self.operands)}"


@dataclass(frozen=True)
class Layout:
    """An appendix: its numbered columns (1..n in order), its name ("Phụ lục 01") and title lines."""
    columns: tuple
    label: str = "Phụ lục"
    title_lines: tuple = ()

    def __post_init__(self):
        if [c.number for c in self.columns] != list(range(1, len(self.columns) + 1)):
            raise ValueError("columns must be numbered 1..n in order")
        if not 1 <= len(self.columns) <= MAX_COLUMNS:
            raise ValueError("an appendix has 1 to 50 numbered columns")

    @property
    def width(self) -> int:
        return len(self.columns)

    def column(self, number: int) -> Column:
        return self.columns[number - 1]


@dataclass
class LocalityRow:
    """One locality row of the table, its name exactly as written (outer spaces trimmed), and the
    numbers of its columns (rates left out)."""
    name: str
    row: int  # 1-based Excel row
    values: dict
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


def computed(layout: Layout, values: dict) -> dict:
    """The values of every numbered column given the value columns': sums added up, rates as fractions
    (None when the denominator is 0 or missing)."""
    result = dict(values)
    for column in layout.columns:
        if column.kind == "sum":
            parts = [result.get(n) for n in column.operands]
            result[column.number] = None if None in parts else sum(parts)
        elif column.kind == "rate":
            top, bottom = (result.get(n) for n in column.operands)
            result[column.number] = top / bottom if top is not None and bottom else None
    return result


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
class _Place:
    """Where the table sits: the name column (numbered column k is name_col + k), the TT column and
    the first row after the header."""
    name_col: int
    tt_col: int | None
    first_row: int
    skip_header_rows: bool = False  # no column-number row: skip unnamed header rows first


@dataclass
class _Table:
    sheet: str
    place: _Place
    rows: list[tuple[int, tuple[_Cell, ...]]]  # (Excel row, cells from column 1)
    total: tuple[int, tuple[_Cell, ...]] | None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    cached: dict = field(default_factory=dict)  # "H10" -> the value a formula cell's file keeps


def _invalid_file(detail: str = "") -> AppendixError:
    reason = "Tệp không phải là tệp Excel .xlsx hợp lệ (không mở được)."
    if detail:
        reason += " " + detail
    return AppendixError([Problem("", "", reason)])


def _check_container(data: bytes, label: str) -> None:
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
        raise AppendixError([Problem("", "", f"Tệp giải nén ra quá lớn (hơn {limit} MB); bảng {label} "
                                             "không cần lớn như vậy, tệp có thể bị hỏng hoặc độc hại.")])
    if not any(m.filename == "[Content_Types].xml" for m in members):
        raise _invalid_file("Tệp nén không chứa sổ làm việc Excel.")
    for member in members:
        name = member.filename.lower()
        if name == "xl/sharedstrings.xml" and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise AppendixError([Problem("", "", (
                f"Tệp chứa quá nhiều chữ (bảng chuỗi hơn {_number(MAX_SHARED_STRINGS_BYTES // (1024 * 1024))} MB); "
                f"{label} chỉ cần vài trăm ô chữ. Hãy chép riêng bảng {label} sang một tệp mới rồi tải lên."))])
        if name.startswith("xl/worksheets/") and member.file_size > MAX_SHEET_XML_BYTES:
            raise AppendixError([Problem("", "", (
                "Một trang tính của tệp quá lớn (hơn "
                f"{_number(MAX_SHEET_XML_BYTES // (1024 * 1024))} MB); {label} chỉ có vài chục dòng. "
                f"Hãy chép riêng bảng {label} sang một tệp mới rồi tải lên."))])


def _load_table(data: bytes, layout: Layout) -> _Table:
    """Open the workbook read-only and copy out the header search area and the table rows."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds (KeyError, XML errors, …) on a broken file
        raise _invalid_file() from None
    try:
        return _scan_workbook(workbook, data, layout)
    except AppendixError:
        raise
    except Exception:  # read-only sheets are parsed lazily, so a broken sheet only fails here
        raise _invalid_file() from None
    finally:
        workbook.close()


def _scan_workbook(workbook, data: bytes, layout: Layout) -> _Table:
    for sheet in workbook.worksheets:
        head = _grid(sheet, 1, HEADER_SEARCH_ROWS, max(HEADER_SEARCH_COLUMNS, layout.width + 4))
        place = _find_place(head, layout)
        if place is not None:
            rows, total = _table_rows(sheet, place, layout)
            xml = _sheet_xml(data, sheet)
            has_formulas = any(c.data_type == "f" for _, cells in rows + ([total] if total else []) for c in cells)
            facts = _sheet_facts(xml)
            return _Table(sheet.title, place, rows, total, facts.merged, facts.hidden_rows, facts.hidden_cols,
                          cached=facts.cached if has_formulas else {})
    raise AppendixError([Problem("", "", (
        f"Không tìm thấy bảng {layout.label}: không trang tính nào có dòng tiêu đề «Tên địa phương» hoặc dòng "
        f"số thứ tự cột A, B, 1, 2, …, {layout.width} trong {HEADER_SEARCH_ROWS} dòng đầu."))])


def _grid(sheet, min_row: int, max_row: int, max_col: int) -> list[tuple[_Cell, ...]]:
    """Cells of a block of rows; explicit bounds so a wrong declared sheet size does not matter."""
    return [_snapshot(cells) for cells in sheet.iter_rows(min_row=min_row, max_row=max_row,
                                                           min_col=1, max_col=max_col)]


def _snapshot(cells) -> tuple[_Cell, ...]:
    return tuple(_Cell(c.value, c.data_type) if c.value is not None else _EMPTY for c in cells)


def _table_rows(sheet, place: _Place, layout: Layout):
    """The non-blank rows after the header, up to and including "Tổng cộng" (bounded)."""
    last_col = place.name_col + layout.width
    rows, data_rows, in_header = [], 0, place.skip_header_rows
    for offset, cells in enumerate(sheet.iter_rows(min_row=place.first_row,
                                                   max_row=place.first_row + MAX_SCANNED_ROWS - 1,
                                                   min_col=1, max_col=last_col)):
        row = (place.first_row + offset, _snapshot(cells))
        if _is_blank(row[1], place, layout):
            continue
        if _is_total_row(row[1], place):
            return rows, row
        if in_header:
            name = row[1][place.name_col - 1].value
            if _blank(name) or _fold(name) == "ten dia phuong":
                continue
            in_header = False
        data_rows += 1
        if data_rows > MAX_DATA_ROWS:
            raise AppendixError([Problem(sheet.title, "", (
                f"Bảng có hơn {_number(MAX_DATA_ROWS)} dòng số liệu; {layout.label} chỉ có một dòng cho mỗi "
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


class _SheetFacts(NamedTuple):
    merged: list  # (min_col, min_row, max_col, max_row)
    hidden_rows: set
    hidden_cols: set
    cached: dict  # "H10" -> the value a formula cell's file keeps: what Excel showed when it saved


_TRUE = ("1", "true")
_CELL_REF = re.compile(r"[A-Z]{1,3}[0-9]{1,7}")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _bounded_int(text, high: int) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() and 0 < int(text) <= high else None


def _sheet_facts(xml: bytes) -> _SheetFacts:
    """What openpyxl's read-only sheets leave out, read from the sheet's XML with a parser (any
    prefix, quotes or attribute order): merged ranges, hidden rows and columns (a hidden number
    would be imported unseen, so it is refused) and the values kept beside formulas. No DTD, no
    entities, no network; elements are dropped as they are read."""
    facts = _SheetFacts([], set(), set(), {})
    if not xml:
        return facts
    parser = etree.iterparse(io.BytesIO(xml), events=("end",), resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        for _, element in parser:
            name = _local(element.tag)
            if name == "row" and element.get("hidden") in _TRUE:
                row = _bounded_int(element.get("r"), 1_048_576)
                if row:
                    facts.hidden_rows.add(row)
            elif name == "col" and element.get("hidden") in _TRUE:
                low, high = _bounded_int(element.get("min"), 16384), _bounded_int(element.get("max"), 16384)
                if low and high:
                    facts.hidden_cols.update(range(low, high + 1))
            elif name == "mergeCell" and element.get("ref"):
                try:
                    facts.merged.append(range_boundaries(element.get("ref")))
                except (ValueError, TypeError):
                    pass
            elif name == "c":
                _keep_cached(element, facts.cached)
            if name in ("c", "mergeCell", "col"):
                element.clear(keep_tail=False)
            elif name == "row":
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError:
        raise _invalid_file("Một trang tính không đọc được (XML hỏng).") from None
    return facts


def _keep_cached(cell, cached: dict) -> None:
    """A formula cell's number as the file keeps it."""
    kind = cell.get("t") or "n"
    if kind.startswith("s") or kind in ("e", "inlineStr"):
        return
    children = {_local(child.tag): child for child in cell}
    ref, value = cell.get("r") or "", children.get("v")
    if "f" not in children or value is None or not _CELL_REF.fullmatch(ref) or not value.text:
        return
    try:
        number = float(value.text[:40])
    except ValueError:
        return
    if math.isfinite(number):
        cached[ref] = number


# --- Reading: finding the header ---------------------------------------------------------------

def _label(value) -> str:
    """A column-number cell as a bare token: "$6=2+3+4+5$", " 6 " and 6.0 all give "6"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s$]+", "", str(value)).lower()
    return text.split("=", 1)[0]


def _numbered_width(labels: list[str], col: int) -> int:
    """How many numbered columns a column-number row starting at `col` ("a", "b", "1", "2", …) has."""
    if labels[col:col + 3] != ["a", "b", "1"]:
        return 0
    count = 0
    while col + 2 + count < len(labels) and labels[col + 2 + count] == str(count + 1):
        count += 1
    return count


def _find_place(head: list[tuple[_Cell, ...]], layout: Layout) -> _Place | None:
    """Locate the table by content: the column-number row, else the "Tên địa phương" row. A column-
    number row with another count of columns is a file laid out for another appendix: refused."""
    expected = ("a", "b", *(str(n) for n in range(1, layout.width + 1)))
    name_row, other = None, None
    for index, cells in enumerate(head):
        labels = [_label(c.value) if c.value is not None else "" for c in cells]
        for col in range(len(labels) - len(expected) + 1):
            if tuple(labels[col:col + len(expected)]) == expected and _numbered_width(labels, col) == layout.width:
                return _Place(name_col=col + 2, tt_col=col + 1, first_row=index + 2)
        for col in range(len(labels) - 2):
            if other is None and (width := _numbered_width(labels, col)) >= 2:
                other = width
        if name_row is None:
            for col, cell in enumerate(cells, start=1):
                if cell.value is not None and _fold(cell.value) == "ten dia phuong":
                    name_row = (index + 1, col)
                    break
    if other is not None and other != layout.width:
        raise AppendixError([Problem("", "", (
            f"Bảng trong tệp có {other} cột đánh số (A, B, 1 … {other}) nhưng {layout.label} của bộ chỉ tiêu "
            f"này có {layout.width} cột: tệp không theo mẫu của bộ chỉ tiêu này (kiểm tra lại bộ chỉ tiêu "
            "đã chọn, hoặc mẫu phụ lục của nó)."))])
    if name_row is None:
        return None
    row, col = name_row
    return _Place(name_col=col, tt_col=col - 1 if col > 1 else None, first_row=row + 1, skip_header_rows=True)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())



def _table_cells(cells: tuple[_Cell, ...], place: _Place, layout: Layout) -> list[_Cell]:
    first = place.tt_col or place.name_col
    return list(cells[first - 1:place.name_col + layout.width])


def _is_blank(cells, place, layout) -> bool:
    return all(_blank(c.value) for c in _table_cells(cells, place, layout))


def _is_total_row(cells, place) -> bool:
    labels = [cells[place.name_col - 1].value]
    if place.tt_col:
        labels.append(cells[place.tt_col - 1].value)
    return any(isinstance(v, str) and _fold(v) in ("tong cong", "cong") for v in labels)


# --- Reading: cell values ----------------------------------------------------------------------

_TEXT_COUNT = re.compile(r"\d+|\d{1,3}(?:\.\d{3})+")  # "1912" or "1.912", "16.975"
_TEXT_DECIMAL = re.compile(r"(\d+|\d{1,3}(?:\.\d{3})+)(?:,(\d{1,6}))?")  # "1.234,5", "12,5"
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


def _parse_value(cell: _Cell, decimals: bool = False) -> tuple[float | None, str | None]:
    """A non-negative number (whole unless `decimals`), or the reason the cell is not one."""
    value = cell.value
    wanted = "một số không âm" if decimals else "một số nguyên không âm"
    if _blank(value):
        return None, f"Ô trống; cần nhập {wanted} (nhập 0 nếu không có)."
    refused = _not_value(cell)
    if refused:
        return None, refused
    too_big = f"Số quá lớn; tối đa {_number(MAX_COUNT)}."
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        pattern = _TEXT_DECIMAL if decimals else _TEXT_COUNT
        if match := pattern.fullmatch(text):
            digits = match.group(1).replace(".", "") if decimals else text.replace(".", "")
            if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
                return None, too_big
            fraction = match.group(2) if decimals else None
            return (float(f"{digits}.{fraction}") if fraction else int(digits)), None
        if text.startswith("-") and pattern.fullmatch(text[1:].strip()):
            return None, f"Số âm {_quote(value)}; số liệu không thể âm."
        return None, f"Ô chứa chữ {_quote(value)}, không phải số; cần nhập {wanted}."
    if isinstance(value, float) and not math.isfinite(value):
        return None, f"Giá trị {_quote(value)} không phải số hợp lệ."
    if value < 0:
        return None, f"Số âm ({_number(value)}); số liệu không thể âm."
    if value > MAX_COUNT:  # before printing it: 1e308 has 309 digits
        return None, too_big
    if isinstance(value, float) and not value.is_integer():
        if decimals:
            return value, None
        return None, f"Số có phần lẻ ({_number(value)}); cột này là số nguyên."
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
    """In a message: one decimal, halves up as everywhere else (356,25 -> "356,3%")."""
    return format_number(value, 1) + "%"


# --- Reading: checking the table ---------------------------------------------------------------

class _Checker:
    """Collects problems while reading one table; knows where each numbered column sits."""

    def __init__(self, table: _Table, layout: Layout):
        self.table = table
        self.place = table.place
        self.layout = layout
        self.problems: list[Problem] = []
        self.covered, self.merge_problems = self._merges()

    def add(self, col: int, row: int, reason: str) -> None:
        self.problems.append(Problem(self.table.sheet, f"{get_column_letter(col)}{row}", reason))

    def column(self, number: int) -> int:
        """Excel column of numbered column 1..n."""
        return self.place.name_col + number

    def _merges(self):
        """Cells hidden under a merge inside the table, and one problem per such merge."""
        row_numbers = [r for r, _ in self.table.rows] + ([self.table.total[0]] if self.table.total else [])
        if not row_numbers:
            return set(), []
        first, last = row_numbers[0], row_numbers[-1]
        left, right = self.place.tt_col or self.place.name_col, self.place.name_col + self.layout.width
        covered, problems = set(), []
        for min_col, min_row, max_col, max_row in self.table.merged:
            if max_row < first or min_row > last or max_col < left or min_col > right:
                continue
            total_label = (self.table.total and min_row == max_row == self.table.total[0]
                           and max_col <= self.place.name_col)
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
        left = self.place.tt_col or self.place.name_col
        right = self.place.name_col + self.layout.width
        for col in sorted(c for c in self.table.hidden_cols if left <= c <= right):
            self.add(col, self.place.first_row, f"Cột {get_column_letter(col)} đang bị ẩn; hãy bỏ ẩn cột "
                                                "(Unhide) để thấy và kiểm tra số liệu rồi tải lên lại.")
        rows = [r for r, _ in self.table.rows] + ([self.table.total[0]] if self.table.total else [])
        for row in rows:
            if row in self.table.hidden_rows:
                self.add(self.place.name_col, row, f"Dòng {row} đang bị ẩn; hãy bỏ ẩn dòng (Unhide) để thấy "
                                                   "và kiểm tra số liệu rồi tải lên lại.")

    def flush_merges(self, up_to_row: int) -> None:
        """Emit merge problems in row order, next to the rows they affect."""
        while self.merge_problems and self.merge_problems[0][0] <= up_to_row:
            self.problems.append(self.merge_problems.pop(0)[1])

    def _formula_value(self, excel_row: int, col: int, cell: _Cell):
        """A formula where the appendix shows one (a sum or rate column, the Tổng cộng row): the value
        the file keeps beside it; (None, True) when it keeps none, so that the checks skip it."""
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.strip().startswith("=")):
            return self.table.cached.get(f"{get_column_letter(col)}{excel_row}"), True
        return None, False

    def values(self, excel_row: int, cells, total_row: bool = False) -> dict:
        """Numbered value and sum columns parsed, with a problem for each bad cell (None: unknown)."""
        values = {}
        for column in self.layout.columns:
            if column.kind == "rate":
                continue
            col = self.column(column.number)
            if (excel_row, col) in self.covered:
                values[column.number] = None  # already reported as a merge
                continue
            cell = cells[col - 1]
            if column.kind == "sum" or total_row:
                cached, is_formula = self._formula_value(excel_row, col, cell)
                if is_formula:
                    values[column.number] = cached
                    continue
            values[column.number], reason = _parse_value(cell, column.decimals)
            if reason:
                self.add(col, excel_row, reason)
        return values

    def sums(self, excel_row: int, values: dict) -> None:
        """Each sum column equals the sum of its operands: 6 = 2+3+4+5."""
        for column in self.layout.columns:
            if column.kind != "sum":
                continue
            parts = [values.get(n) for n in column.operands]
            value = values.get(column.number)
            if value is None or None in parts or abs(value - sum(parts)) < 1e-6:
                continue
            formula = "+".join(str(n) for n in column.operands)
            shown = " + ".join(_number(p) for p in parts)
            self.add(self.column(column.number), excel_row,
                     f"Cột {column.number} phải bằng {formula}: {shown} = {_number(sum(parts))}, "
                     f"nhưng ô ghi {_number(value)}.")

    def rates(self, excel_row: int, cells, values: dict) -> None:
        """Each rate column ≈ numerator/denominator, within RATE_TOLERANCE points; empty is fine."""
        for column in self.layout.columns:
            if column.kind != "rate":
                continue
            col = self.column(column.number)
            if (excel_row, col) in self.covered:
                continue
            cached, is_formula = self._formula_value(excel_row, col, cells[col - 1])
            if is_formula:
                if cached is None:
                    continue
                meanings, reason = _rate_meanings(cached), None
            else:
                meanings, reason = _parse_rate(cells[col - 1])
            if reason:
                self.add(col, excel_row, reason)
                continue
            top_number, bottom_number = column.operands
            top, bottom = values.get(top_number), values.get(bottom_number)
            if not meanings or top is None or bottom is None:
                continue
            label = f"cột {top_number}/cột {bottom_number}"
            if bottom == 0:
                if any(m != 0 for m in meanings):
                    self.add(col, excel_row, f"Cột {bottom_number} bằng 0 nên không có tỷ lệ; hãy để trống ô này.")
                continue
            expected = 100.0 * top / bottom
            if all(abs(m - expected) > RATE_TOLERANCE + 1e-9 for m in meanings):
                self.add(col, excel_row, f"Tỷ lệ ghi {_percent(meanings[0])} nhưng {label} = "
                                         f"{_number(top)}/{_number(bottom)} = {_percent(expected)} "
                                         f"(chênh quá {_number(RATE_TOLERANCE)} điểm phần trăm).")


def _check_table(table: _Table, layout: Layout) -> tuple[list[LocalityRow], list[Problem]]:
    checker = _Checker(table, layout)
    place, sheet = table.place, table.sheet
    name_letter = get_column_letter(place.name_col)
    checker.hidden()
    result, seen = [], {}
    sums = {c.number: 0 for c in layout.columns if c.kind != "rate"}
    for excel_row, cells in table.rows:
        before = len(checker.problems)
        checker.flush_merges(excel_row)
        name = _check_name(checker, excel_row, cells[place.name_col - 1])
        values = checker.values(excel_row, cells)
        checker.sums(excel_row, values)
        checker.rates(excel_row, cells, values)
        for number in sums:
            sums[number] = None if sums[number] is None or values[number] is None else sums[number] + values[number]
        if name:
            key = normalise_name(name)
            if key in seen:
                first_row, first_name = seen[key]
                checker.add(place.name_col, excel_row,
                            f"Địa phương «{name}» bị trùng với dòng {first_row} "
                            f"(ô {name_letter}{first_row}, «{first_name}»).")
            else:
                seen[key] = (excel_row, name)
        if name and len(checker.problems) == before:
            kept = {c.number: values[c.number] for c in layout.columns if c.kind == "value"}
            result.append(LocalityRow(name, excel_row, kept, name_letter, sheet))
    if not table.rows:
        checker.problems.append(Problem(sheet, "", "Bảng không có dòng địa phương nào."))
    _check_total(checker, table, sums)
    checker.flush_merges(10 ** 9)
    return result, checker.problems


def _check_name(checker: _Checker, excel_row: int, cell: _Cell) -> str | None:
    """The locality name as text; HTML or script in it is just text and stays as written."""
    col = checker.place.name_col
    if (excel_row, col) in checker.covered:
        return None
    if cell.data_type == "f":
        checker.add(col, excel_row, f"Tên địa phương là công thức {_quote(cell.value)}; hãy nhập tên.")
        return None
    if _blank(cell.value):
        checker.add(col, excel_row, "Thiếu tên địa phương.")
        return None
    return str(cell.value).strip()


def _check_total(checker: _Checker, table: _Table, sums: dict) -> None:
    """The "Tổng cộng" row: every number column equals the sum of the localities; rates as in rows."""
    if table.total is None:
        checker.problems.append(Problem(table.sheet, "", "Không có dòng «Tổng cộng» ở cuối bảng."))
        return
    excel_row, cells = table.total
    checker.flush_merges(excel_row - 1)
    values = checker.values(excel_row, cells, total_row=True)
    for number, expected in sums.items():
        if expected is not None and values[number] is not None and abs(values[number] - expected) > 1e-6:
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


def read_appendix(data: bytes, layout: Layout) -> list[LocalityRow]:
    """The locality rows of an appendix .xlsx laid out as `layout`; AppendixError with every problem
    unless all is valid."""
    _check_container(data, layout.label)
    table = _load_table(data, layout)
    rows, problems = _check_table(table, layout)
    if problems:
        raise AppendixError(_capped(problems))
    return rows


# --- Writing -----------------------------------------------------------------------------------

FONT = "Times New Roman"
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
_FORMULA_STARTS = ("=", "+", "-", "@")
TT_WIDTH, NAME_WIDTH, NUMBER_WIDTH, RATE_WIDTH = 5, 26, 11.5, 10
LINE_POINTS = 15.5  # one line of 12 pt Times New Roman with its leading


def safe_text(cell, text: str) -> None:
    """Store text as a string even when it looks like a formula: Excel shows it, never runs it.

    openpyxl turns any string starting with "=" into a formula; forcing the string type undoes that,
    and quotePrefix is Excel's leading apostrophe, so editing the cell later keeps it text.
    """
    cell.value = text
    if text.startswith(_FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _style(cell, bold=False, align=_CENTER, size=12, border=True, italic=False):
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    cell.alignment = align
    if border:
        cell.border = _BORDER


def lines_needed(text: str, width: float, bold: bool = False, size: int = 12) -> int:
    """How many lines a wrapped text takes in a cell `width` characters wide (Excel's unit, about one
    digit of the default font): a generous estimate, since a row LibreOffice cannot grow clips the
    text instead."""
    # A unit of width holds about one digit of Calibri 11; Times New Roman is narrower (measured in
    # LibreOffice: about 1.2 bold and 1.35 regular characters of 12 pt per unit), less a margin for
    # the words wrapping whole.
    per_line = max(1.0, (width - 1) * (12 / size) * (1.1 if bold else 1.25))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def set_height(sheet, row: int, lines: int, size: int = 12) -> None:
    sheet.row_dimensions[row].height = max(sheet.row_dimensions[row].height or 0,
                                           round(lines * LINE_POINTS * size / 12 + 4, 1))


def width_of(number: int, layout: Layout) -> float:
    """A column wide enough for its number label ("13=9+10+11+12") on one line."""
    column = layout.column(number)
    base = RATE_WIDTH if column.kind == "rate" else NUMBER_WIDTH
    return max(base, round(len(column.number_label) * 0.95 + 2, 1))


def title_lines(layout: Layout, year: int, reference: str) -> list[str]:
    """The appendix's name, its title lines with the year, and "(Kèm theo …)"."""
    reference = reference.strip() or "Công văn số:      /     ngày     /     /" + str(year)
    lines = [layout.label] if layout.label else []
    lines += [line.replace("{năm}", str(year)) for line in layout.title_lines if line.strip()]
    return lines + [f"(Kèm theo {reference})"]


def header_levels(layout: Layout) -> list[list[str]]:
    """The header's lines above the column numbers, per numbered column: [group], heading, label.
    A formula column takes the group and heading of its first operand; a line no column uses is
    left out."""
    groups, headings = {}, {}
    for column in layout.columns:
        source = column
        while source.formula and not (source.group or source.heading):
            source = layout.column(source.operands[0])
        groups[column.number] = column.group or source.group
        headings[column.number] = column.heading or source.heading
    levels = []
    if any(groups.values()):
        levels.append([groups[c.number] for c in layout.columns])
    levels.append([headings[c.number] for c in layout.columns])
    levels.append([c.label for c in layout.columns])
    return levels


def header_cells(layout: Layout) -> list[tuple[int, int, int, int, str]]:
    """(first column number, first level, last column number, last level, text) of the header: runs of
    equal text inside the same run above are merged across; a heading over a single column (or a blank
    one) is merged down with the label below, which it shows ("Tổng số người có công"), as appendices
    print it."""
    levels = header_levels(layout)
    heading, labels = len(levels) - 2, levels[-1]
    cells, parents, merged_down = [], [(1, layout.width)], set()
    for level, texts in enumerate(levels[:-1]):
        runs = []
        for first, last in parents:
            start = first
            for number in range(first + 1, last + 2):
                if number > last or texts[number - 1] != texts[start - 1]:
                    runs.append((start, number - 1))
                    start = number
        parents = runs
        for first, last in runs:
            text = texts[first - 1]
            if level == heading and (first == last or not text):
                for number in range(first, last + 1):
                    cells.append((number, level, number, level + 1, labels[number - 1] or text))
                    merged_down.add(number)
            else:
                cells.append((first, level, last, level, text))
    cells += [(c.number, heading + 1, c.number, heading + 1, labels[c.number - 1])
              for c in layout.columns if c.number not in merged_down]
    return cells


def header_table(layout: Layout, year: int | None = None) -> list[list[dict]]:
    """The header as HTML table rows of cells {text, colspan, rowspan}, TT and name included; with a
    year, "{năm}" in the labels becomes it."""
    depth = len(header_levels(layout))
    rows = [[] for _ in range(depth)]
    rows[0] += [{"text": "TT", "colspan": 1, "rowspan": depth},
                {"text": "Tên địa phương", "colspan": 1, "rowspan": depth}]
    for first, level, last, bottom, text in sorted(header_cells(layout), key=lambda c: (c[1], c[0])):
        if year is not None:
            text = text.replace("{năm}", str(year))
        rows[level].append({"text": text, "colspan": last - first + 1, "rowspan": bottom - level + 1})
    return rows


def build_appendix(layout: Layout, year: int, rows: list, reference: str = "") -> bytes:
    """The appendix as .xlsx: rows are (locality name, {column number: value}) for the value columns
    (a missing one is 0). Sums and rates are the formulas the appendix shows, "Tổng cộng" sums each
    column; every formula keeps its value, so the file opens with numbers everywhere.

    `reference` follows "Kèm theo", e.g. "Công văn số /UBND-KGVX ngày 08/01/2024 của UBND tỉnh Quảng Trị".
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (layout.label or "Phụ lục")[:31]
    cache = xlsx_cache.Cache()
    width = layout.width + 2
    last = get_column_letter(width)
    sheet.column_dimensions["A"].width = TT_WIDTH
    sheet.column_dimensions["B"].width = NAME_WIDTH
    for number in range(1, layout.width + 1):
        sheet.column_dimensions[get_column_letter(number + 2)].width = width_of(number, layout)
    total_width = TT_WIDTH + NAME_WIDTH + sum(width_of(n, layout) for n in range(1, layout.width + 1))

    titles = title_lines(layout, year, reference)
    for row, text in enumerate(titles, start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1)
        safe_text(cell, text)
        italic = row == len(titles)
        _style(cell, bold=not italic, italic=italic, size=13, border=False, align=_CENTER)
        set_height(sheet, row, lines_needed(text, total_width, bold=not italic, size=13), size=13)

    top = len(titles) + 2
    levels = header_levels(layout)
    depth = len(levels)
    for row in range(top, top + depth + 1):  # border every cell, merged ones included, so lines print
        for col in range(1, width + 1):
            _style(sheet.cell(row=row, column=col), bold=True)
    for col, text in ((1, "TT"), (2, "Tên địa phương")):
        sheet.merge_cells(start_row=top, start_column=col, end_row=top + depth - 1, end_column=col)
        sheet.cell(row=top, column=col).value = text
    lines, tall = {}, []
    for first, level, last_number, bottom, text in header_cells(layout):
        text = text.replace("{năm}", str(year))
        if (first, level) != (last_number, bottom):
            sheet.merge_cells(start_row=top + level, start_column=first + 2, end_row=top + bottom,
                              end_column=last_number + 2)
        safe_text(sheet.cell(row=top + level, column=first + 2), text)
        span = sum(width_of(n, layout) for n in range(first, last_number + 1))
        needed = lines_needed(text, span, bold=True)
        if bottom == level:
            lines[level] = max(lines.get(level, 1), needed)
        else:
            tall.append((level, bottom, needed))
    for level, bottom, needed in tall:  # a merge over several lines: what they lack goes to the last one
        have = sum(lines.get(n, 1) for n in range(level, bottom + 1))
        if needed > have:
            lines[bottom] = lines.get(bottom, 1) + needed - have
    for level in range(depth):
        set_height(sheet, top + level, lines.get(level, 1))
    numbers_row = top + depth
    labels = ["A", "B"] + [c.number_label for c in layout.columns]
    for col, label in enumerate(labels, start=1):
        cell = sheet.cell(row=numbers_row, column=col)
        cell.value = int(label) if label.isdigit() else label
    set_height(sheet, numbers_row, max(lines_needed(c.number_label, width_of(c.number, layout), bold=True)
                                       for c in layout.columns))

    first = numbers_row + 1
    for index, (name, values) in enumerate(rows):
        row = first + index
        _style(sheet.cell(row=row, column=1, value=index + 1))
        name_cell = sheet.cell(row=row, column=2)
        safe_text(name_cell, str(name))
        _style(name_cell, align=_LEFT)
        set_height(sheet, row, lines_needed(name, NAME_WIDTH))
        _write_numbers(sheet, cache, layout, row, computed(layout, {n: values.get(n) or 0 for n in _value_numbers(layout)}))
    total_row = first + len(rows)
    _style(sheet.cell(row=total_row, column=1))
    _style(sheet.cell(row=total_row, column=2, value="Tổng cộng"), bold=True)
    totals = {n: sum(values.get(n) or 0 for _, values in rows) for n in _value_numbers(layout)}
    _write_numbers(sheet, cache, layout, total_row, computed(layout, totals), bold=True,
                   sum_rows=(first, total_row - 1) if rows else None)
    set_height(sheet, total_row, 1)
    _page_setup(sheet, top, numbers_row, first)
    return xlsx_cache.save(workbook, {sheet.title: cache})


def _value_numbers(layout: Layout) -> list[int]:
    return [c.number for c in layout.columns if c.kind == "value"]


def _write_numbers(sheet, cache, layout: Layout, row: int, values: dict, bold=False, sum_rows=None) -> None:
    """One row's numbered columns: values, or the formulas of sums and rates (and, on the total row,
    SUM over the rows above) with their values cached."""
    for column in layout.columns:
        cell = sheet.cell(row=row, column=column.number + 2)
        letter = lambda n: get_column_letter(n + 2)  # noqa: E731
        value = values.get(column.number)
        if column.kind == "rate":
            top, bottom = column.operands
            if value is not None:
                cache.formula(cell, f"={letter(top)}{row}/{letter(bottom)}{row}", value)
            cell.number_format = "0%"
        elif sum_rows is not None:
            cache.formula(cell, f"=SUM({letter(column.number)}{sum_rows[0]}:{letter(column.number)}{sum_rows[1]})",
                          value)
        elif column.kind == "sum":
            cache.formula(cell, "=" + "+".join(f"{letter(n)}{row}" for n in column.operands), value)
        else:
            cell.value = int(value) if float(value).is_integer() else value
        if column.kind != "rate":
            cell.number_format = "#,##0.0#" if column.decimals else "#,##0"
        _style(cell, bold=bold, align=_RIGHT)


def _page_setup(sheet, header_top: int, numbers_row: int, first_data_row: int) -> None:
    """Landscape A4, one page wide, the header repeated on every page, the table centred."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_title_rows = f"{header_top}:{numbers_row}"
    sheet.freeze_panes = f"C{first_data_row}"
