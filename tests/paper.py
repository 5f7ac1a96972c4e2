"""Figures typed from the Schools Forum paper of 17 May 2023 (item 3, section 2), in £m.

Tests take their expected values from here or work them out by hand; never from the code.
"""

from decimal import Decimal as D

YEARS = ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28", "2028-29")

# Column A labels exactly as the paper prints them, with the paper's figures and signs.
LINES = {
    "High Needs Block DSG Income": "-120.578 -135.212 -141.484 -145.175 -148.682 -152.865 -157.846",
    "1.5% Schools Block transfer": "-8.529 -9.015 -9.196 -9.380 -9.567 -9.759 -9.954",
    "Maintained / Academy / Free Special Schools": "46.878 53.584 56.351 58.883 62.115 64.828 67.038",
    "Specialist Resource Bases & Deaf Resource Bases": "6.314 7.966 10.466 14.291 17.959 19.497 19.887",
    "Independent Special Schools": "42.771 47.424 41.437 29.825 16.910 7.427 6.908",
    "Alternative Provision": "2.133 2.110 2.007 1.894 1.783 1.662 1.552",
    "Short Stay Schools": "8.400 8.831 8.203 7.578 6.957 6.339 5.726",
    "Post-16 (Further Education)": "8.173 8.631 8.864 8.620 8.386 8.160 7.960",
    "Other Provisions": "5.027 4.238 3.866 3.514 3.133 2.793 2.393",
    "Inclusion fund (including mainstream SEN / EHCP support)": "20.176 23.265 25.118 26.533 27.310 27.589 27.370",
    "Speech & Language, Sensory, Youth Offending and Child & Adolescent Mental Health support "
    "& contributions": "3.551 3.680 3.744 3.841 3.940 4.042 4.146",
    "High Needs Inclusion Infrastructure, cluster teams including parent link workers": "2.680 6.098 7.466 7.346 7.323 6.163 5.289",
    "Other, including TPG/TPECG, H&SC levy and new school start-up costs": "2.641 2.519 2.591 2.655 2.734 2.804 2.856",
    "Investment contingency including Inclusion Fund": "0.000 1.030 1.000 0.500 0.000 0.000 0.000",
    "DfE Contribution": "-28.000 -6.000 -6.000 -6.000 -6.000 -6.000 -12.000",
    # The paper leaves 2022-23 blank: there was no council contribution that year.
    "NCC Contribution": "- -5.500 -5.500 -5.500 -5.500 -5.500 -4.923",
}

# The paper's derived rows, as printed.
TOTAL_INCOME = "-129.107 -144.228 -150.680 -154.555 -158.249 -162.623 -167.800"
TOTAL_EXPENDITURE = "148.744 169.376 171.112 165.479 158.549 151.303 151.125"
IN_YEAR = "19.637 25.149 20.433 10.924 0.300 -11.320 -16.675"
CUMULATIVE_WITHOUT_CONTRIBUTION = "73.613 98.762 119.194 130.118 130.418 119.098 102.423"
CUMULATIVE_BALANCE = "45.613 59.262 68.194 67.618 56.418 33.598 0.000"

# Not printed; the table implies it: 73.613 - 19.637.
OPENING_BALANCE = D("53.976")


def by_year(row: str) -> dict[str, D | None]:
    return {year: (None if v == "-" else D(v)) for year, v in zip(YEARS, row.split(), strict=True)}


def figures() -> dict[str, dict[str, D | None]]:
    return {label: by_year(row) for label, row in LINES.items()}
