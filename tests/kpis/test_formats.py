from decimal import Decimal as D

import pytest

from kpis.formats import format_count, format_money_m, format_percent, format_value, format_variance


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("45.613"), "£45.613m"),
        (D("-16.675"), "-£16.675m"),
        (D("0.0004"), "£0.000m"),
        (D("1234.5678"), "£1,234.568m"),
    ],
)
def test_fmt001_money_in_millions_to_three_decimals(value, text):
    assert format_money_m(value) == text


def test_fmt002_percentages_are_fractions_formatted_only_for_display():
    assert format_percent(D("0.047")) == "4.7%"
    assert format_percent(D("0.16286")) == "16.3%"


def test_fmt003_counts_have_thousands_separators():
    assert format_count(1234) == "1,234"


def test_fmt004_a_missing_value_says_so_rather_than_zero():
    assert format_value(None, "£m") == "not available"


def test_fmt005_variances_are_signed():
    assert format_variance(D("11.8"), "£m") == "+£11.800m"
    assert format_variance(D("-0.004"), "%") == "-0.4 percentage points"


def test_fmt_no_figure_rounding_to_zero_is_printed_with_a_minus_sign():
    from decimal import Decimal

    from kpis.formats import format_value

    # -0.004 is 0.00 to two places; Python's Decimal would print "-0.00"
    assert format_value(Decimal("-0.004"), "ratio") == "0.00"
    assert format_value(Decimal("-0.0004"), "£m") == "£0.000m"
    assert format_value(Decimal("-0.00004"), "%") == "0.0%"
    assert format_value(Decimal("-0.4"), "count") == "0"


def test_fmt006_pounds_of_a_million_or_more_are_shown_in_millions_like_every_million():
    # £67,062,500 is 67.0625 millions: £67.063m to three places, rounded half up
    assert format_value(D("67062500"), "£") == "£67.063m"
    assert format_value(D("168000000"), "£") == "£168.000m"
    assert format_variance(D("-3124167"), "£") == "-£3.124m"
    assert format_variance(D("3124167"), "£") == "+£3.124m"
    # under a million, whole pounds; £999,999.50 rounds to £1,000,000, so it is a million
    assert format_value(D("62289.4"), "£") == "£62,289"
    assert format_value(D("999999.49"), "£") == "£999,999"
    assert format_value(D("999999.50"), "£") == "£1.000m"
