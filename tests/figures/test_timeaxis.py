"""The time axis of a termly measure labelled by financial year names every year it shows, the
first and the last included, evenly: a year cut short at an end of the axis had its name
dropped (Norfolk's 2022-23, Suffolk's 2024-25 and 2029-30)."""

from figures.timeaxis import time_axis

NORFOLK_TERMS = [f"{s} {y}" for y in range(2023, 2027) for s in ("Spring", "Summer", "Autumn")]


def test_axs001_every_year_from_the_first_term_to_the_trends_end_is_named():
    # Autumn 2022 (in 2022-23) to Summer 2026, and a trend carried to Spring 2029 (in 2028-29)
    axis = time_axis(["Autumn 2022", *NORFOLK_TERMS[:-1], "Spring 2029"], "term")
    assert axis["ticktext"] == [
        "2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28", "2028-29"]  # fmt: skip
    # whole years, 1 April 2022 to 31 March 2029, and 20 days beyond each end
    assert axis["range"] == ["2022-03-12", "2029-04-20"]
    # each name at the middle of its year: 1 April 2022 plus half of 364 days
    assert axis["tickvals"][0] == "2022-09-30"


def test_axs002_a_later_plan_names_every_year_to_its_end():
    # Suffolk: Summer 2024 (in 2024-25) to Summer 2026, a trend to Spring 2031 (in 2030-31)
    terms = ["Summer 2024", "Autumn 2024", "Spring 2025", "Summer 2026", "Spring 2031"]
    assert time_axis(terms, "term")["ticktext"] == [
        "2024-25", "2025-26", "2026-27", "2027-28", "2028-29", "2029-30", "2030-31"]  # fmt: skip


def test_axs003_too_many_years_for_every_name_are_named_evenly_back_from_the_last():
    # ten years, 2021-22 to 2030-31, in 520 px: 520 / (3,652 + 40 days) x 365 = 51 px a year,
    # under the 61.5 px a name takes, so every other year is named, ending with the last
    axis = time_axis(["Autumn 2021", "Spring 2022", "Summer 2022", "Spring 2031"], "term")
    assert axis["ticktext"] == ["2022-23", "2024-25", "2026-27", "2028-29", "2030-31"]
