"""A council's profile (councils/<LA code>/council.toml) is read and checked as a whole: every
problem is listed at once, each naming its entry, so one check shows them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.council import ProfileError, read_profile
from domain.plan_lines import LineGroup

NORFOLK_DIR = Path(__file__).resolve().parents[2] / "councils" / "E10000020"

# A profile with seven problems, one of each kind, numbered as the comments below number them.
SPOILT = """
la_code = "E1000008"              # 1: seven digits after the E, not eight
old_la_code = "878"
short_name = "Devon"              # 2: no name
programme = "Recovery"
measures = "measures.toml"        # 3: no such file beside the profile

[plan]
first_year = "2030-31"            # 4: the years run backwards
last_year = "2024-25"

[[plan.line]]
code = "hnb_dsg_income"
label = "DSG High Needs Block allocation"
standard = "hnb_dsg_income"

[[plan.line]]
code = "special_schools"
label = "Special schools"
standard = "special_schools"

[[plan.line]]
code = "special_schools"          # 5: the code of line 2 again
label = "Special academies"
standard = "special_schools"

[[plan.line]]
code = "home_to_school_transport"
label = "Home to school transport"
standard = "transport"            # 6: not a standard line

[[plan.line]]
code = "other_spend"
label = "Special Schools"         # 7: line 2's label, in other capitals
standard = "other_expenditure"
"""

DEVON = """
la_code = "E10000008"
old_la_code = "878"
name = "Devon County Council"
short_name = "Devon"
programme = "Safety valve recovery"
measures = "measures.toml"

[plan]
first_year = "2024-25"
last_year = "2030-31"

[[plan.line]]
label = "DSG High Needs Block allocation"
standard = "hnb_dsg_income"

[[plan.line]]
code = "block_transfer"
label = "Schools Block transfer (0.5%)"
standard = "block_transfer"

[[plan.line]]
code = "special_schools"
label = "Special schools"
standard = "special_schools"

[[plan.line]]
code = "dcc_contribution"
label = "DCC Contribution"
standard = "council_contribution"
"""


def _folder(root: Path, name: str, profile: str, *, measures: bool = False) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "council.toml").write_text(profile, encoding="utf-8")
    if measures:
        (folder / "measures.toml").write_text("", encoding="utf-8")
    return folder


def test_cpr001_a_profile_with_several_problems_lists_every_one_naming_its_entry(tmp_path):
    folder = _folder(tmp_path, "E10000008", SPOILT)
    with pytest.raises(ProfileError) as raised:
        read_profile(folder)
    error = raised.value
    assert error.where == str(folder / "council.toml")
    problems = error.problems
    expected = [
        "la_code 'E1000008' is not a new-style LA code",  # 1
        "profile: missing name",  # 2
        "measures: 'measures.toml' is not a file beside the profile",  # 3
        "plan: first_year and last_year: 2024-25 comes before 2030-31",  # 4
        "plan line 3 ('Special academies'): code 'special_schools' is used more than once",  # 5
        "plan line 4 ('Home to school transport'): standard 'transport' is not a standard line",
        "plan line 5 ('Special Schools'): 'Special Schools' also labels line 'special_schools'",
    ]
    for start in expected:
        assert sum(p.startswith(start) for p in problems) == 1, (start, problems)
    # nothing else: the missing name is said once
    assert len(problems) == len(expected), problems
    # the message is the file and then every problem, one a line
    assert str(error).splitlines() == [f"{folder / 'council.toml'} has problems:", *problems]


def test_cpr002_an_unknown_standard_line_is_named_with_the_lines_it_may_be(tmp_path):
    with pytest.raises(ProfileError) as raised:
        read_profile(_folder(tmp_path, "E10000008", SPOILT))
    (problem,) = [p for p in raised.value.problems if "'transport'" in p]
    # the sixteen standard lines, in the order of the DfE's plan
    assert problem.endswith(
        "one of hnb_dsg_income, block_transfer, other_income, special_schools, "
        "resourced_provision, mainstream_top_up, independent_special_schools, "
        "alternative_provision, post_16, hospital_education, therapies_and_health, "
        "support_services, other_expenditure, dfe_contribution, council_contribution, "
        "other_contribution"
    )


def test_cpr003_a_sound_profile_reads_its_years_and_lines_in_its_own_words(tmp_path):
    profile = read_profile(_folder(tmp_path, "E10000008", DEVON, measures=True))
    assert (profile.la_code, profile.old_la_code, profile.name) == (
        "E10000008",
        "878",
        "Devon County Council",
    )
    assert profile.plan_years == (
        "2024-25",
        "2025-26",
        "2026-27",
        "2027-28",
        "2028-29",
        "2029-30",
        "2030-31",
    )
    assert profile.last_year == "2030-31"
    lines = profile.plan_lines
    # a line without a code takes its standard line's
    assert lines.codes == (
        "hnb_dsg_income",
        "block_transfer",
        "special_schools",
        "dcc_contribution",
    )
    assert lines.by_code("dcc_contribution").standard == "council_contribution"
    assert lines.by_code("dcc_contribution").group is LineGroup.CONTRIBUTION
    assert lines.code_for_label("dcc contribution") == "dcc_contribution"
    assert lines.code_for_label("NCC Contribution") is None  # Norfolk's words are not Devon's
    assert (profile.workstreams, profile.conditions, profile.contact) == ((), (), None)


def test_cpr004_a_profile_in_another_councils_folder_is_refused(tmp_path):
    folder = _folder(tmp_path, "E10000020", DEVON, measures=True)
    with pytest.raises(ProfileError) as raised:
        read_profile(folder)
    assert raised.value.problems == ["la_code 'E10000008' differs from its folder's name"]


def test_cpr005_a_folder_without_a_profile_or_with_broken_toml_says_so(tmp_path):
    empty = tmp_path / "E10000008"
    empty.mkdir()
    with pytest.raises(ProfileError) as raised:
        read_profile(empty)
    assert raised.value.problems == ["no profile file"]
    (empty / "council.toml").write_text('name = "Devon County Council\n', encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        read_profile(empty)
    assert raised.value.problems[0].startswith("not TOML: ")


def test_cpr006_norfolks_profile_reads_as_the_schools_forum_paper_sets_it_out():
    profile = read_profile(NORFOLK_DIR)
    # the paper's plan runs 2022-23 to 2028-29, over sixteen lines, in its own words
    assert (profile.plan_years[0], profile.last_year, len(profile.plan_years)) == (
        "2022-23",
        "2028-29",
        7,
    )
    assert len(profile.plan_lines.lines) == 16
    assert profile.plan_lines.labels[0] == "High Needs Block DSG Income"
    assert profile.plan_lines.labels[-1] == "NCC Contribution"
    # nine conditions in the safety valve agreement and five workstreams in the paper
    assert (len(profile.conditions), len(profile.workstreams)) == (9, 5)
    assert profile.workstream(3).name == "School-led alternative provision"
    assert profile.workstream(6) is None
