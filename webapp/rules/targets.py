"""Target arithmetic: year totals, targets to date, rates."""
from datetime import date


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def target_to_date(quarters, day: date, year: int) -> int:
    """The minimum to have reached by `day`: the quarterly increments summed up to its quarter.

    Before the target year nothing is due yet; after it, the whole year's total.
    """
    if day.year < year:
        return 0
    if day.year > year:
        return sum(quarters)
    return sum(quarters[:quarter_of(day)])


def rate(part, whole) -> float | None:
    """part/whole as a percentage, None when there is nothing to divide by."""
    return 100.0 * part / whole if whole else None
