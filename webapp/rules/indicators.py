"""Indicator sets, the pure part: reading typed numbers, periods and targets to date, checking one
unit's figures, and the appendix formulas ("2+3+4+5", "6/1"). No Flask, no database."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from .input import MAX_COUNT
from .vietnamese import format_number

# Numbers as people type them: "1.912", "1912", "12,5", "1.234,56".
_WHOLE = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+")
_DECIMAL = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?")
MAX_DIGITS = len(str(MAX_COUNT)) + 1  # enough to tell "too large" from a number, without reading 5,000 digits
MAX_DECIMALS = 4


def parse_number(raw, decimals: bool = False) -> tuple[float | None, str | None]:
    """(value, None), (None, None) when blank, or (None, a Vietnamese reason). "." groups thousands and
    "," starts the decimals, as Vietnamese write them; a whole-number indicator takes no decimals."""
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None, None
    negative = text.startswith("-")
    body = text[1:] if negative else text
    match = _DECIMAL.fullmatch(body) if body.isascii() else None
    if match is None:
        if decimals and re.fullmatch(r"\d+\.\d{1,2}", body or "") and body.isascii():
            return None, "Dùng dấu phẩy cho phần thập phân (ví dụ 12,5); dấu chấm là dấu phân cách hàng nghìn."
        return None, "Phải là một số" + (" (ví dụ 1.234,5)." if decimals else " nguyên không âm.")
    whole, fraction = match.group(1).replace(".", ""), match.group(2)
    if len(whole) > MAX_DIGITS:
        return None, f"Số quá lớn: tối đa {format_number(MAX_COUNT)}."
    if fraction and not decimals:
        return None, "Phải là số nguyên (chỉ số này không nhận phần thập phân)."
    if fraction and len(fraction) > MAX_DECIMALS:
        return None, f"Tối đa {MAX_DECIMALS} chữ số thập phân."
    value = float(f"{whole}.{fraction}") if fraction else float(int(whole))
    if negative:
        return None, "Số liệu không được âm."
    if value > MAX_COUNT:
        return None, f"Số quá lớn: tối đa {format_number(MAX_COUNT)}."
    return value, None


def show(value, decimals: bool = False) -> str:
    """A stored number as a form shows it: 1912.0 -> "1.912", 12.5 -> "12,5"; None -> ""."""
    if value is None:
        return ""
    if float(value).is_integer():
        return format_number(int(value))
    return format_number(value, MAX_DECIMALS).rstrip("0").rstrip(",")


# --- Periods and targets -----------------------------------------------------------------------

PART_COUNT = {"year": 0, "quarter": 4, "month": 12}


def part_of(day: date, target_period: str) -> int:
    """The part of its year a day falls in: its quarter or month; 0 for a yearly target."""
    if target_period == "quarter":
        return (day.month - 1) // 3 + 1
    if target_period == "month":
        return day.month
    return 0


def part_label(part: int, target_period: str) -> str:
    if part == 0:
        return "Cả năm"
    return f"Quý {part}" if target_period == "quarter" else f"Tháng {part}"


def parts(target_period: str) -> list[int]:
    """The parts a target of the year is given in: [0] for the year, else 1..4 or 1..12."""
    count = PART_COUNT.get(target_period, 0)
    return list(range(1, count + 1)) if count else [0]


def target_to_date(values: dict[int, float], target_period: str, day: date, year: int) -> float:
    """What should have been reached by `day`: a whole-year value (part 0) counts all year; quarterly or
    monthly increments count up to the day's quarter or month. Before the target year nothing is due
    yet; after it, everything."""
    if day.year < year:
        return 0.0
    current = part_of(day, target_period)
    return float(sum(v for part, v in values.items() if part == 0 or day.year > year or part <= current))


def rate(part, whole) -> float | None:
    """part/whole as a percentage, None when there is nothing to divide by."""
    return 100.0 * part / whole if part is not None and whole else None


RECURRING_WINDOWS = {"daily": "Ngày", "weekly": "Tuần", "monthly": "Tháng"}


def default_window(rule_kind: str | None, to: date) -> date | None:
    """The first day of the reporting period that ends on `to`: the day itself for a daily report, the
    seven days to it for a weekly one, the month to it for a monthly one; None (from the start) for a
    set with no recurring duty."""
    if rule_kind == "daily":
        return to
    if rule_kind == "weekly":
        return to - timedelta(days=6)
    if rule_kind in ("monthly", "monthly_last"):
        return to - relativedelta(months=1) + timedelta(days=1)
    return None


# --- Checking one unit's figures -------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """What a check needs of an indicator."""
    id: int
    name: str
    decimals: bool = False
    aggregation: str = "cumulative"  # cumulative | stock | period
    at_most: int | None = None


def check_figures(specs: list[Spec], group_ids: list[int], values: dict, previous: dict, note: str,
                  group_names: dict | None = None) -> dict:
    """Errors {(indicator id, group id) or "note": message} for one unit's figures of a period.

    values: {(indicator id, group id): number or None}; previous: the unit's latest earlier figures
    {(indicator id, group id): (value, day)}. A group left wholly blank is not reported; in a group
    reported every number is required (0 when there is none); one may not exceed its "not more than"
    indicator; a cumulative figure lower than before needs a reason."""
    errors, names = {}, {s.id: s.name for s in specs}
    group_names = group_names or {}
    group_ids = [g for g in group_ids if any(values.get((s.id, g)) is not None for s in specs)]
    for spec in specs:
        for group in group_ids:
            value = values.get((spec.id, group))
            if value is None:
                errors[(spec.id, group)] = "Vui lòng nhập số (0 nếu chưa có)."
            elif value < 0:
                errors[(spec.id, group)] = "Số liệu không được âm."
            elif value > MAX_COUNT:
                errors[(spec.id, group)] = f"Số quá lớn: tối đa {format_number(MAX_COUNT)}."
            elif not spec.decimals and not float(value).is_integer():
                errors[(spec.id, group)] = "Phải là số nguyên."
    for spec in specs:
        if spec.at_most is None or spec.at_most not in names:
            continue
        for group in group_ids:
            value, cap = values.get((spec.id, group)), values.get((spec.at_most, group))
            if (spec.id, group) in errors or (spec.at_most, group) in errors or value is None or cap is None:
                continue
            if value > cap:
                errors[(spec.id, group)] = f"Không được lớn hơn «{names[spec.at_most]}»."
    if not (note or "").strip():
        lower = []
        for spec in specs:
            if spec.aggregation != "cumulative":
                continue
            for group in group_ids:
                value, before = values.get((spec.id, group)), previous.get((spec.id, group))
                if (spec.id, group) not in errors and value is not None and before and value < before[0]:
                    label = spec.name.lower() + (f" ({group_names[group]})" if group_names.get(group) else "")
                    lower.append((label, before[1]))
        if lower:
            days = sorted({d for _, d in lower})
            errors["note"] = (f"Số lũy kế {', '.join(label for label, _ in lower)} thấp hơn kỳ trước "
                              f"(ngày {days[-1]:%d/%m/%Y}): cần ghi lý do.")
    return errors


# --- Appendix formulas -------------------------------------------------------------------------

_SUM = re.compile(r"\d+(?:\s*\+\s*\d+)+")
_RATE = re.compile(r"(\d+)\s*/\s*(\d+)")


def parse_formula(text: str, number: int, value_columns: set[int], sum_columns: set[int]) -> tuple:
    """("sum", (2, 3, 4, 5)) for "2+3+4+5", ("rate", (6, 1)) for "6/1", for column `number`. Operands
    are earlier columns holding numbers (values or sums, not rates). InputError-free: raises ValueError
    with a Vietnamese message."""
    body = (text or "").strip().lstrip("=").strip()
    if "=" in body:  # "6=2+3+4+5" as the column-number row prints it
        head, body = (part.strip() for part in body.split("=", 1))
        if head != str(number):
            raise ValueError(f"Công thức của cột {number} lại ghi là cột {head}.")
    if _SUM.fullmatch(body):
        kind, operands = "sum", tuple(int(n) for n in body.split("+"))
    elif match := _RATE.fullmatch(body):
        kind, operands = "rate", (int(match[1]), int(match[2]))
    else:
        raise ValueError("Công thức chỉ là tổng các cột (ví dụ 2+3+4+5) hoặc tỷ lệ hai cột (ví dụ 6/1).")
    for operand in operands:
        if operand >= number:
            raise ValueError(f"Cột {number} chỉ tính từ các cột đứng trước nó (cột {operand} không được).")
        if operand not in value_columns | sum_columns:
            raise ValueError(f"Cột {operand} không phải cột số liệu hay cột tổng.")
    if kind == "sum" and len(set(operands)) != len(operands):
        raise ValueError("Một cột được cộng hai lần.")
    return kind, operands


def formula_text(kind: str, operands: tuple) -> str:
    return ("+" if kind == "sum" else "/").join(str(n) for n in operands)
