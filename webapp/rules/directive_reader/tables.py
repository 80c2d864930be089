"""Tasks listed in a table (a plan's "Phụ lục: Danh mục nhiệm vụ"), one row per task:

    TT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành

Rows come as lines with their cells separated by tabs (text extraction of .docx tables, OCR). A
header row is known by its column titles (COLUMNS); the rows under it, up to the first line without
a tab, are read. A row with a number but no lead ("I | Công tác tuyên truyền | | |") is a group
heading whose number goes in front of the refs of the rows under it.

The same column titles label the lines under an item of a plan ("- Cơ quan chủ trì: Sở Tài chính.",
"- Thời gian hoàn thành: Quý IV/2025."): see labelled_fields().
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import clean_line, fold
from .units import match_units, tokenize

# Column titles, folded (no diacritics), for each column the reader uses.
COLUMNS = {
    "ref": ["tt", "stt", "so tt", "so thu tu"],
    "text": ["noi dung", "nhiem vu", "ten nhiem vu", "cong viec", "noi dung cong viec", "nhiem vu giai phap",
             "noi dung nhiem vu", "ten cong viec", "hoat dong"],
    "lead": ["co quan chu tri", "don vi chu tri", "chu tri", "co quan thuc hien", "don vi thuc hien",
             "co quan chu tri thuc hien", "don vi chu tri thuc hien", "trach nhiem thuc hien",
             "co quan chiu trach nhiem"],
    "cooperating": ["co quan phoi hop", "don vi phoi hop", "phoi hop", "co quan phoi hop thuc hien",
                    "don vi phoi hop thuc hien"],
    "deadline": ["thoi gian hoan thanh", "thoi gian thuc hien", "thoi han hoan thanh", "thoi han", "thoi gian",
                 "tien do", "tien do thuc hien", "tien do hoan thanh", "moc thoi gian", "thoi han thuc hien"],
}
MAX_ROWS = 2000

_ROMAN = re.compile(r"^(?:[IVX]{1,5}|[A-Z])\.?$")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_BARE_DATE = re.compile(r"^\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}$")
_DATE_IN_CELL = re.compile(r"\d{1,2}\s*[/.]\s*\d{1,2}\s*[/.]\s*\d{4}")
_BARE_DATES = re.compile(r"^" + _DATE_IN_CELL.pattern + r"(?:\s*(?:và|,|;)\s*" + _DATE_IN_CELL.pattern + r"){1,5}\s*$")


@dataclass
class Row:
    ref: str
    text: str
    lead: list
    cooperating: list
    deadline_text: str
    source: str
    line: int
    guesses: list = field(default_factory=list)


def column_of(title: str) -> str | None:
    """Which column a title names ("Cơ quan chủ trì" -> "lead"), or None."""
    key = fold(title)
    for name, titles in COLUMNS.items():
        if key in titles:
            return name
    for name in ("lead", "cooperating", "deadline", "text"):  # longer titles: "Cơ quan chủ trì (1)"
        if any(key.startswith(t + " ") for t in COLUMNS[name]):
            return name
    return None


def _header(cells: list[str]) -> dict | None:
    columns: dict[str, int] = {}
    for k, cell in enumerate(cells):
        name = column_of(cell)
        if name and name not in columns:
            columns[name] = k
    return columns if "lead" in columns and "text" in columns else None


def units_in_cell(cell: str) -> list[str]:
    """The unit names of a lead or cooperating cell: as the units reader finds them when they fill
    the cell, else the cell's own words."""
    cell = cell.strip(" .;")
    if not cell:
        return []
    toks = tokenize(cell)
    units, end = match_units(toks, 0, cell)
    rest = [t for t in toks[end:] if t.text not in ".;,"]
    if units and not rest:
        return [u.name for u in units]
    return [" ".join(part.split()) for part in re.split(r";|\n", cell) if part.strip()]


def deadline_phrase(cell: str) -> str:
    """A deadline cell in words the deadline reader knows: "Quý IV/2025" -> "trong Quý IV/2025"."""
    cell = " ".join(cell.split())
    key = fold(cell)
    if _BARE_DATE.match(cell):
        return f"trước ngày {cell}"
    if _BARE_DATES.match(cell):  # "30/6/2026 và 15/12/2026": each a date to meet
        return _DATE_IN_CELL.sub(lambda m: f"trước ngày {m.group(0)}", cell)
    if key.startswith(("quy ", "thang ", "nam ")):
        return f"trong {cell}"
    return cell


def read_tables(raw_lines: list[str], start: int) -> tuple[list[Row], set[int]]:
    """The task rows of every task table from line `start` on, and the lines they took up."""
    rows: list[Row] = []
    used: set[int] = set()
    k = start
    n = len(raw_lines)
    while k < n:
        line = raw_lines[k]
        if "\t" not in line:
            k += 1
            continue
        cells = [clean_line(c) for c in line.split("\t")]
        columns = _header(cells)
        if not columns:
            k += 1
            continue
        used.add(k)
        k += 1
        group = ""
        index = 0
        while k < n and len(rows) < MAX_ROWS:
            line = raw_lines[k]
            if not line.strip():
                k += 1
                continue
            if "\t" not in line:
                break
            used.add(k)
            cells = [clean_line(c) for c in line.split("\t")]
            k += 1

            def cell(name: str) -> str:
                at = columns.get(name)
                return cells[at] if at is not None and at < len(cells) else ""

            text, lead, number = cell("text"), cell("lead"), cell("ref").strip()
            if not text or fold(text) in COLUMNS["text"]:
                continue
            if not lead and not cell("cooperating"):
                if _ROMAN.match(number) or not number:  # a group heading inside the table
                    group = number.rstrip(".")
                    index = 0
                    continue
            index += 1
            label = number.rstrip(".") if _NUMBER.match(number) else str(index)
            ref = f"{group}.{label}" if group else label
            rows.append(Row(ref, text, units_in_cell(lead), units_in_cell(cell("cooperating")), cell("deadline"),
                            " | ".join(c for c in cells if c), k - 1,
                            [] if lead else ["lead"]))
    return rows, used


_LABELLED = re.compile(r"^\s*(?P<label>[^:]{2,40}?)\s*:(?P<value>.+)$", re.DOTALL)


def labelled_field(text: str) -> tuple[str, str] | None:
    """("lead" | "cooperating" | "deadline", value) of a line such as "Cơ quan chủ trì: Sở Y tế.",
    else None."""
    m = _LABELLED.match(text)
    if not m:
        return None
    name = column_of(m.group("label"))
    if name in ("lead", "cooperating", "deadline"):
        return name, m.group("value").strip().rstrip(".;").strip()
    return None
