"""Deadlines written in a directive ("trước ngày 15/01/2024", "hằng ngày, trước 10 giờ", "trong quý
III/2025", "trong thời hạn 05 ngày làm việc kể từ ngày nhận được văn bản", …).

The phrases are tables of (pattern, meaning), tried by strength: a date the text spells out beats
a recurrence ("hằng tháng, trước ngày 20"), which beats an event ("ngay khi có đợt chi trả", a
standing duty), which beats "thường xuyên", and so on (see STRENGTHS). Patterns are matched on the lower-cased text.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from .text import canon

# --- Pieces of patterns -------------------------------------------------------------------------

DATE = r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
DAY_MONTH = r"\d{1,2}\s*/\s*\d{1,2}(?!\s*[/.\-]?\s*\d)"
TIME = r"\d{1,2}\s*(?:giờ|h(?![^\W\d]))(?:\s*\d{2}(?:\s*phút)?)?"
BEFORE = (r"(?:trước|chậm\s+nhất(?:\s+là)?(?:\s+(?:vào|đến))?(?:\s+hết)?|không\s+muộn\s+hơn|hạn\s+chót"
          r"(?:\s+là)?|hạn\s+cuối|trong|vào|đến\s+hết|xong|hoàn\s+thành(?:\s+xong)?)")
EVERY = r"(?:hằng|hàng|mỗi)"
WEEKDAYS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tư": 2, "4": 2, "năm": 3, "5": 3, "sáu": 4, "6": 4,
            "bảy": 5, "7": 5, "chủ nhật": 6}
QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# --- Phrases that look like deadlines but describe something else: blanked out first. ---------

DESCRIPTIVE = [
    r"trợ\s+cấp(?:\s+\w+){0,3}?\s+" + EVERY + r"\s+(?:tháng|năm)",       # "trợ cấp hàng tháng"
    r"hưởng(?:\s+\w+){0,6}?\s+" + EVERY + r"\s+tháng",                     # "đang hưởng … hàng tháng"
    r"lương\s+" + EVERY + r"\s+tháng",
    r"trong\s+quá\s+trình[^.;]{0,200}?(?:định\s+kỳ\s+)?" + EVERY + r"\s+(?:ngày|tuần|tháng|quý|năm)",
    r"giáo\s+dục\s+thường\s+xuyên",                                        # a school's name
    r"tính\s+đến\s+(?:hết\s+)?ngày\s+(?:" + DATE + ")",
    r"sau\s+khi\s+kết\s+thúc\s+(?:đợt|giai\s+đoạn)[^.;,]{0,40}",
]

# --- One-off deadlines the text spells out (strength "explicit") -------------------------------
# (meaning, pattern). The meaning names the builder in _BUILDERS below.

EXPLICIT = [
    ("period", r"từ\s+(?:ngày\s+)?(?P<start>" + DATE + "|" + r"\d{1,2}\s*/\s*\d{1,2}" + r")\s*(?:đến|tới|-|–)\s*"
               r"(?:hết\s+)?(?:ngày\s+)?(?P<date>" + DATE + ")"),
    ("fixed", BEFORE + r"\s+(?:lúc\s+)?(?P<time>" + TIME + r")\s*(?:,|\s)\s*(?:ngày\s+)?(?P<date>" + DATE + ")"),
    ("fixed", BEFORE + r"\s+(?:ngày\s+)?(?P<date>" + DATE + ")"),
    ("month", r"(?:trong|hoàn\s+thành|xong|:)\s*tháng\s+(?P<month>\d{1,2})\s*(?:/|-|năm)\s*(?P<year>\d{4})"),
    ("quarter", r"(?:trong|hoàn\s+thành|xong|trước|hết|:)\s*(?:quý\s+)(?P<quarter>iv|i{1,3}|[1-4])(?!\w)\s*"
                r"(?:/|-|năm)\s*(?P<year>\d{4})"),
    ("half", r"(?:trong\s+)?(?:6|sáu)\s+tháng\s+(?P<half>đầu|cuối)\s+năm\s+(?P<year>\d{4})"),
    ("year", r"(?:trong|hoàn\s+thành\s+trong|trước\s+hết|:)\s*năm\s+(?P<year>\d{4})"),
    ("relative", r"(?:trong|chậm\s+nhất|sau|không\s+quá)\s+(?:thời\s+hạn\s+|vòng\s+|thời\s+gian\s+)?"
                 r"(?P<n>\d{1,3})\s+ngày(?P<working>\s+làm\s+việc)?\s*,?\s*(?:kể\s+)?(?:từ|sau)\s+"
                 r"(?:ngày|khi)\s+(?P<from>nhận|ký|ban\s+hành)(?:\s+được)?"
                 r"(?:\s+(?:văn\s+bản|công\s+văn|kế\s+hoạch)(?:\s+này)?)?"),
    # Counted from nothing said, or from some other event ("kể từ ngày có kết quả rà soát"): the
    # anchored pattern above, tried first, takes the phrases it knows.
    ("relative_unanchored", r"(?:trong\s+(?:thời\s+hạn|vòng)|chậm\s+nhất(?:\s+là)?|không\s+quá)\s+"
                            r"(?P<n>\d{1,3})\s+ngày(?P<working>\s+làm\s+việc)?+"),
    ("fixed_no_year", r"(?:trước|chậm\s+nhất(?:\s+là)?|hạn\s+chót|trong|vào)\s+(?:(?P<time>" + TIME +
                      r")\s*,?\s*)?ngày\s+(?P<day_month>" + DAY_MONTH + ")"),
    ("month_no_year", r"trong\s+tháng\s+(?P<month>\d{1,2})(?!\s*[/\-]?\s*\d)(?!\s+năm)"),
]

# Something happens, then the task is due: a standing duty, with no date of its own ("ongoing").
EVENT = [
    r"ngay\s+khi(?!\s+nhận)", r"nếu\s+phát\s+hiện", r"khi\s+phát\s+hiện", r"khi\s+(?:có\s+)?phát\s+sinh",
    r"khi\s+có\s+(?:đợt|yêu\s+cầu|sự\s+cố|thay\s+đổi|biến\s+động)", r"mỗi\s+khi", r"sau\s+mỗi\s+đợt",
]

# Recurrences, most frequent first: when a sentence names several ("hằng tháng, 6 tháng, năm"),
# the most frequent one sets the occurrences.
RECURRING = [
    ("daily", EVERY + r"\s+ngày"),
    ("weekly", EVERY + r"\s+tuần|định\s+kỳ\s+tuần"),
    ("monthly", EVERY + r"\s+tháng|định\s+kỳ\s+tháng"),
    ("quarterly", EVERY + r"\s+quý|định\s+kỳ\s+quý|báo\s+cáo\s+quý|tháng\s+cuối\s+(?:của\s+|mỗi\s+)?quý"
                  r"|cuối\s+mỗi\s+quý"),
    ("half_yearly", r"(?:báo\s+cáo\s+(?:sơ\s+kết\s+)?)?(?:6|sáu)\s+tháng\s*(?:,|và)\s*(?:hằng\s+|hàng\s+|cả\s+)?năm"
                    r"|định\s+kỳ\s+(?:6|sáu)\s+tháng"
                    r"|báo\s+cáo\s+(?:sơ\s+kết\s+)?(?:6|sáu)\s+tháng(?!\s+(?:đầu|cuối))"),
    ("yearly", EVERY + r"\s+năm|định\s+kỳ\s+năm|báo\s+cáo\s+(?:tổng\s+kết\s+)?năm(?!\s+\d)"),
]
# Where in the sentence a recurrence says when it falls due.
RECURRENCE_TIME = r"(?:trước|chậm\s+nhất|lúc|vào\s+lúc|trước\s+lúc)\s+(?P<time>" + TIME + ")"
RECURRENCE_WEEKDAY = r"thứ\s+(?P<weekday>hai|ba|tư|năm|sáu|bảy|[2-7])(?!\w)|(?P<sunday>chủ\s+nhật)"
RECURRENCE_DAY = (r"(?:trước|vào|trong|chậm\s+nhất(?:\s+là)?)\s+ngày\s+(?P<day>\d{1,2})(?!\s*[/.\-]\s*\d)"
                  r"|ngày\s+(?P<day2>\d{1,2})\s+" + EVERY + r"\s+tháng")

# At once: the admin sets the date.
IMMEDIATE = [
    r"ngay\s+(?:sau\s+)?khi\s+nhận", r"khẩn\s+trương", r"ngay\s+lập\s+tức", r"ngay\s+trong\s+ngày",
    r"hỏa\s+tốc",
    r"(?:thực\s+hiện|hoàn\s+thành|triển\s+khai|tổ\s+chức|báo\s+cáo|xử\s+lý|khắc\s+phục|chấn\s+chỉnh|"
    r"rà\s+soát|kiểm\s+tra|gửi|cung\s+cấp|tham\s+mưu|chỉ\s+đạo|điều\s+tra|xác\s+minh|ban\s+hành|cử|"
    r"bố\s+trí|dừng|tạm\s+dừng|thu\s+hồi|ứng\s+phó|sơ\s+tán|di\s+dời)\s+ngay(?!\s+(?:khi|sau))",
]

# A standing duty, said in so many words.
ONGOING = [r"thường\s+xuyên", r"liên\s+tục", r"lâu\s+dài"]

# Words that suggest a standing duty without saying so: the deadline is then a guess.
LIKELY_ONGOING = [
    r"tiếp\s+tục(?!\s+(?:phát\s+huy|quán\s+triệt|thực\s+hiện\s+nghiêm|triển\s+khai\s+thực\s+hiện\s+nghiêm))",
    r"duy\s+trì", r"tăng\s+cường", r"đẩy\s+mạnh", r"chặt\s+chẽ",
]

# Paragraphs or sentences that set a period for what follows ("Thời gian thực hiện cao điểm từ
# ngày … đến hết ngày …") rather than being a task.
PERIOD_STATEMENT = (r"(?:thời\s+gian|thời\s+hạn|cao\s+điểm|đợt|giai\s+đoạn|tiến\s+độ)[^.;]{0,80}?từ\s+"
                    r"(?:ngày\s+)?\d{1,2}\s*/\s*\d{1,2}")

# More dates than this in one task is no deadline anyone could keep: read no further.
MAX_DATES = 20

# Strengths, strongest first.
STRENGTHS = ["explicit", "recurring", "event", "ongoing", "immediate", "likely_ongoing"]


def _compile(patterns):
    return [re.compile(p) for p in patterns]


_DESCRIPTIVE = _compile(DESCRIPTIVE)
_EXPLICIT = [(meaning, re.compile(p)) for meaning, p in EXPLICIT]
_EVENT = _compile(EVENT)
_RECURRING = [(kind, re.compile(p)) for kind, p in RECURRING]
_IMMEDIATE = _compile(IMMEDIATE)
_ONGOING = _compile(ONGOING)
_LIKELY_ONGOING = _compile(LIKELY_ONGOING)
_TIME = re.compile(RECURRENCE_TIME)
_WEEKDAY = re.compile(RECURRENCE_WEEKDAY)
_DAY = re.compile(RECURRENCE_DAY)
_PERIOD_STATEMENT = re.compile(PERIOD_STATEMENT)
_SENTENCE_STOP = re.compile(r"[.;!?](?=\s|$)")


@dataclass
class Deadline:
    kind: str = "none"
    date: str | None = None
    time: str | None = None
    weekday: int | None = None
    day: int | None = None
    n: int | None = None
    from_: str | None = None
    window: list | None = None
    text: str | None = None
    guessed: bool = False
    strength: str = "none"
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "date": self.date, "time": self.time, "weekday": self.weekday,
                "day": self.day, "n": self.n, "from": self.from_, "window": self.window, "text": self.text}


@dataclass
class Context:
    """What the document says that a deadline may lean on: the year and month it was issued."""
    year: int | None = None
    month: int | None = None


# --- Small readers ------------------------------------------------------------------------------

def _date(text: str, year_hint: int | None = None) -> date | None:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(numbers) == 2 and year_hint:
        numbers.append(year_hint)
    if len(numbers) != 3:
        return None
    d, m, y = numbers
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _time(text: str | None) -> str | None:
    if not text:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    hour, minute = numbers[0], numbers[1] if len(numbers) > 1 else 0
    if 0 <= hour <= 24 and 0 <= minute < 60:
        return f"{min(hour, 23):02d}:{minute:02d}" if hour < 24 else "23:59"
    return None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _blank(text: str, patterns) -> str:
    for pattern in patterns:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for m in _SENTENCE_STOP.finditer(text, 0, start):
        left = m.end()
    m = _SENTENCE_STOP.search(text, end)
    return left, (m.start() if m else len(text))


def _nearest(pattern, text: str, start: int, end: int, lo: int, hi: int):
    best, best_gap = None, None
    for m in pattern.finditer(text, lo, hi):
        gap = max(m.start() - end, start - m.end(), 0)
        if best is None or gap < best_gap:
            best, best_gap = m, gap
    return best


def _phrase(original: str, start: int, end: int) -> str:
    """The words of the original text at [start, end), with a bracket closed if it was opened."""
    piece = original[start:end]
    if piece.count("(") > piece.count(")"):
        close = original.find(")", end)
        if 0 <= close - end < 40:
            piece = original[start:close + 1]
    return " ".join(piece.split()).strip(" ,;")


# --- Builders of one-off deadlines -------------------------------------------------------------

def _build(meaning: str, m: re.Match, ctx: Context) -> Deadline | None:
    g = m.groupdict()
    if meaning == "fixed":
        d = _date(g["date"])
        return Deadline("fixed", date=d.isoformat(), time=_time(g.get("time"))) if d else None
    if meaning == "fixed_no_year":
        d = _date(g["day_month"], ctx.year)
        if not d:
            return None
        return Deadline("fixed", date=d.isoformat(), time=_time(g.get("time")), guessed=True,
                        extra={"no_year": True})
    if meaning == "period":
        end = _date(g["date"])
        start = _date(g["start"], end.year if end else None)
        if not (start and end) or end < start:
            return None
        return Deadline("within_period", date=end.isoformat(), window=[start.isoformat(), end.isoformat()])
    if meaning in ("month", "month_no_year"):
        month = int(g["month"])
        year = int(g["year"]) if g.get("year") else ctx.year
        if not (1 <= month <= 12 and year):
            return None
        first, last = date(year, month, 1), _last_day(year, month)
        return Deadline("within_month", date=last.isoformat(), window=[first.isoformat(), last.isoformat()],
                        guessed=meaning == "month_no_year")
    if meaning in ("quarter", "half", "year"):
        year = int(g["year"])
        if meaning == "quarter":
            q = QUARTERS[g["quarter"]]
            first, last = date(year, 3 * q - 2, 1), _last_day(year, 3 * q)
        elif meaning == "half":
            first, last = (date(year, 1, 1), date(year, 6, 30)) if g["half"] == "đầu" else \
                (date(year, 7, 1), date(year, 12, 31))
        else:
            first, last = date(year, 1, 1), date(year, 12, 31)
        return Deadline("within_period", date=last.isoformat(), window=[first.isoformat(), last.isoformat()])
    if meaning in ("relative", "relative_unanchored"):
        kind = "relative_working_days" if g.get("working") else "relative_days"
        if meaning == "relative_unanchored":  # counted, as is usual, from receipt: a guess
            return Deadline(kind, n=int(g["n"]), from_="receipt", guessed=True)
        source = "receipt" if g["from"].startswith("nhận") else "issue"
        return Deadline(kind, n=int(g["n"]), from_=source)
    return None


# --- The reader --------------------------------------------------------------------------------

def read_deadline(original: str, ctx: Context | None = None) -> Deadline:
    """The strongest deadline the text states; Deadline() (kind "none") when it states none."""
    ctx = ctx or Context()
    low = _blank(canon(original), _DESCRIPTIVE)
    if len(low) != len(original):  # canon() changed the length: fall back to positions of `low`
        original = low
    found = _explicit(original, low, ctx)
    recurring = _recurring(original, low)
    if found and not (recurring and found.extra.get("no_year")):
        return found
    if recurring:  # "6 tháng (trước ngày 15/6) và năm (trước ngày 15/12)": dates of a recurrence
        return recurring
    for pattern in _EVENT:
        m = pattern.search(low)
        if m:
            return Deadline("ongoing", text=_phrase(original, m.start(), m.end()), strength="event")
    for strength, patterns, kind, guessed in (("ongoing", _ONGOING, "ongoing", False),
                                               ("immediate", _IMMEDIATE, "immediate", False),
                                               ("likely_ongoing", _LIKELY_ONGOING, "ongoing", True)):
        for pattern in patterns:
            m = pattern.search(low)
            if m:
                return Deadline(kind, text=_phrase(original, m.start(), m.end()), guessed=guessed,
                                strength=strength)
    return Deadline()


def _explicit(original: str, low: str, ctx: Context) -> Deadline | None:
    taken: list[tuple[int, int]] = []
    found: list[Deadline] = []
    for meaning, pattern in _EXPLICIT:
        for m in pattern.finditer(low):
            if len(found) >= MAX_DATES:
                break
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            deadline = _build(meaning, m, ctx)
            if deadline:
                taken.append((m.start(), m.end()))
                deadline.text = _phrase(original, m.start(), m.end())
                deadline.strength = "explicit"
                deadline.extra["at"] = m.start()
                deadline.extra.setdefault("no_year", meaning == "month_no_year")
                found.append(deadline)
    if not found:
        return None
    # Several dates: the task is done when the last of them is met.
    found.sort(key=lambda d: (d.date or "", d.extra["at"]))
    best = found[-1]
    if len({(d.kind, d.date, d.n) for d in found}) > 1:
        best.guessed = True
    best.extra["no_year"] = all(d.extra.get("no_year") for d in found)
    return best


def _recurring(original: str, low: str) -> Deadline | None:
    for kind, pattern in _RECURRING:
        m = pattern.search(low)
        if not m:
            continue
        lo, hi = _sentence_around(low, m.start(), m.end())
        deadline = Deadline(kind, strength="recurring")
        spans = [(m.start(), m.end())]
        t = _nearest(_TIME, low, m.start(), m.end(), lo, hi)
        if t and kind in ("daily", "weekly", "monthly"):
            deadline.time = _time(t.group("time"))
            spans.append(t.span())
        if kind == "weekly":
            w = _nearest(_WEEKDAY, low, m.start(), m.end(), lo, hi)
            if w:
                deadline.weekday = 6 if w.group("sunday") else WEEKDAYS[w.group("weekday")]
                spans.append(w.span())
        if kind in ("monthly", "quarterly"):
            d = _nearest(_DAY, low, m.start(), m.end(), lo, hi)
            if d:
                day = int(d.group("day") or d.group("day2"))
                if 1 <= day <= 31:
                    deadline.day = day
                    spans.append(d.span())
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        deadline.text = _phrase(original, start, end)
        return deadline
    return None


def period_statement(original: str, ctx: Context | None = None) -> Deadline | None:
    """A period the text sets for the tasks around it ("Thời gian thực hiện cao điểm từ ngày
    11/3/2024 đến hết ngày 31/3/2024"), or None."""
    low = canon(original)
    m = _PERIOD_STATEMENT.search(low)
    if not m:
        return None
    deadline = _explicit(original if len(low) == len(original) else low, low, ctx or Context())
    if deadline and deadline.kind == "within_period":
        lo, hi = _sentence_around(low, m.start(), m.end())
        deadline.text = " ".join(original[lo:hi].split()).strip(" .;") if len(low) == len(original) else deadline.text
        return deadline
    return None
