"""Vietnamese text helpers: alphabetical sort keys, name normalisation, number and date formats."""
import unicodedata
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

# Vietnamese alphabet order: Đ after D, Ă and Â after A, and so on.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 2, "\u0301": 4, "\u0303": 3, "\u0309": 1, "\u0323": 5}  # huyền sắc ngã hỏi nặng


def _letters(text: str):
    """Yield (base letter, tone rank) for each character, folding case."""
    for ch in unicodedata.normalize("NFC", text.lower()):
        if ch == "đ":
            yield "đ", 0
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, tone = parts[0], 0
        for mark in parts[1:]:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark == "\u031b":  # horn: ơ, ư
                base = {"o": "ơ", "u": "ư"}.get(base, base)
            elif mark == "\u0302":
                base = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
            elif mark == "\u0306":
                base = "ă" if base == "a" else base
        yield base, tone


def sort_key(text: str) -> str:
    """An ASCII key that sorts the same under any database collation: letters first, tones second."""
    primary, secondary = [], []
    for base, tone in _letters(text or ""):
        pos = _ALPHABET.find(base)
        if pos >= 0:
            primary.append(chr(ord("A") + pos))
        elif base.isdigit():
            primary.append(base)
        else:
            primary.append(" ")
        secondary.append(str(tone))
    return "".join(primary) + "|" + "".join(secondary)


def fold(text: str) -> str:
    """Lower-case, diacritics removed, spaces collapsed: for tolerant name matching and search."""
    text = unicodedata.normalize("NFD", (text or "").lower()).replace("đ", "d")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def round_half_up(value, decimals: int = 0) -> Decimal:
    """Round as a Vietnamese report does, halves away from zero: 356.25 -> 356.3, 12.5 -> 13 (Python's
    round() and format() send halves to the even digit: 356.2, 12). Binary noise is washed out first, so
    100 * 29 / 200 = 14.499999999999998 counts as the 14.5 it stands for and gives 15."""
    with localcontext() as context:
        context.prec = 80  # quantize never runs out of digits, whatever the size of the number
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        exact = exact.quantize(Decimal("1e-9"), rounding=ROUND_HALF_EVEN)
        return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


_COUNCIL_PREFIXES = ("ubnd ", "ủy ban nhân dân ", "uỷ ban nhân dân ")


def place_name(unit_name: str) -> str:
    """The locality a people's committee governs, as appendices name it: "UBND thành phố Đông Hà" ->
    "Thành phố Đông Hà", "UBND xã Quài Cang" -> "Xã Quài Cang"; other names as they are."""
    text = " ".join(unicodedata.normalize("NFC", unit_name or "").split())
    lowered = text.lower()
    for prefix in _COUNCIL_PREFIXES:
        if lowered.startswith(prefix) and len(text) > len(prefix):
            rest = text[len(prefix):]
            return rest[:1].upper() + rest[1:]
    return text


def format_number(value, decimals: int = 0) -> str:
    """16975 -> '16.975'; 31.7 with decimals=1 -> '31,7'; halves rounded up (356,25 -> '356,3').
    Every number and percentage the app shows goes through here."""
    if value is None:
        return ""
    text = f"{round_half_up(value, decimals):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_percent(fraction, decimals: int = 0) -> str:
    """0.3172 -> '32%'; with decimals=1 -> '31,7%'; None -> ''."""
    if fraction is None:
        return ""
    return format_number(fraction * 100, decimals) + "%"


def percent_fraction(percent, decimals: int = 1) -> float:
    """A percentage for a spreadsheet cell formatted "0.0%": rounded half up first, so the cell shows
    what the printed report shows (356.25 -> 3.563, shown 356,3%)."""
    return float(round_half_up(percent, decimals)) / 100
