"""The targets pages' forms read from the request: the split among communes and a day's figures.
Numbers are typed with "." for thousands ("1.912"); the limits and the rules are core's."""
from ..core import progress, targets
from ..models import GROUPS
from ..rules.input import MAX_COUNT
from ..rules.vietnamese import format_number

MAX_DIGITS = len(str(MAX_COUNT)) + 1  # enough to tell "too large" from a number, without reading 5,000 digits


def whole_number(raw) -> int | None:
    """'1.912' or '1912' -> 1912; '-3' -> -3 (refused later as negative); not a number -> None. A number
    beyond the limit stays as typed, for core to refuse with its message."""
    text = (raw or "").strip().replace(".", "")
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    if not (digits.isascii() and digits.isdigit()):
        return None
    number = MAX_COUNT + 1 if len(digits) > MAX_DIGITS else int(digits)
    return -number if negative else number


def parse_split(form, communes):
    """{(unit id, group): numbers} and {input name: error} from the split form; blank is 0."""
    values, errors = {}, {}
    for commune in communes:
        for group in GROUPS:
            numbers = []
            for field in targets.FIELDS:
                name = f"v-{commune.id}-{group}-{field}"
                raw = (form.get(name) or "").strip()
                number = 0 if raw == "" else whole_number(raw)
                if number is None or number < 0:
                    errors[name] = "Phải là số nguyên không âm."
                elif number > MAX_COUNT:
                    errors[name] = f"Số quá lớn: tối đa {format_number(MAX_COUNT)}."
                numbers.append(number if name not in errors else None)
            values[(commune.id, group)] = tuple(numbers)
    return values, errors


def parse_figures(form) -> dict:
    """{group: {count name: int or None, "note": text}} from the figures form."""
    entries = {}
    for group in GROUPS:
        values = {"note": (form.get(f"{group}-note") or "")[:2000]}
        for name in progress.COUNTS:
            values[name] = whole_number(form.get(f"{group}-{name}"))
        entries[group] = values
    return entries
