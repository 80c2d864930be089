"""The texts of an administrative document's fixed parts, as Nghị định 30/2020/NĐ-CP, Phụ lục I lays
them out (pure: shared by the HTML/PDF macros in templates/_nd30.html and the .docx builder
rules/nd30_docx.py; see /work/shared/docs/nd30.md)."""
import unicodedata
from dataclasses import dataclass, field
from datetime import date

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
# Where the number of a document not yet registered goes: the văn thư fills it in.
NUMBER_BLANK = "\u00a0" * 7
NBSP = "\u00a0"

# The two-column header on A4 with margins 30/15 mm (16.5 cm of text): the issuing body on the left,
# Quốc hiệu and Tiêu ngữ on the right, wide enough for the Quốc hiệu at 12.5 pt on one line (9.1 cm).
TEXT_WIDTH_CM = 16.5
LEFT_COL_CM, RIGHT_COL_CM = 7.0, 9.5
ISSUER_PT, QUOC_HIEU_PT, TIEU_NGU_PT, NUMBER_PT, PLACE_DATE_PT = 12.5, 12.5, 14, 13, 14
# The lines under the issuing body's name and under a report's summary: 1/3 to 1/2 of the text's width.
SHORT_RULE = 0.4
# What the measurement of a line may be off by, against the renderers (WeasyPrint, Chromium, Word).
_SLACK_CM = 0.3

# Faces with Times New Roman's metrics and every Vietnamese letter, to measure printed lines. Liberation
# Serif 1.x (Debian's fonts-liberation) lacks letters such as "ễ", "Ộ": it is only a last resort.
METRIC_FONTS = {
    False: ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
            "/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
    True: ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
           "/usr/share/fonts/truetype/croscore/Tinos-Bold.ttf",
           "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"),
}
_fonts: dict = {}


def _metric_font(bold: bool):
    if bold not in _fonts:
        _fonts[bold] = None
        try:
            from PIL import ImageFont
        except ImportError:
            return None
        for path in METRIC_FONTS[bold]:
            try:
                _fonts[bold] = ImageFont.truetype(path, size=1000)
                break
            except OSError:
                continue
    return _fonts[bold]


def text_width_cm(text: str, size_pt: float, bold: bool = False) -> float:
    """The printed width of a line in Times New Roman, measured with a metric-compatible face when
    one is installed, estimated otherwise."""
    font = _metric_font(bold)
    points = font.getlength(text) / 1000 * size_pt if font else len(text) * size_pt * (0.6 if bold else 0.52)
    return points / 72 * 2.54


# A body's name breaks before a place ("HUYỆN TUẦN GIÁO"), before "VÀ", after a comma or a dash.
_PLACES = ("TỈNH ", "THÀNH PHỐ ", "HUYỆN ", "THỊ XÃ ", "QUẬN ", "XÃ ", "PHƯỜNG ", "THỊ TRẤN ")
_LONG_FORMS = (("UBND ", "ỦY BAN NHÂN DÂN "), ("HĐND ", "HỘI ĐỒNG NHÂN DÂN "))
# Abbreviations a clerk writes out in full where the receiving body is named (Kính gửi).
_FULL_NAMES = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "BCĐ": "Ban Chỉ đạo"}


def place_date(place: str, d: date) -> str:
    """"Quảng Trị, ngày 05 tháng 3 năm 2024": days below 10 and months 1–2 get a leading zero."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"{place}, ngày {d.day:02d} tháng {month} năm {d.year}"


def number_line(number: str, symbol: str = "") -> str:
    """"Số: 12/BC-SLĐTBXH". `number` is what the author typed: the number alone ("12", "5" → "05"),
    or number and symbol ("125/UBND-KGVX"); `symbol` completes a number typed alone. A number not
    given yet keeps a visible blank before the "/" for the văn thư to fill in."""
    number = " ".join((number or "").split())
    if "/" in number:
        number, symbol = (part.strip() for part in number.split("/", 1))
    if number.isdigit() and int(number) < 10:
        number = f"{int(number):02d}"
    if not number:
        return f"Số:{NBSP}{NUMBER_BLANK}/{symbol}"
    return f"Số: {number}/{symbol}" if symbol else f"Số: {number}"


def abbreviation_of(name: str) -> str:
    """A suggestion for a body's abbreviation, the symbol its documents carry: the initials of its
    name up to the place ("Sở Lao động - Thương binh và Xã hội" → "SLĐTBXH", "Ban Chỉ đạo Đề án 06
    huyện Tuần Giáo" → "BCĐĐA06", "UBND tỉnh Quảng Trị" → "UBND"). The admin corrects it."""
    words = " ".join((name or "").replace(",", " , ").replace("(", " ( ").split()).split(" ")
    for short, long in _LONG_FORMS:
        if " ".join(words).upper().startswith(long):
            return short.strip()
    letters = []
    for index, word in enumerate(words):
        rest = " ".join(words[index:]).upper() + " "
        if word in (",", "(") or (index and rest.startswith(_PLACES) and not rest.startswith("XÃ HỘI")):
            break
        if word in ("-", "–") or word.lower() == "và":
            continue
        if word.isdigit() or (len(word) > 1 and word.isupper()):
            letters.append(word)
        elif word[:1].isalnum():
            letters.append(_initial(word))
    return "".join(letters)[:30]


def _initial(word: str) -> str:
    """A word's first letter in capitals without its accents, Đ kept: "Đề" → "Đ", "Án" → "A"."""
    first = word[0].upper()
    if first == "Đ":
        return first
    return unicodedata.normalize("NFD", first)[0]


def full_name(name: str) -> str:
    """"UBND tỉnh Quảng Trị" → "Ủy ban nhân dân tỉnh Quảng Trị": a receiving body named in full."""
    return " ".join(_FULL_NAMES.get(word, word) for word in (name or "").split())


def _break_name(text: str, fits) -> list[str]:
    """Lines of a name in capitals, each as wide as fits, broken where a clerk would break it."""
    if fits(text):
        return [text]
    words = text.split(" ")
    candidates = []  # (preference, words on the first line)
    for count in range(1, len(words)):
        head, rest = " ".join(words[:count]), " ".join(words[count:])
        if not fits(head):
            break
        if rest.startswith(_PLACES) and not rest.startswith("XÃ HỘI"):
            preference = 3
        elif words[count] == "VÀ" or head.endswith(","):
            preference = 2
        elif words[count - 1] in ("-", "–"):
            preference = 1
        else:
            preference = 0
        candidates.append((preference, count))
    if not candidates:
        return [text]  # one word wider than the column: nothing better to do
    best = max(p for p, _ in candidates)
    if best == 0:  # no natural place: two lines of about the same width
        _, count = min(candidates, key=lambda c: abs(text_width_cm(" ".join(words[:c[1]]), 12)
                                                      - text_width_cm(" ".join(words[c[1]:]), 12)))
    else:
        count = max(c for p, c in candidates if p == best)
    return [" ".join(words[:count]), *_break_name(" ".join(words[count:]), fits)]


def issuer_lines(name: str, width_cm: float = LEFT_COL_CM, size_pt: float = ISSUER_PT) -> list[str]:
    """An issuing body's name in capitals, each line fitting the header's left column, broken where
    the name breaks naturally: "ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG TRỊ", "SỞ LAO ĐỘNG - THƯƠNG BINH" /
    "VÀ XÃ HỘI", "BAN CHỈ ĐẠO ĐỀ ÁN 06" / "HUYỆN TUẦN GIÁO"."""
    text = " ".join((name or "").split()).upper()
    for short, long in _LONG_FORMS:
        for form in (short, long):
            if text.startswith(form) and len(text) > len(form):
                return [long.strip(), text[len(form):]]

    def fits(line):
        return text_width_cm(line, size_pt, bold=True) <= width_cm - _SLACK_CM
    return _break_name(text, fits)


def parent_line(name: str) -> str:
    """The body above the issuer, in capitals, as written ("UBND TỈNH QUẢNG TRỊ"), not bold."""
    return " ".join((name or "").split()).upper()


def addressee_lines(names: list[str]) -> tuple[str, list[str]]:
    """Kính gửi: one addressee on the same line ("Kính gửi: Sở Y tế."), several one per line with "-",
    ";" at each end and "." at the last, each named in full ("Ủy ban nhân dân tỉnh …"). Returns
    (first line, following lines)."""
    names = [full_name(n.strip().lstrip("-").strip().rstrip(";.")) for n in names if n and n.strip()]
    if len(names) == 1:
        return f"Kính gửi: {names[0]}.", []
    lines = [f"- {n};" for n in names]
    if lines:
        lines[-1] = lines[-1][:-1] + "."
    return "Kính gửi:", lines


def copies_lines(items: list[str]) -> list[str]:
    """Nơi nhận: "- Như trên;" …, the last line "- Lưu: VT, …." ending with "."."""
    items = [i.strip().lstrip("-–+").strip().rstrip(";.").strip() for i in items if i and i.strip()]
    items = [i for i in items if i]
    kept = [i for i in items if i.lower().startswith("lưu")]  # the file copy is always the last line
    items = [i for i in items if not i.lower().startswith("lưu")] + (kept or ["Lưu: VT"])
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
