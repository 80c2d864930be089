"""The body's outline: which paragraph is a section heading, which an item, which an elaboration.

Each paragraph's list marker gives its kind (MARKERS); the order in which kinds first appear gives
the nesting, so "1." > "-" > "+" in one directive and "I." > "a)" > "-" in another both work.
Paragraphs without a marker are the items of a heading that has none, a continuation of the item
above, or statements ("Thời gian thực hiện: …") that set a deadline for their section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .text import canon, ends_sentence, fold, sentences_of
from .timing import period_statement
from .units import subject_of, units_heading
from .vocabulary import (
    BOILERPLATE,
    BOILERPLATE_ENDINGS,
    BOILERPLATE_OPENINGS,
    NON_TASK_SECTIONS,
    STATEMENT_OPENERS,
    TASK_SECTIONS,
)

ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
                "X": 10, "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15}

# (kind, pattern): the kinds of list marker, tried in this order. "label" is the marker's own
# number or letter; bullets have none and are numbered by position.
MARKERS = [
    ("part", r"^(?:PHẦN|Phần)\s+(?P<label>[IVX]{1,4}|\d{1,2})\s*[.:\-–]?\s*"),
    ("roman", r"^(?P<label>[IVX]{1,4})\s*[.)]\s*(?=\S)|^(?P<label2>[IVX]{1,4})\s+[-–]\s+"),
    ("numbered_deep", r"^(?P<label>\d{1,2}(?:\.\d{1,2})+)\s*[.)]?\s+(?=\S)"),
    ("numbered", r"^(?P<label>\d{1,2})\s*[.)]\s*(?=[^\d\s.,/])|^(?P<label2>\d{1,2})\s*[.)]\s+"),
    ("paren", r"^\((?P<label>\d{1,2}|[a-zđ])\)\s*"),
    ("letter", r"^(?P<label>[a-zđ])\s*\)\s*|^(?P<label2>[a-zđ])\.\s+"),
    ("dash", r"^[-–—•·∙●○■□▪➢►✓❖]\s*(?=\S)"),
    ("plus", r"^\+\s*(?=\S)"),
]
_MARKERS = [(kind, re.compile(p)) for kind, p in MARKERS]
HEADING_MAX_CHARS = 200
_NON_TASK = [fold(w) for w in NON_TASK_SECTIONS]
_TASK = [fold(w) for w in TASK_SECTIONS]
_BOILERPLATE = [fold(w) for w in BOILERPLATE]
_STATEMENT = [canon(w) for w in STATEMENT_OPENERS]
_ENDINGS = [re.compile(p) for p in BOILERPLATE_ENDINGS]
_OPENINGS = [fold(w) for w in BOILERPLATE_OPENINGS]


@dataclass(eq=False)  # nodes compare by identity: a tree's parent links make field equality loop
class Node:
    """A paragraph of the outline: its marker's kind and label, its text without the marker, the
    paragraph as written (source), the items under it, unmarked paragraphs that go on with it
    (continuation) and, for a heading, the statements that set its section's deadline."""
    kind: str
    label: str | None
    text: str
    source: str
    parent: "Node | None" = None
    children: list = field(default_factory=list)
    continuation: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    marked_children: int = 0

    @cached_property
    def heading_like(self) -> bool:
        """Short and open-ended ("1. Sở Y tế:", "II. NHIỆM VỤ"), or nothing but units' names."""
        if self.kind in ("root",):
            return True
        if units_heading(self.text.rstrip(":")) is not None:
            return True
        if self.kind in ("dash", "plus", "plain"):
            return False
        text = self.text.strip()
        return len(text) <= HEADING_MAX_CHARS and (text.endswith(":") or not ends_sentence(text)) \
            and ";" not in text


def marker_of(paragraph: str) -> tuple[str, str | None, str]:
    """(kind, label, text without the marker); kind "plain" when there is no marker."""
    for kind, pattern in _MARKERS:
        m = pattern.match(paragraph)
        if not m:
            continue
        label = m.groupdict().get("label") or m.groupdict().get("label2")
        if kind == "roman" and label not in ROMAN_VALUES:
            continue
        text = paragraph[m.end():].strip()
        if not text:
            continue
        return kind, label, text
    return "plain", None, paragraph.strip()


def is_boilerplate(text: str) -> bool:
    """A sentence that only urges ("nghiêm túc triển khai thực hiện", "nếu có khó khăn, vướng mắc")."""
    key = fold(text)
    return any(phrase in key for phrase in _BOILERPLATE) or any(key.startswith(p) for p in _OPENINGS)


def is_urging(text: str) -> bool:
    """A sentence whose predicate is no more than "(khẩn trương) triển khai thực hiện": boilerplate
    when its subject is everyone ("các cơ quan, đơn vị")."""
    key = fold(text)
    return any(p.search(key) for p in _ENDINGS)


def is_statement(text: str) -> bool:
    """A paragraph that states a deadline or a period instead of a duty."""
    low = canon(text)
    if any(low.startswith(opener) for opener in _STATEMENT):
        return True
    return period_statement(text) is not None and len(text) < 200


def section_kind(heading: str) -> str | None:
    """"task" or "non_task" from a heading's words, None when they say neither."""
    key = fold(heading)
    key = re.sub(r"^(?:ve|doi voi)\s+", "", key)
    for word in _TASK:
        if key.startswith(word):
            return "task"
    for word in _NON_TASK:
        if key.startswith(word):
            return "non_task"
    return None


@dataclass
class Outline:
    root: Node
    preamble: list[str]
    closing: list[str]
    structured: bool


def outline(paragraphs: list[str]) -> Outline:
    """Build the tree of the body's paragraphs."""
    marked = [marker_of(p) for p in paragraphs]
    firsts = [k for k, (kind, _, _) in enumerate(marked) if kind != "plain"]
    root = Node("root", None, "", "")
    if not firsts:
        return Outline(root, [], paragraphs, structured=False)
    first, last = firsts[0], firsts[-1]
    preamble = paragraphs[:first]
    closing: list[str] = []
    stack = [root]
    closing_started = False
    for k in range(first, len(paragraphs)):
        kind, label, text = marked[k]
        para = paragraphs[k]
        if closing_started:
            closing.append(para)
            continue
        if kind != "plain":
            if stack[-1].kind == "plain":  # an unmarked item never holds a list of its own
                stack.pop()
            kinds = [n.kind for n in stack]
            if kind in kinds:
                while stack[-1].kind != kind:
                    stack.pop()
                stack.pop()
            node = Node(kind, label, text, para, parent=stack[-1])
            stack[-1].children.append(node)
            stack[-1].marked_children += 1
            stack.append(node)
            continue
        top = stack[-1]
        heading = _nearest_heading(stack)
        sentences = sentences_of(para)
        periods = any(period_statement(s) for s in sentences)
        first_under_heading = _open_heading(top) and not top.children and not periods
        if k > last and not first_under_heading and (periods or any(is_boilerplate(s) for s in sentences)):
            closing_started = True  # after the last heading's items: the closing words
            closing.append(para)
            continue
        if not first_under_heading and all(is_boilerplate(s) for s in sentences):
            continue
        if is_statement(para):
            if k > last and not _open_heading(top):
                closing_started = True
                closing.append(para)
            else:
                heading.statements.append(para)
            continue
        if para.rstrip().endswith(":") and (_open_heading(top) or top.kind == "plain"):
            continue  # "… các nhiệm vụ sau:": an introduction to the list that follows
        if _open_heading(top):
            if k > last and _other_subject(top, para):
                closing_started = True
                closing.append(para)
                continue
            node = Node("plain", None, para, para, parent=top)
            top.children.append(node)
            stack.append(node)
            continue
        if top.kind == "plain" and top.parent is not None and _open_heading(top.parent):
            stack.pop()
            parent = stack[-1]
            if k > last and _other_subject(parent, para):
                closing_started = True
                closing.append(para)
                continue
            node = Node("plain", None, para, para, parent=parent)
            parent.children.append(node)
            stack.append(node)
            continue
        if k > last:
            closing_started = True
            closing.append(para)
            continue
        top.continuation.append(para)
    return Outline(root, preamble, closing, structured=True)


def _nearest_heading(stack: list[Node]) -> Node:
    for node in reversed(stack):
        if node.kind == "root" or node.heading_like:
            return node
    return stack[0]


def _open_heading(node: Node) -> bool:
    """A heading that takes unmarked paragraphs as its items."""
    return node.kind != "root" and node.kind not in ("dash", "plus", "plain") and not node.marked_children \
        and node.heading_like


def _other_subject(heading: Node, para: str) -> bool:
    """After the last heading, a paragraph whose subject is some other unit closes the list."""
    units = units_heading(heading.text.rstrip(":"))
    if not units:
        return False
    subject = subject_of(para, allow_after_comma=False)
    return bool(subject) and {fold(u) for u in subject.units} != {fold(u) for u in units}
