"""The text of an uploaded directive: .docx (paragraphs and table cells in document order), .pdf with a
text layer, or .txt (UTF-8, or the Windows Vietnamese code page 1258).

    text_from_upload(filename, data) -> str   (NFC-normalised)

Anything it cannot read raises DocumentError with a message for the user, in Vietnamese. The work
is bounded, since uploads may be hostile: the file's size, a .docx's unpacked size and entry count,
a PDF's page count and the length of the text are all capped.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile

MAX_BYTES = 10 * 1024 * 1024            # the upload itself
MAX_PAGES = 200                         # pages of a PDF
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # all entries of a .docx, unpacked (pictures included)
MAX_BODY_BYTES = 30 * 1024 * 1024       # its word/document.xml, unpacked
MAX_ZIP_ENTRIES = 2000                  # entries of a .docx
MAX_CHARS = 2_000_000                   # text kept from any file
MIN_LETTERS_PER_PAGE = 15               # fewer, on average, and a PDF is a scan

SCANNED_PDF = ("Tệp PDF không có lớp chữ (bản quét); hệ thống chưa đọc được ảnh quét, "
               "hãy dán nội dung văn bản.")


class DocumentError(ValueError):
    """A file we cannot read, with a message for the user."""


def text_from_upload(filename: str, data: bytes) -> str:
    """The text of an uploaded .docx, .pdf or .txt file, or DocumentError."""
    if not data:
        raise DocumentError("Tệp rỗng: không có nội dung để đọc.")
    if len(data) > MAX_BYTES:
        raise DocumentError(f"Tệp quá lớn: tối đa {MAX_BYTES // (1024 * 1024)} MB.")
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == "docx":
        text = _docx_text(data)
    elif ext == "pdf":
        text = _pdf_text(data)
    elif ext == "txt":
        text = _txt_text(data)
    elif ext == "doc":
        raise DocumentError("Chưa đọc được tệp .doc (Word 97-2003): hãy lưu lại thành .docx, "
                            "hoặc dán nội dung văn bản.")
    else:
        raise DocumentError("Chỉ đọc được tệp .docx, .pdf hoặc .txt; với loại tệp khác, hãy dán nội dung văn bản.")
    text = unicodedata.normalize("NFC", text[:MAX_CHARS]).replace("\r\n", "\n").replace("\r", "\n")
    if not any(ch.isalpha() for ch in text):
        raise DocumentError("Tệp không có chữ nào để đọc.")
    return text


# --- .docx ----------------------------------------------------------------------------------------

_CORRUPT_DOCX = "Tệp .docx bị hỏng hoặc không phải là tệp Word (.docx)."


def _docx_text(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise DocumentError(_CORRUPT_DOCX) from None
    body = next((e for e in entries if e.filename == "word/document.xml"), None)
    if body is None:
        raise DocumentError(_CORRUPT_DOCX)
    if len(entries) > MAX_ZIP_ENTRIES or body.file_size > MAX_BODY_BYTES or \
            sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise DocumentError("Tệp .docx quá lớn khi giải nén: tối đa "
                            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB.")
    try:
        import docx  # python-docx
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        _blocks(document.element.body, document, lines, numbers=_ListNumbers(document))
    except DocumentError:
        raise
    except Exception:  # a hostile or broken file can fail anywhere inside python-docx or lxml
        raise DocumentError(_CORRUPT_DOCX) from None
    return "\n".join(lines)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


MAX_LIST_START = 32767  # Word's own bound on a list's first number


def _roman(n: int) -> str:
    """n in lower-case Roman numerals, in time linear in the numeral's length."""
    parts = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        parts.append(letters * count)
    return "".join(parts)


class _ListNumbers:
    """The numbers and bullets Word draws in front of list paragraphs ("1.", "a)", "-"), which are not
    in the paragraphs' text: the reader needs them to see the outline. Counted per list and level, a
    level starting again under a new item of the level above."""

    FORMATS = {"decimal": str, "decimalZero": lambda n: f"{n:02d}", "lowerLetter": lambda n: chr(96 + (n - 1) % 26 + 1),
               "upperLetter": lambda n: chr(64 + (n - 1) % 26 + 1), "lowerRoman": _roman,
               "upperRoman": lambda n: _roman(n).upper()}

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # no numbering part: no lists
            return
        abstracts = {}
        for abstract in root.findall(_W + "abstractNum")[:500]:
            levels = {}
            for lvl in abstract.findall(_W + "lvl")[:9]:
                fmt, text, start = (lvl.find(_W + name) for name in ("numFmt", "lvlText", "start"))
                try:
                    # A hostile file may start a list anywhere: clamped as Word clamps it.
                    first = int(start.get(_W + "val")) if start is not None else 1
                    first = min(max(first, 0), MAX_LIST_START)
                    levels[int(lvl.get(_W + "ilvl"))] = (
                        fmt.get(_W + "val") if fmt is not None else "decimal",
                        text.get(_W + "val") if text is not None else "", first)
                except (TypeError, ValueError):
                    continue
            abstracts[abstract.get(_W + "abstractNumId")] = levels
        for num in root.findall(_W + "num")[:2000]:
            ref = num.find(_W + "abstractNumId")
            if ref is not None:
                self.levels[num.get(_W + "numId")] = abstracts.get(ref.get(_W + "val"), {})

    def marker(self, paragraph) -> str:
        """The number or bullet Word shows before the paragraph, or ""."""
        found = self._num_pr(paragraph)
        if found is None:
            return ""
        num_id, level = found
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return ""
        counts = self.counters.setdefault(num_id, {})
        counts[level] = counts.get(level, levels[level][2] - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        fmt, text, _ = levels[level]
        if fmt == "bullet" or fmt == "none":
            return "-" if fmt == "bullet" else ""

        def number(match):
            k = int(match.group(1)) - 1
            if k not in levels:
                return ""
            n = counts.get(k, levels[k][2])
            return self.FORMATS.get(levels[k][0], str)(n)
        return re.sub(r"%([1-9])", number, text).strip()

    @staticmethod
    def _num_pr(paragraph):
        for holder in (paragraph._p.pPr, _style_ppr(paragraph)):
            num_pr = holder.numPr if holder is not None else None
            if num_pr is not None and num_pr.numId is not None:
                num_id = str(num_pr.numId.val)
                level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
                return (num_id, int(level)) if num_id != "0" else None
        return None


def _style_ppr(paragraph):
    try:
        style = paragraph.style
        return style.element.pPr if style is not None else None
    except Exception:  # a style that names something missing
        return None


def _blocks(parent, document, lines: list[str], depth: int = 0, numbers: _ListNumbers | None = None) -> None:
    """Paragraphs and tables under `parent`, in document order. A table of two columns (the header, the
    signature) gives each cell's lines in turn, a blank line after each so that the columns stay apart;
    a wider one (a list of tasks) gives one line per row with its cells apart by tabs. A merged cell
    counts once. A list paragraph gets the number or bullet Word draws before it."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    for child in parent.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text
            marker = numbers.marker(paragraph) if numbers is not None and text.strip() else ""
            lines.append(f"{marker} {text}" if marker else text)
        elif tag == "tbl" and depth < 5:
            table = Table(child, document)
            wide = len(table.columns) >= 3
            for row in table.rows:
                seen = set()
                cells = []
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    if wide:  # a list (tasks, targets): one line per row, cells apart by tabs
                        cells.append(" ".join(cell.text.replace("\t", " ").split()))
                    else:     # the layout of a header or a signature: each cell's lines in turn
                        _blocks(cell._tc, document, lines, depth + 1, numbers)
                        lines.append("")
                if wide:
                    lines.append("\t".join(cells))
            if wide:
                lines.append("")
        elif tag == "sdt":  # content controls wrap ordinary paragraphs
            content = next((c for c in child.iterchildren() if c.tag.endswith("}sdtContent")), None)
            if content is not None and depth < 5:
                _blocks(content, document, lines, depth + 1, numbers)


# --- .pdf -----------------------------------------------------------------------------------------

def _pdf_text(data: bytes) -> str:
    if not data.lstrip()[:5] == b"%PDF-":
        raise DocumentError("Tệp .pdf bị hỏng hoặc không phải là tệp PDF.")
    try:
        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("Tệp PDF có mật khẩu: hãy bỏ mật khẩu hoặc dán nội dung văn bản.")
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise DocumentError(f"Tệp PDF có quá nhiều trang ({count}): tối đa {MAX_PAGES} trang.")
        pages = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            pages.append(text)
            total += len(text)
            if total > MAX_CHARS:
                break
    except DocumentError:
        raise
    except Exception:  # pypdf raises many kinds of error on broken or hostile files
        raise DocumentError("Tệp .pdf bị hỏng hoặc không đọc được.") from None
    letters = sum(ch.isalpha() for text in pages for ch in text)
    if count == 0 or letters < MIN_LETTERS_PER_PAGE * count:
        raise DocumentError(SCANNED_PDF)
    return "\n\n".join(pages)


# --- .txt -----------------------------------------------------------------------------------------

def _txt_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DocumentError("Tệp .txt có bảng mã UTF-16 bị hỏng.") from None
    if b"\x00" in data[:4096]:
        raise DocumentError("Tệp .txt không phải là văn bản (có ký tự nhị phân).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # Windows Vietnamese: base letters with tone marks as combining characters
        return data.decode("cp1258")
    except UnicodeDecodeError:
        raise DocumentError("Không nhận ra bảng mã của tệp .txt: hãy lưu lại với bảng mã UTF-8.") from None
