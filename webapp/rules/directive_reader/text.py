"""Clean-up of a directive's text: Unicode, OCR slips, markdown and web-copy noise, paragraphs,
sentences, and the folding used to compare words."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .vocabulary import OCR_FIXES, SPELLING_VARIANTS

# Longest text the reader looks at; a directive with its appendices is far shorter.
MAX_CHARS = 400_000

# Upper- and lower-case letters of Vietnamese (Latin with diacritics), as regex classes: a range
# such as [À-Ỹ] would also take in lower-case letters.
UPPER = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isupper() and c.isalpha())
LOWER = "".join(c for c in map(chr, range(0x61, 0x1EFA)) if c.islower() and c.isalpha())
UP = "[" + UPPER + "]"
LOW = "[" + LOWER + "]"

_ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'",
             "&apos;": "'", "&ndash;": "–", "&mdash;": "—"}
_HTML_BREAK = re.compile(r"<(?:br|/p|/div|/li|/tr|/h\d)\b[^<>]{0,200}>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2002\u2003\u2009\u3000"), " ")
_OCR = [(re.compile(r"(?<!\w)" + re.escape(wrong) + r"(?!\w)"), right) for wrong, right in OCR_FIXES]
_VARIANT_OF = dict(SPELLING_VARIANTS)
_VARIANTS = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a, _ in SPELLING_VARIANTS) + r")(?!\w)")

BULLET = r"[-–—•·∙●○■□▪➢►✓❖]"
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_QUOTE = re.compile(r"^\s*>\s?")
_MD_STAR_BULLET = re.compile(r"^(\s*)\*(?=\s+\S)")
_MD_ESCAPE = re.compile(r"\\([-.*_#()\[\]+!`>])")
_MD_RULE = re.compile(r"^\s*([-_*=~.]\s*){3,}$")
_TERMINAL = ".;:!?…"


def normalise(text: str) -> str:
    """NFC, one kind of space and line end, no invisible characters, OCR slips mended."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS])
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.translate(_INVISIBLE).translate(_SPACES)
    if "<" in text:  # HTML copied from a web page: block tags end lines, other tags go
        text = _HTML_BREAK.sub("\n", text)
        text = _HTML_TAG.sub("", text)
    if "&" in text:
        for entity, char in _ENTITIES.items():
            text = text.replace(entity, char)
    for pattern, right in _OCR:
        text = pattern.sub(right, text)
    if "|" in text:
        text = "\n".join(_unpipe(line) if "|" in line else line for line in text.split("\n"))
    return text


def clean_line(line: str) -> str:
    """One line without markdown marks (headings, emphasis, escapes, quotes) or extra spaces."""
    line = _MD_QUOTE.sub("", line)
    line = _MD_HEADING.sub("", line)
    line = _MD_STAR_BULLET.sub(r"\1-", line)
    line = _MD_ESCAPE.sub(r"\1", line)
    line = line.replace("*", "").replace("__", "")
    line = line.replace("\t", "  ")
    if _MD_RULE.match(line):
        return ""
    return " ".join(line.split())


def lines_of(text: str) -> list[str]:
    """The document as cleaned lines; blank lines kept as "" (they separate paragraphs)."""
    return [clean_line(line) for line in normalise(text).split("\n")]


_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _unpipe(line: str) -> str:
    """A line of a table copied from the web ("ỦY BAN NHÂN DÂN | CỘNG HÒA …", "| 1 | Rà soát | Sở Y tế |"):
    a row of three cells or more becomes tab-separated (a list); fewer cells go on lines of their own
    (the two columns of a header or a signature)."""
    if _PIPE_RULE.match(line):
        return ""
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if line.lstrip().startswith("|") and len(cells) >= 3 and any(cells):  # a group row leaves cells blank
        return "\t".join(cells)
    return "\n".join(c for c in cells if c)


_MARKER = re.compile(
    r"^(?:" + BULLET + r"|\+|\(?\d{1,2}(?:\.\d{1,2})*[.)]|\(\d{1,2}\)|[a-zđ][)]|[a-zđ]\.\s"
    r"|(?:[IVX]{1,5})[.)/\-]\s|(?:PHẦN|Phần|Mục|MỤC|Điều)\s+[\dIVX]+)"
)


def starts_with_marker(line: str) -> bool:
    return bool(_MARKER.match(line))


def ends_sentence(text: str) -> bool:
    text = text.rstrip(" )”\"'")
    return bool(text) and text[-1] in _TERMINAL


def paragraphs_of(lines: list[str]) -> list[str]:
    """Join wrapped lines into paragraphs.

    A line starts a new paragraph after a blank line, when it starts with a list marker, or when
    the line before ended a sentence. A paragraph cut in two by a stray blank line (an OCR slip:
    "tổ" / "chức") is mended when the first half ends mid-sentence and the second starts in
    lower case.
    """
    paras: list[str] = []
    current: list[str] = []
    blank_before = True
    for line in lines:
        if not line:
            if current:
                paras.append(" ".join(current))
                current = []
            blank_before = True
            continue
        new = (blank_before or starts_with_marker(line) or not current
               or ends_sentence(current[-1]))
        if new and current:
            paras.append(" ".join(current))
            current = []
        if (not current and paras and blank_before and line[:1].islower()
                and not ends_sentence(paras[-1]) and not starts_with_marker(line)):
            current = [paras.pop(), line]
        else:
            current.append(line)
        blank_before = False
    if current:
        paras.append(" ".join(current))
    return paras


# Abbreviations whose dot does not end a sentence.
_ABBREVIATIONS = ("TP", "Tp", "TX", "TT", "KT", "TM", "TL", "TUQ", "ThS", "TS", "PGS", "GS", "BS",
                  "Q", "P", "St", "Th.S", "v.v", "V/v", "tr", "Số", "số")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”)]*\s+(?=[\"“(]?(?:" + UP + r"|[0-9]))")


def sentences_of(text: str) -> list[str]:
    """Split a paragraph into sentences (at ". " before a capital or a figure)."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start:m.start()].rstrip(".!?…\"”) ")
        last_word = before.rsplit(" ", 1)[-1] if before else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        piece = text[start:m.start()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def canon(text: str) -> str:
    """Lower case, with the spelling variants of a syllable made one (for matching words)."""
    text = text.lower()
    return _VARIANTS.sub(lambda m: _VARIANT_OF[m.group(0)], text)


@lru_cache(maxsize=65536)
def canon_word(word: str) -> str:
    """canon() of one word, remembered: a directive uses few distinct words many times."""
    word = word.lower()
    return _VARIANT_OF.get(word, word)


def fold(text: str) -> str:
    """Lower case without diacritics, punctuation as spaces: to compare two names of one unit."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w&]+", " ", text)
    return " ".join(text.split())


def tidy_name(text: str) -> str:
    """A unit name as printed: one space between words, " - " around a dash between words."""
    text = re.sub(r"\s*[–—]\s*", " - ", text)
    text = re.sub(r"(?<=\w)\s*-\s*(?=" + UP + ")", " - ", text)
    text = re.sub(r"(?<=\w) -(?=\w)|(?<=\w)- (?=\w)", " - ", text)
    return " ".join(text.split()).strip(" ,;:.")
