"""Unit names as a directive writes them, matched to the unit tree. Pure: the units come in as
UnitRef rows, the issuer (the unit the directive comes from) as one of them.

A written name is read, in this order, as:
  1. a group phrase ("UBND các huyện, thị xã, thành phố", "các sở, ban, ngành", "Tổ Công tác Đề án 06
     cấp xã"): the units of that group inside the issuer's area (the nearest unit above the issuer,
     or the issuer itself, that holds any), found by their names ("UBND huyện …", "Tổ công tác Đề án
     06 xã …") and by their kinds; names listed in brackets ("(VNPT, Viettel, Mobifone)") are
     matched one by one;
  2. the same name, compared as the Phụ lục 01 import compares localities (appendix.normalise_name:
     case, tone placement, administrative prefixes) after the usual abbreviations are spelt out
     ("UBND", "TB&XH", "LĐTBXH" …);
  3. a unit whose name begins with the written one, or the other way round ("Bưu điện tỉnh" →
     "Bưu điện tỉnh Quảng Trị"), the one nearest the issuer in the tree: a guess to check;
  4. else nothing, with the closest names (difflib, as the import suggests them) to pick from.

Nothing here knows any particular unit: only the words of Vietnamese administrative names and the
unit kinds of models.UNIT_KINDS.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from .appendix import name_words, normalise_name

EXACT, NEAR, GROUP, NONE = "exact", "near", "group", "none"
MAX_SUGGESTIONS = 5

# Abbreviations spelt out before names are compared (patterns on the lower-cased name).
ABBREVIATIONS = [
    (r"ubnd", "ủy ban nhân dân"), (r"hđnd", "hội đồng nhân dân"), (r"mttq", "mặt trận tổ quốc"),
    (r"ub\s*mttq", "ủy ban mặt trận tổ quốc"), (r"bhxh", "bảo hiểm xã hội"), (r"bcđ", "ban chỉ đạo"),
    (r"lđ\s*[-–]?\s*tb\s*(?:&|và)\s*xh|lđtbxh|lđtb&xh", "lao động thương binh và xã hội"),
    (r"tb\s*(?:&|và)\s*xh|tbxh", "thương binh và xã hội"),
    (r"gd\s*(?:&|và)\s*đt|gdđt", "giáo dục và đào tạo"), (r"kh\s*(?:&|và)\s*đt|khđt", "kế hoạch và đầu tư"),
    (r"tn\s*(?:&|và)\s*mt|tnmt", "tài nguyên và môi trường"),
    (r"nn\s*(?:&|và)\s*ptnt|nnptnt", "nông nghiệp và phát triển nông thôn"),
    (r"tt\s*(?:&|và)\s*tt|tttt", "thông tin và truyền thông"), (r"kh\s*(?:&|và)\s*cn|khcn", "khoa học và công nghệ"),
    (r"vh\s*,?\s*tt\s*(?:&|và)\s*dl|vhttdl", "văn hóa thể thao và du lịch"), (r"cntt", "công nghệ thông tin"),
    (r"qlhc", "quản lý hành chính"), (r"ttxh", "trật tự xã hội"), (r"cand", "công an nhân dân"),
    (r"tp\.?", "thành phố"), (r"tx\.?", "thị xã"), (r"tncs", "thanh niên cộng sản"),
]
_ABBREVIATIONS = [(re.compile(r"(?<![\w&])(?:" + pattern + r")(?![\w&])"), words) for pattern, words in ABBREVIATIONS]

# The levels a group names its units by, and the tier each belongs to.
DISTRICT_LEVELS = ("huyện", "quận", "thị xã", "thành phố")
COMMUNE_LEVELS = ("xã", "phường", "thị trấn", "đặc khu")
PROVINCE_LEVELS = ("tỉnh", "thành phố")
TIERS = {"cấp huyện": DISTRICT_LEVELS, "cấp xã": COMMUNE_LEVELS, "cấp tỉnh": PROVINCE_LEVELS,
         "cấp cơ sở": COMMUNE_LEVELS}

# Kinds of unit (models.UNIT_KINDS) a group means by its words: "các sở, ban, ngành" are so_nganh.
KIND_WORDS = {
    "sở": ("so_nganh",), "ban": ("so_nganh",), "ngành": ("so_nganh",), "ban ngành": ("so_nganh",),
    "sở ngành": ("so_nganh",), "doanh nghiệp": ("doanh_nghiep",), "nhà mạng": ("doanh_nghiep",),
    "phòng": ("phong_huyen",), "phòng ban": ("phong_huyen",), "phòng chuyên môn": ("phong_huyen",),
    "cơ quan chuyên môn": ("phong_huyen", "so_nganh"), "tổ công tác": ("to_cong_tac",),
    "bưu điện": ("buu_dien",), "bưu cục": ("buu_dien",), "công an": ("cong_an",),
    **{level: ("ubnd_huyen",) for level in ("huyện", "quận", "thị xã")},
    **{level: ("ubnd_xa",) for level in COMMUNE_LEVELS},
    "thành phố": ("ubnd_huyen",), "tỉnh": ("ubnd_tinh",),
}
# The head of a group phrase ("Tổ công tác … các xã") and the kinds of unit it names.
HEAD_KINDS = {"ủy ban nhân dân": None, "tổ công tác": ("to_cong_tac",), "bưu điện": ("buu_dien",),
              "công an": ("cong_an",), "phòng": ("phong_huyen",)}
# The UBND kind of each tier, by the level words only that tier has ("thành phố" is a province or a
# district): "UBND các huyện" are ubnd_huyen; a commune's police sits under a ubnd_xa.
TIER_KINDS = {("huyện", "quận", "thị xã"): "ubnd_huyen", COMMUNE_LEVELS: "ubnd_xa", ("tỉnh",): "ubnd_tinh"}


def tier_kinds(levels) -> set[str]:
    """The UBND kinds of the tiers a list of levels names."""
    found = {kind for words, kind in TIER_KINDS.items() if set(levels) & set(words)}
    if not found and "thành phố" in levels:
        found = {"ubnd_huyen", "ubnd_tinh"}
    return found

# One word that names no unit on its own ("Sở", "Phòng"): never matched by its beginning alone.
GENERIC_WORDS = {"sở", "phòng", "ban", "ủy", "công", "ty", "trung", "tâm", "bộ", "cục", "chi", "tổ", "đội",
                 "trường", "văn", "hội", "đoàn", "các", "cơ", "quan", "đơn", "vị"}


@dataclass(frozen=True)
class UnitRef:
    """What matching needs of a unit: its id, name, kind and materialised path ("/1/5/23/")."""
    id: int
    name: str
    kind: str
    path: str

    @property
    def lineage(self) -> tuple[int, ...]:
        """Ids from the root down to the unit itself."""
        return tuple(int(p) for p in self.path.strip("/").split("/") if p.isdigit())


@dataclass
class NameMatch:
    """How one written name was understood: EXACT, NEAR (a guess), GROUP or NONE; the units proposed
    (ticked), the ones offered beside them (not ticked), and a short label for a group."""
    written: str
    status: str
    unit_ids: list[int] = field(default_factory=list)
    suggestions: list[int] = field(default_factory=list)
    label: str = ""


def spelt_out(name: str, keep_commas: bool = False) -> str:
    """The name in lower case with its abbreviations spelt out and punctuation as spaces (commas
    kept as words of their own, if asked)."""
    text = unicodedata.normalize("NFC", name or "").lower().replace("ð", "đ")
    for pattern, words in _ABBREVIATIONS:
        text = pattern.sub(f" {words} ", text)
    if keep_commas:
        text = re.sub(r"[,;]", " , ", text)
        return " ".join(re.sub(r"[^\w&,]+", " ", text).split())
    return " ".join(re.sub(r"[^\w&]+", " ", text).split())


def words_of(name: str) -> tuple[str, ...]:
    return tuple(name_words(spelt_out(name)))


def key_of(name: str) -> str:
    """The key two names of one unit share ("UBND thành phố Đông Hà" and "TP. Đông Hà")."""
    return normalise_name(spelt_out(name))


@dataclass(frozen=True)
class GroupPhrase:
    head: tuple[str, ...]     # the words before "các" / "cấp" (may be empty)
    levels: tuple[str, ...]   # administrative levels named ("huyện", "thị xã" …)
    kinds: tuple[str, ...]    # unit kinds its words mean
    listed: tuple[str, ...]   # names given in brackets, or after "các sở:"
    prefix: str = ""          # what each listed name is short for: "Sở" in "các sở: Y tế, Tài chính"


_BRACKET = re.compile(r"\(([^()]*)\)")


_KIND_LIST = re.compile(r"(?:^|\s)các\s+(sở|phòng|ban)\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL)


def group_phrase(name: str) -> GroupPhrase | None:
    """The parts of a group phrase, or None when the name names one unit."""
    kind_list = _KIND_LIST.search(name or "")
    if kind_list:  # "Các sở: Y tế, Tài chính, Văn hóa, Thể thao và Du lịch"
        pieces = tuple(p.strip(" .;") for p in kind_list.group(2).split(",") if p.strip(" .;"))[:40]
        return GroupPhrase((), (), KIND_WORDS.get(kind_list.group(1).lower(), ()), pieces,
                           kind_list.group(1).capitalize())
    listed = ()
    bracket = _BRACKET.search(name or "")
    if bracket and "," in bracket.group(1):
        names = [n.strip(" .;") for n in re.split(r",|;|\bvà\b", bracket.group(1))]
        listed = tuple(n for n in names if n and not n.endswith("...") and len(n) <= 100)
    text = spelt_out(_BRACKET.sub(" ", name or ""), keep_commas=True)
    words = text.split()
    if "các" in words:
        at = words.index("các")
        head, rest = tuple(w for w in words[:at] if w != ","), " ".join(words[at + 1:])
        named = _listed_kinds(rest)
        levels = tuple(w for w in named if w in DISTRICT_LEVELS + COMMUNE_LEVELS + PROVINCE_LEVELS)
    elif "cấp" in words:
        at = words.index("cấp")
        tier = " ".join(words[at:at + 3])
        tier = next((t for t in TIERS if tier.startswith(t)), None)
        if tier is None or at == 0:
            return None
        head, named, levels = tuple(w for w in words[:at] if w != ","), (), TIERS[tier]
    else:
        return GroupPhrase((), (), (), listed) if listed else None
    kinds = _kinds_of(head, named, levels)
    return GroupPhrase(head, levels, kinds, listed)


def _listed_kinds(text: str) -> tuple[str, ...]:
    """The kinds of unit listed after "các": "huyện, thị xã, thành phố" -> (huyện, thị xã, thành phố)."""
    found: list[str] = []
    rest = text.strip()
    while rest:
        separated = not found
        if rest.startswith((",", "và ")):
            rest = re.sub(r"^(?:,\s*)?(?:và\s+)?", "", rest).strip()
            separated = True
        match = next((w for w in _KIND_WORDS_LONGEST_FIRST if rest == w or rest.startswith(w + " ")), None)
        if match is None or not separated:  # "các sở, ban, ngành tỉnh": "tỉnh" closes the list
            break
        found.append(match)
        rest = rest[len(match):].strip()
    return tuple(found)


_KIND_WORDS_LONGEST_FIRST = sorted(KIND_WORDS, key=len, reverse=True)


def _kinds_of(head: tuple[str, ...], named: tuple[str, ...], levels: tuple[str, ...]) -> tuple[str, ...]:
    spoken = " ".join(head)
    for words, kinds in HEAD_KINDS.items():
        if spoken.startswith(words):
            if kinds is None:  # "UBND các …": the UBND kind of the levels named
                return tuple(sorted(tier_kinds(levels)))
            return kinds
    if head:
        return ()  # "Trạm Y tế các xã": no kind of ours; found by name only
    return tuple(dict.fromkeys(k for word in named for k in KIND_WORDS.get(word, ())))


class Matcher:
    """Matches written names against a unit tree, as seen from an issuer."""

    def __init__(self, units: list[UnitRef], issuer_id: int | None = None):
        self.units = list(units)
        self.by_id = {u.id: u for u in self.units}
        self.words = {u.id: words_of(u.name) for u in self.units}
        self.by_key: dict[str, list[UnitRef]] = {}
        for u in self.units:
            self.by_key.setdefault(key_of(u.name), []).append(u)
        issuer = self.by_id.get(issuer_id)
        self.issuer_line = issuer.lineage if issuer else ()
        self._seen: dict[str, NameMatch] = {}  # a directive names the same units in many tasks

    # --- one unit --------------------------------------------------------------------------

    def match(self, written: str) -> NameMatch:
        written = " ".join((written or "").split())[:300]
        if written not in self._seen:
            self._seen[written] = self._match(written)
        found = self._seen[written]
        return NameMatch(found.written, found.status, list(found.unit_ids), list(found.suggestions), found.label)

    def _match(self, written: str) -> NameMatch:
        group = group_phrase(written)
        if group is not None:
            return self._group(written, group)
        found = self._single(written)
        if found.status == NONE and _BRACKET.search(written):
            bare = self._single(_BRACKET.sub(" ", written))
            if bare.status != NONE:
                return NameMatch(written, NEAR, bare.unit_ids, bare.suggestions, bare.label)
        return found

    def _single(self, written: str) -> NameMatch:
        same = self.by_key.get(key_of(written), [])
        if len(same) == 1:
            return NameMatch(written, EXACT, [same[0].id])
        if same:
            return self._nearest(written, same)
        words = words_of(written)
        if len(words) >= 2 or (len(words) == 1 and len(words[0]) >= 3 and words[0] not in GENERIC_WORDS):
            starts = [u for u in self.units if _starts(self.words[u.id], words)
                      or (len(self.words[u.id]) >= 2 and _starts(words, self.words[u.id]))]
            if starts:
                return self._nearest(written, starts)
        return NameMatch(written, NONE, suggestions=self.closest(written))

    def _nearest(self, written: str, candidates: list[UnitRef]) -> NameMatch:
        """The candidate nearest the issuer, as a guess; the others offered beside it."""
        ranked = sorted(candidates, key=lambda u: (-self.closeness(u), len(self.words[u.id]), u.name))
        best = [u for u in ranked if self.closeness(u) == self.closeness(ranked[0])]
        others = [u.id for u in ranked][:MAX_SUGGESTIONS + 1]
        if len(best) == 1:
            return NameMatch(written, NEAR, [best[0].id], [i for i in others if i != best[0].id][:MAX_SUGGESTIONS])
        return NameMatch(written, NONE, suggestions=others[:MAX_SUGGESTIONS])

    def closeness(self, unit: UnitRef) -> int:
        """How deep the unit's and the issuer's lines agree from the root (higher is nearer)."""
        n = 0
        for a, b in zip(unit.lineage, self.issuer_line):
            if a != b:
                break
            n += 1
        return n

    def closest(self, written: str) -> list[int]:
        keys = difflib.get_close_matches(key_of(written), list(self.by_key), n=3, cutoff=0.6)
        return [u.id for k in keys for u in self.by_key[k]][:MAX_SUGGESTIONS]

    # --- groups ----------------------------------------------------------------------------

    def _group(self, written: str, group: GroupPhrase) -> NameMatch:
        ids: list[int] = []
        offered: list[int] = []
        if group.listed:
            for name in self._listed_names(group):
                found = self._single(name)
                ids.extend(found.unit_ids)
                offered.extend(found.suggestions)
            if group.prefix:  # the list is the group: no more of its kind
                group = GroupPhrase((), (), (), group.listed, group.prefix)
        members = self.members(group) if group.head or group.kinds else []
        if not ids:
            ids = [u.id for u in members]
        if not ids:
            return NameMatch(written, NONE, suggestions=list(dict.fromkeys(offered))[:MAX_SUGGESTIONS],
                             label="Nhóm chung: hãy chọn từng đơn vị.")
        ids = list(dict.fromkeys(ids))
        return NameMatch(written, GROUP, ids, [i for i in dict.fromkeys(offered) if i not in ids],
                         label=self.group_label(ids))

    def _listed_names(self, group: GroupPhrase) -> list[str]:
        """The listed names as unit names: "Sở" put back in front, and pieces a comma split apart
        joined again when together they are one unit ("Văn hóa", "Thể thao và Du lịch")."""
        if not group.prefix:
            return list(group.listed)
        pieces, names, i = list(group.listed), [], 0
        while i < len(pieces):
            for j in range(min(len(pieces), i + 4), i, -1):
                name = f"{group.prefix} {', '.join(pieces[i:j])}"
                if j == i + 1 or len(self.by_key.get(key_of(name), [])) == 1:
                    names.append(name)
                    i = j
                    break
        return names

    def members(self, group: GroupPhrase) -> list[UnitRef]:
        """The group's units inside the issuer's area, in name order."""
        head = tuple(name_words(" ".join(group.head)))
        level_words = [tuple(level.split()) for level in group.levels]
        tiers = tier_kinds(group.levels)

        def by_name(u: UnitRef) -> bool:
            words = self.words[u.id]
            if not head or not _starts(words, head):
                return False
            tail = words[len(head):]
            return any(_starts(tail, level) and len(tail) > len(level) for level in level_words)

        def by_kind(u: UnitRef) -> bool:
            if u.kind not in group.kinds:
                return False
            if not head or u.kind in tiers or not group.levels:
                return True
            # "Công an các xã": a unit of the head's kind inside a unit of the levels' tier.
            return any(self.by_id.get(a) and self.by_id[a].kind in tiers for a in u.lineage[:-1])

        found = [u for u in self.units if by_name(u) or by_kind(u)]
        return sorted(self.in_area(found), key=lambda u: u.name)

    def in_area(self, found: list[UnitRef]) -> list[UnitRef]:
        """The found units below the nearest unit above the issuer (or the issuer) that holds any."""
        for depth in range(len(self.issuer_line), 0, -1):
            top = self.issuer_line[depth - 1]
            inside = [u for u in found if top in u.lineage and u.id != top]
            if inside:
                return inside
        return found

    def group_label(self, ids: list[int]) -> str:
        units = [self.by_id[i] for i in ids if i in self.by_id]
        common: tuple[int, ...] = ()
        if len(units) > 1:
            lines = [u.lineage[:-1] for u in units]
            common = lines[0]
            for line in lines[1:]:
                n = 0
                while n < min(len(common), len(line)) and common[n] == line[n]:
                    n += 1
                common = common[:n]
        above = self.by_id.get(common[-1]) if common else None
        return f"{len(units)} đơn vị" + (f" trong {above.name}" if above else "")


def _starts(words: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
    return 0 < len(prefix) <= len(words) and words[:len(prefix)] == prefix
