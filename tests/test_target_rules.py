"""Targets to date at quarter boundaries, and rates."""
from datetime import date

import pytest

from webapp.rules.targets import quarter_of, rate, target_to_date

GIO_LINH = (72, 167, 191, 287)  # người có công, Phụ lục 01


@pytest.mark.parametrize("day, expected", [
    (date(2024, 1, 1), 72),
    (date(2024, 3, 31), 72),
    (date(2024, 4, 1), 72 + 167),
    (date(2024, 6, 30), 72 + 167),
    (date(2024, 7, 1), 72 + 167 + 191),
    (date(2024, 9, 30), 430),
    (date(2024, 10, 1), 717),
    (date(2024, 12, 31), 717),
    (date(2025, 2, 1), 717),
    (date(2023, 12, 31), 0),
])
def test_target_to_date_sums_the_quarterly_increments_up_to_the_days_quarter(day, expected):
    assert target_to_date(GIO_LINH, day, 2024) == expected


def test_quarters_and_rates():
    assert [quarter_of(date(2024, m, 1)) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert rate(5385, 16975) == pytest.approx(31.72, abs=0.01)
    assert rate(5, 0) is None
