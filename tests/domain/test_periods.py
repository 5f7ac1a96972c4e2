import pytest

from domain.periods import (
    PeriodError,
    Term,
    financial_years,
    parse_financial_year,
    parse_term,
)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2023-24", "2023-24"),
        ("2023/24", "2023-24"),
        (" 2023 - 24 ", "2023-24"),
        ("2023-2024", "2023-24"),
        ("1999-00", "1999-00"),
    ],
)
def test_per001_financial_years_in_the_ways_people_write_them(text, year):
    assert parse_financial_year(text) == year


@pytest.mark.parametrize("text", ["2023-25", "2024-23", "202-23", "FY24", "2023"])
def test_per002_text_that_is_not_a_financial_year_is_refused(text):
    with pytest.raises(PeriodError):
        parse_financial_year(text)


def test_per003_the_plan_years_run_from_first_to_last():
    assert financial_years("2022-23", "2028-29") == (
        "2022-23",
        "2023-24",
        "2024-25",
        "2025-26",
        "2026-27",
        "2027-28",
        "2028-29",
    )


@pytest.mark.parametrize(
    ("text", "financial_year"),
    [
        ("Autumn 2024", "2024-25"),  # September to December 2024
        ("Spring 2025", "2024-25"),  # January to March 2025: still 2024-25
        ("Summer 2025", "2025-26"),  # after 1 April 2025
        ("spring term 2024", "2023-24"),
    ],
)
def test_per004_a_term_falls_in_the_financial_year_of_its_months(text, financial_year):
    assert parse_term(text).financial_year == financial_year


def test_per005_a_term_without_a_season_is_refused():
    with pytest.raises(PeriodError):
        parse_term("Term 1 2024")


def test_per_only_short_period_texts_are_kept_and_long_ones_read_alike():
    # Given a term named with a great run of spaces (as a cell or an address may hold), when it
    # is read, then it is read as it always was, and its answer is not kept (a worker would
    # otherwise hold 4,096 such texts); a text of up to 32 characters is kept.
    held = parse_term.cache_info().currsize
    assert parse_term("Autumn" + " " * 10_000 + "2024") == Term(2024, "Autumn")
    assert parse_term.cache_info().currsize == held
    assert parse_term("sPrInG  TeRm 1907") == Term(1907, "Spring")  # read nowhere else
    assert parse_term.cache_info().currsize == held + 1
