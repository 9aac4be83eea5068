"""Rates as Vietnamese reports write them: one decimal, comma, half rounded up."""

import pytest

from cchc.lib.numbers import EMPTY, format_number, format_rate


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (None, EMPTY),
        ("", EMPTY),
        (100, "100"),
        (98.0, "98"),
        (98.62, "98,6"),
        (36.65, "36,7"),  # half up, as people round; Python's default would give 36,6
        (0.05, "0,1"),
        (0, "0"),
        (12.5, "12,5"),
    ],
)
def test_numbers_are_written_with_one_decimal_and_a_comma(value, written):
    assert format_number(value) == written


def test_a_rate_carries_its_sign_after_a_no_break_space():
    assert format_rate(36.73) == "36,7\u00a0%"
    assert format_rate(None) == EMPTY
    assert format_rate("") == EMPTY
