"""Unit names in running text, and the role each plays in a task.

A unit's name is read token by token from a head word ("Sở", "UBND", "Bưu điện", "các" for a
group) through what may follow it in a name: capitalised words ("Sở Y tế", "Tài chính" after a
known first syllable), a level and a place ("huyện Tuần Giáo", "cấp xã"), a group list
("UBND các huyện, thị xã, thành phố"). It stops at the first word that cannot belong to a name,
usually the verb ("… tổ chức phổ biến"). All the words come from vocabulary.py.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .text import canon, canon_word, fold, tidy_name
from .vocabulary import (
    COOPERATING_SUBJECT_VERBS,
    COOPERATION_CUES,
    DELEGATE_PEOPLE,
    DELEGATION_CUES,
    GROUP_KINDS,
    GROUP_TAILS,
    HANDING_VERBS,
    ISSUER_VOICE,
    LEAD_PREFIXES,
    LEVEL_WORDS,
    NOT_DELEGATION_BEFORE,
    NOT_UNITS,
    NUMBERED_NAME_WORDS,
    PERSON_TITLES,
    UNIT_HEADS,
    UNIT_NAME_PHRASES,
)

_TOKEN = re.compile(r"[\w&]+|[^\w\s]")
MAX_NAME_TOKENS = 30
MAX_UNITS_IN_LIST = 60  # a longer list of units is no list a directive writes


@dataclass(frozen=True)
class Tok:
    text: str
    start: int
    end: int
    low: str

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "_"

    @property
    def cap(self) -> bool:
        return self.text[0].isupper()

    @property
    def lower(self) -> bool:
        return self.text[0].islower()

    @property
    def caps(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and all(c.isupper() for c in letters)


def tokenize(text: str) -> list[Tok]:
    return [Tok(m.group(), m.start(), m.end(), canon_word(m.group())) for m in _TOKEN.finditer(text)]


def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(t.low for t in tokenize(phrase))


class SeqTable:
    """Phrases as token sequences, indexed by their first word: the longest one found at a
    position in one dictionary look-up and a few comparisons."""

    def __init__(self, seqs):
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for seq in sorted(set(seqs), key=len, reverse=True):
            if seq:
                self.by_first.setdefault(seq[0], []).append(seq)

    def match(self, toks: list["Tok"], i: int) -> int:
        if i >= len(toks):
            return 0
        for seq in self.by_first.get(toks[i].low, ()):
            if i + len(seq) <= len(toks) and all(toks[i + k].low == w for k, w in enumerate(seq[1:], 1)):
                return len(seq)
        return 0


def _table(phrases) -> SeqTable:
    return SeqTable(_phrase_tokens(p) for p in phrases)


_HEADS = {_phrase_tokens(h): standalone for h, standalone in UNIT_HEADS.items()}
_HEAD_SEQS = SeqTable(_HEADS)
_LEVELS = _table(LEVEL_WORDS)
_KINDS = _table(GROUP_KINDS)
_TAILS = _table(GROUP_TAILS)
_TITLES = _table(PERSON_TITLES)
_PREFIXES = _table(LEAD_PREFIXES)
_COOPERATION = _table(COOPERATION_CUES)
_DELEGATION = _table(DELEGATION_CUES)
_ISSUER_VOICE = _table(ISSUER_VOICE)
_NOT_DELEGATION = {canon(w) for w in NOT_DELEGATION_BEFORE}
_PEOPLE = _table(DELEGATE_PEOPLE)
_NOT_UNITS = _table(NOT_UNITS)
_HANDING = _table(HANDING_VERBS)
_COOPERATING_SUBJECT = _table(COOPERATING_SUBJECT_VERBS)
_NUMBERED = {canon(w) for w in NUMBERED_NAME_WORDS}
_BIGRAMS = set()
for _phrase in UNIT_NAME_PHRASES:
    _words = [w for w in _phrase_tokens(_phrase) if w[0].isalnum()]
    _BIGRAMS.update(zip(_words, _words[1:]))


def match_seq(toks: list[Tok], i: int, table: SeqTable) -> int:
    """Length (in tokens) of the longest phrase of `table` found at toks[i], or 0."""
    return table.match(toks, i)


@dataclass
class Unit:
    start: int  # token index
    end: int    # token index, exclusive
    group: bool = False
    name: str = ""


def _scan_place(toks: list[Tok], j: int) -> int:
    """Capitalised words of a place after a level word: "huyện Tuần Giáo", "tỉnh Bà Rịa - Vũng Tàu"."""
    n = len(toks)
    while j < n:
        t = toks[j]
        if t.is_word and t.cap and not _unit_head_at(toks, j):
            j += 1
        elif t.text in "-–" and j + 1 < n and toks[j + 1].cap and toks[j - 1].cap and not _unit_head_at(toks, j + 1):
            j += 1
        else:
            break
    return j


def _group_list(toks: list[Tok], j: int) -> int | None:
    """After "các": kinds of unit separated by commas or "và", and an optional tail."""
    n = len(toks)
    length = match_seq(toks, j, _KINDS)
    if not length:
        return None
    j += length
    while j < n:
        k = j
        if toks[k].text == ",":
            k += 1
            if k < n and toks[k].low == "và":
                k += 1
        elif toks[k].low == "và":
            k += 1
        else:
            break
        length = match_seq(toks, k, _KINDS)
        if not length or (toks[k - 1].low == "và" and toks[k].low == "tổ"):
            break
        j = k + length
    for _ in range(3):
        length = match_seq(toks, j, _TAILS)
        if not length:
            break
        tail = tuple(t.low for t in toks[j:j + length])
        j += length
        if tail in (("trên", "địa", "bàn"), ("thuộc",)):
            level = match_seq(toks, j, _LEVELS)
            if level:
                j = _scan_place(toks, j + level)
    return j


def _unit_head_at(toks: list[Tok], i: int) -> bool:
    """Does a unit's name start at toks[i]? (Its head only: cheap, and never recursive.)"""
    if i >= len(toks) or not toks[i].cap or match_seq(toks, i, _NOT_UNITS):
        return False
    length = match_seq(toks, i, _HEAD_SEQS)
    if not length:
        return match_seq(toks, i, _TITLES) > 0 and _unit_head_at(toks, i + match_seq(toks, i, _TITLES))
    standalone = _HEADS[tuple(t.low for t in toks[i:i + length])]
    return standalone or (i + length < len(toks) and (toks[i + length].cap or toks[i + length].caps))


def _scan_name(toks: list[Tok], start: int, j: int, allow_comma: bool) -> int:
    """Extend a name from token j; return the index just past it."""
    n = len(toks)
    while j < n and j - start < MAX_NAME_TOKENS:
        t = toks[j]
        prev = toks[j - 1].low
        if t.is_word:
            if t.lower or t.caps:
                if (prev, t.low) in _BIGRAMS:  # "Chính sách xã hội": a name's syllable before a level
                    j += 1
                    continue
                level = match_seq(toks, j, _LEVELS)
                if level:
                    j = _scan_place(toks, j + level)
                    # "UBND xã, phường, thị trấn": a list of levels is one group
                    while j + 1 < n and (toks[j].text == "," or toks[j].low == "và"):
                        more = match_seq(toks, j + 1, _LEVELS)
                        if not more or not toks[j + 1].lower:
                            break
                        j = _scan_place(toks, j + 1 + more)
                    continue
                if t.low == "các":
                    end = _group_list(toks, j + 1)
                    if end:
                        j = end
                        continue
                    break
                if t.low == "và":
                    if j + 1 < n and (prev, "và") in _BIGRAMS and ("và", toks[j + 1].low) in _BIGRAMS:
                        j += 1  # "Văn phòng HĐND và UBND huyện": one office
                        continue
                    if j + 1 < n and toks[j + 1].cap and not toks[j + 1].caps and not _unit_head_at(toks, j + 1):
                        j += 1
                        continue
                    if j + 1 < n and toks[j + 1].caps and t.caps and not _unit_head_at(toks, j + 1):
                        j += 1
                        continue
                    break
                if (prev, t.low) in _BIGRAMS:
                    j += 1
                    continue
                if t.caps and not t.text.isdigit():
                    j += 1
                    continue
                break
            if t.cap:
                j += 1
                continue
            if t.text.isdigit() and prev in _NUMBERED:
                j += 1
                continue
            break
        if t.text in "-–—" and j + 1 < n and toks[j + 1].is_word and toks[j + 1].cap and \
                not _unit_head_at(toks, j + 1) and toks[j - 1].is_word:
            j += 1
            continue
        if allow_comma and t.text == "," and j + 1 < n and toks[j + 1].cap and not toks[j + 1].caps and \
                not _unit_head_at(toks, j + 1) and match_seq(toks, j + 1, _LEVELS) == 0:
            j += 1
            continue
        break
    return j


def match_unit(toks: list[Tok], i: int, titles: bool = True) -> Unit | None:
    """The unit whose name starts at toks[i], or None."""
    n = len(toks)
    if i >= n or not toks[i].is_word:
        return None
    if titles:
        length = match_seq(toks, i, _TITLES)
        if length:
            inner = match_unit(toks, i + length, titles=False)
            if inner:
                return inner
    if toks[i].low == "các":
        end = _group_list(toks, i + 1)
        return Unit(i, end, group=True) if end else None
    if not toks[i].cap or match_seq(toks, i, _NOT_UNITS):
        return None
    length = match_seq(toks, i, _HEAD_SEQS)
    if not length:
        return None
    head = tuple(t.low for t in toks[i:i + length])
    body = i + length
    end = _scan_name(toks, i, body, allow_comma=not _HEADS[head])
    if end == body and not _HEADS[head]:
        return None
    group = any(t.low == "các" for t in toks[body:end])
    return Unit(i, end, group=group)


def _paren_end(toks: list[Tok], j: int) -> int | None:
    if j < len(toks) and toks[j].text == "(":
        for k in range(j + 1, min(len(toks), j + 60)):
            if toks[k].text == ")":
                return k + 1
    return None


def _names_list(toks: list[Tok], lo: int, hi: int) -> bool:
    """Is toks[lo:hi] a list of proper names ("VNPT, Viettel, Mobifone")?"""
    words = [t for t in toks[lo:hi] if t.is_word]
    return bool(words) and all(t.cap for t in words) and any(t.text == "," for t in toks[lo:hi])


def match_units(toks: list[Tok], i: int, text: str) -> tuple[list[Unit], int]:
    """The list of units starting at toks[i] ("Sở Y tế, Sở Tài chính và UBND các huyện"), and the
    index just past it (past a bracket that follows the last one)."""
    units: list[Unit] = []
    j = i
    while len(units) < MAX_UNITS_IN_LIST:
        unit = match_unit(toks, j)
        if unit is None:
            break
        end = unit.end
        paren = _paren_end(toks, end)
        if paren and unit.group and _names_list(toks, end + 1, paren - 1):
            unit.end = paren
            end = paren
        elif paren:
            end = paren
        unit.name = tidy_name(text[toks[unit.start].start:toks[unit.end - 1].end])
        units.append(unit)
        j = end
        k = j
        if k < len(toks) and toks[k].text in (",", ";"):
            k += 1
            if k < len(toks) and toks[k].low == "và":
                k += 1
        elif k < len(toks) and toks[k].low in ("và", "cùng"):
            k += 1
        else:
            break
        if match_unit(toks, k) is None:
            break
        j = k
    return units, j


# --- Roles ------------------------------------------------------------------------------------

@dataclass
class Subject:
    units: list[str]
    role: str          # "lead" or "cooperating"
    prefixed: bool     # named after "Giao", "Đề nghị", …


def _skip_soft(toks: list[Tok], j: int) -> int:
    while j < len(toks) and toks[j].text in (",", ":"):
        j += 1
    return j


def subject_of(sentence: str, allow_after_comma: bool = True) -> Subject | None:
    """The unit(s) a sentence makes the doer of its duty: its grammatical subject ("Sở Y tế chủ trì
    …"), or the object of "Giao …"/"Đề nghị …", or of the issuer's "UBND tỉnh giao …"."""
    toks = tokenize(sentence)
    if not toks:
        return None
    starts = [0]
    if allow_after_comma:
        for k, t in enumerate(toks[:30]):
            if t.text == ",":
                starts.append(k + 1)
                break
    for pos in starts:
        length = match_seq(toks, pos, _PREFIXES)
        prefixed = bool(length)
        units, end = match_units(toks, pos + length, sentence)
        if not units:
            continue
        if pos > 0 and not prefixed and any(match_unit(toks, k) for k in range(pos)):
            continue
        names = [u.name for u in units]
        after = _skip_soft(toks, end)
        if not prefixed:
            voice = match_seq(toks, after, _ISSUER_VOICE)
            if voice:
                handed = match_seq(toks, after, _HANDING)
                if handed:
                    inner, _ = match_units(toks, _skip_soft(toks, after + handed), sentence)
                    if inner:
                        return Subject([u.name for u in inner], "lead", True)
                return None
        if not prefixed and match_seq(toks, after, _COOPERATING_SUBJECT):
            return Subject(names, "cooperating", prefixed)
        if after < len(toks) and (toks[after].lower or prefixed) and toks[after].is_word:
            return Subject(names, "lead", prefixed)
        if after >= len(toks) and prefixed:
            return Subject(names, "lead", prefixed)
    return None


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in re.finditer(r"[.!?](?=\s+\S|$)", text):
        bounds.append((start, m.end()))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def delegated_spans(text: str, toks: list[Tok], leads: list[str]) -> list[tuple[int, int]]:
    """Character spans handed on by "chỉ đạo X …", "giao X …": from the verb to the sentence's end,
    where the units named are the delegate's partners, not the item's."""
    lead_keys = {fold(name) for name in leads}
    bounds = _sentence_bounds(text)
    starts = [b[0] for b in bounds]
    spans: list[tuple[int, int]] = []
    for k, t in enumerate(toks):
        if not t.is_word:
            continue
        length = match_seq(toks, k, _DELEGATION)
        if not length:
            continue
        if k > 0 and (toks[k - 1].low in _NOT_DELEGATION or (toks[k].cap and toks[k - 1].cap)):
            continue
        target = k + length
        units, _ = match_units(toks, target, text)
        if units and all(fold(u.name) in lead_keys for u in units):
            continue
        if not units and not match_seq(toks, target, _PEOPLE):
            continue
        at = bisect.bisect_right(starts, t.start) - 1
        end = bounds[at][1] if at >= 0 else len(text)
        if spans and spans[-1][1] >= t.start:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((t.start, end))
    return spans


def cooperating_units(text: str, leads: list[str]) -> list[str]:
    """Units the text names after "phối hợp (với)" on the item's own account, leads left out."""
    toks = tokenize(text)
    spans = delegated_spans(text, toks, leads)
    lead_keys = {fold(name) for name in leads}
    span_starts = [s for s, _ in spans]
    found: list[str] = []
    seen: set[str] = set()
    k = 0
    while k < len(toks):
        length = match_seq(toks, k, _COOPERATION)
        at = bisect.bisect_right(span_starts, toks[k].start) - 1
        if not length or (at >= 0 and toks[k].start < spans[at][1]):
            k += 1
            continue
        units, end = match_units(toks, _skip_soft(toks, k + length), text)
        for unit in units:
            key = fold(unit.name)
            if key not in lead_keys and key not in seen:
                seen.add(key)
                found.append(unit.name)
        k = max(end, k + length)
    return found


def units_heading(text: str) -> list[str] | None:
    """The units a heading names when it is nothing but units ("3. UBND các huyện, thị xã, thành
    phố:", "Giao Sở Y tế:"), else None."""
    toks = tokenize(text)
    pos = match_seq(toks, 0, _PREFIXES)
    units, end = match_units(toks, pos, text)
    if not units:
        return None
    rest = [t for t in toks[end:] if t.text not in ":.;,"]
    if rest:
        return None
    return [u.name for u in units]


def recipient_units(recipient: str) -> list[str]:
    """The units an addressee line names, without the title in front ("Giám đốc Công an tỉnh" ->
    "Công an tỉnh", "Trưởng các thôn, bản" -> "các thôn, bản"); the line as written when it is
    not only units."""
    toks = tokenize(recipient)
    units, end = match_units(toks, 0, recipient)
    rest = [t for t in toks[end:] if t.text not in ".;,:"]
    if units and not rest:
        return [u.name for u in units]
    return [" ".join(recipient.split()).strip(" .;")] if recipient.strip(" .;") else []
