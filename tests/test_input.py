"""Reading typed dates, times, lines and deadline rules (webapp.rules.input)."""
from datetime import date, time

import pytest

from webapp.rules.input import (
    InputError,
    clean_lines,
    format_partial_date,
    parse_month,
    parse_partial_date,
    parse_time,
    read_rule,
)


@pytest.mark.parametrize("text, expected", [
    ("15/01/2024", (date(2024, 1, 15), "day")),
    ("5/1/2024", (date(2024, 1, 5), "day")),
    (" 03/2024 ", (date(2024, 3, 1), "month")),
    ("3-2024", (date(2024, 3, 1), "month")),
    ("2024", (date(2024, 1, 1), "year")),
    ("", (None, "day")),
    (None, (None, "day")),
])
def test_parse_partial_date(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["15/13/2024", "30/02/2024", "2024-01-15x", "tháng 3", "24", "13/2024",
                                  "15/01/24", "1800"])
def test_parse_partial_date_rejects_bad_input(text):
    with pytest.raises(InputError) as exc:
        parse_partial_date(text)
    assert str(exc.value)  # a Vietnamese message for the form


def test_format_partial_date_round_trips():
    for text in ("15/01/2024", "03/2024", "2024", ""):
        assert format_partial_date(*parse_partial_date(text)) == text


def test_parse_time_and_month():
    assert parse_time("9:05") == time(9, 5)
    assert parse_time("14h30") == time(14, 30)
    assert parse_time("") is None
    assert parse_month("01/2024") == date(2024, 1, 1)
    assert parse_month("20/02/2024") == date(2024, 2, 1)
    for bad in ("24:00", "9:75", "chín giờ"):
        with pytest.raises(InputError):
            parse_time(bad)


def test_read_rule_keeps_only_the_fields_its_kind_uses():
    fields, errors = read_rule("ongoing", {"deadline_date": "15/01/2024", "weekday": 2})
    assert errors == {} and fields["deadline_date"] is None and fields["weekday"] is None
    fields, errors = read_rule("fixed", {"deadline_date": "15/01/2024", "deadline_time": "10:00"})
    assert errors == {} and (fields["deadline_date"], fields["deadline_time"]) == (date(2024, 1, 15), time(10))
    _, errors = read_rule("weekly", {"deadline_time": "sáng"})
    assert set(errors) == {"deadline_time", "weekday"}


def test_clean_lines():
    assert clean_lines(" a \r\n\r\n b\n") == "a\nb"
