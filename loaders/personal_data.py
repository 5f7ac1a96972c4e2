"""Refuse any workbook carrying personal data: names, dates of birth, pupil, learner or NHS
numbers, postcodes. Headings are checked in every sheet, hidden ones too, and so are the values
in every column, so children's names or numbers under an innocent heading ('Ref', 'Notes') are
caught. The report names the column and a cell, and shows the value masked ('O***** S****')."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from loaders.grid import Grid, cell_name, column_letters
from loaders.report import ValidationReport

HEADER_ROWS = 20
MAX_HEADING = 60
# Words that make a heading personal wherever they stand in it, and headings that are not,
# though they have such a word: the name of a provider, school or measure is not a person's.
PERSONAL_WORDS: tuple[tuple[str, re.Pattern], ...] = (
    (
        "a date of birth",
        re.compile(r"\b(?:date of birth|dob|d o b|birth ?date|birthday|born)\b"),
    ),
    ("a unique pupil number (UPN)", re.compile(r"\b(?:upn|unique pupil number)\b")),
    ("a unique learner number (ULN)", re.compile(r"\b(?:uln|unique learner number)\b")),
    ("an NHS number", re.compile(r"\bnhs\b")),
    ("a postcode", re.compile(r"\b(?:post ?code|postal code|zip code)\b")),
    ("a home address", re.compile(r"\baddress(?:es)?\b")),
    ("a name", re.compile(r"\b(?:names?|surnames?|forenames?|first ?names?|last ?names?)\b")),
)
NOT_PERSONAL = re.compile(
    r"\b(?:provider|school|setting|provision|college|placement|measure|line|cohort|need|sheet|"
    r"file|column|council|authority|local authority|la|trust|academy|service|team|zone)s?\b"
)
GIVEN_NAMES_FILE = Path(__file__).resolve().parent / "given_names.txt"
# Words that make two or three capitalised words the name of a place or body, not a person:
# 'Grace Academy', 'Victoria Park School', 'Oliver House'.
NOT_A_SURNAME = frozenset(
    """academy academies alliance avenue base borough bridge brook campus care cathedral centre
    center chapel church city clinic close college council county court cross district drive
    education educational farm federation field fields foundation gardens gate grange green
    group hall health high hill hospital house infant infants junior lane learning limited lodge
    ltd manor meadow meadows nursery park partnership place plc primary project provision road
    school schools secondary service services special specialist square street support therapy
    town trust unit vale valley view village way wood woods""".split()
)
# Dates under a heading with one of these words are of events (a placement's start), not births.
EVENT_WORDS = re.compile(
    r"\b(?:start|started|starts|begin|began|end|ended|ends|from|to|until|since|review|reviewed|"
    r"issued|agreed|due|closed|opened|received|decision|deadline|effective|expiry|expires|"
    r"renewal|term|placement|plan|meeting|updated|entered|census|payment|paid|invoice)\b"
)
_AGE_HEADING = re.compile(r"^age\b")
_UPN = re.compile(r"^[A-HJ-NP-Z]\d{11}[0-9A-HJ-NP-Z]$")
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}$")
# inside longer text only a postcode written as the Royal Mail writes it, with its space
_POSTCODE_IN_TEXT = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}\b")
_NHS_SPACED = re.compile(r"^\d{3}[ -]\d{3}[ -]\d{4}$")
_TEN_DIGITS = re.compile(r"^[1-9]\d{9}$")
_TEXT_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$|^(\d{4})-(\d{2})-(\d{2})$")
_MASKED = re.compile(r"(?<=\w)\w")
MAX_NAME = 60
MIN_FOUND = 3  # names, numbers or birthdays: a column is flagged on several, not one
NAME_SHARE = 5  # ... and when at least one in this many of its different values is a name
BIRTH_AGES = 26  # a date of birth of a child or young person gives an age from 0 to 25
BIRTH_SPREAD_DAYS = 3 * 365  # birthdays of a class of children spread over years


@cache
def given_names() -> frozenset[str]:
    lines = GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line and line[0] != "#")


def mask(value: object) -> str:
    """The value with all but the first letter or digit of each word hidden: 'O***** S****'."""
    text = value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)
    return _MASKED.sub("*", text)


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _heading_key(text: str) -> str:
    spaced = _CAMEL.sub(" ", text)
    return re.sub(r"[^a-z0-9 ]+", "", re.sub(r"[\s_\-./]+", " ", spaced.casefold())).strip()


def personal_kind(heading: str) -> str | None:
    """What personal data a heading names, or None."""
    key = _heading_key(heading)
    for what, pattern in PERSONAL_WORDS:
        if pattern.search(key):
            if what == "a name" and NOT_PERSONAL.search(key):
                return None
            return what
    return None


def _valid_nhs_number(digits: str) -> bool:
    """Modulus 11: 11 less the first nine digits weighted 10 to 2, modulo 11 (11 reads 0, and
    10 is never issued), is the tenth."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(digits[9])


def _valid_uln(digits: str) -> bool:
    """The Learning Records Service's check: 10 less the first nine digits weighted 10 to 2,
    modulo 11, is the tenth; a remainder of 0 is never issued."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    return total % 11 != 0 and 10 - total % 11 == int(digits[9])


def _valid_upn(text: str) -> bool:
    """The DfE's check letter: characters 2 to 13 weighted 2 to 13, a letter (in a temporary
    UPN's last place) counted by its place in the check letters, summed modulo 23."""
    total = sum(
        (int(c) if c.isdigit() else _UPN_LETTERS.index(c)) * weight
        for weight, c in enumerate(text[1:], start=2)
    )
    return _UPN_LETTERS[total % 23] == text[0]


def _is_name(text: str) -> bool:
    """'Oliver Smith', 'Amelia Rose Jones', 'Smith, Oliver', 'GEORGE BROWN': a common given name
    and one or two more capitalised words, none of them the name of a place or body."""
    if len(text) > MAX_NAME:
        return False
    surname, comma, rest = text.partition(",")
    words = (rest.split() + [surname]) if comma else text.split()
    if not 2 <= len(words) <= 3 or words[0].casefold() not in given_names():
        return False
    return all(
        word[0].isupper()
        and word.replace("'", "").replace("-", "").replace("\u2019", "").isalpha()
        and word.casefold() not in NOT_A_SURNAME
        for word in words
    )


def _text_date(text: str) -> date | None:
    match = _TEXT_DATE.match(text)
    if not match:
        return None
    day, month, year, iso_year, iso_month, iso_day = match.groups()
    try:
        if year:
            return date(int(year), int(month), int(day))
        return date(int(iso_year), int(iso_month), int(iso_day))
    except ValueError:
        return None


def classify_text(value: str) -> tuple[str, object] | None:
    """What personal data one text cell looks like, and the part to show masked. Most cells
    are references, codes or sentences: the length and a space rule most patterns out at once."""
    text = value.strip()
    if " " not in text and "," not in text:
        return _classify_word(text)
    if _POSTCODE.match(text.upper()):
        return "postcodes", text
    if _NHS_SPACED.match(text):
        return ("NHS numbers", text) if _valid_nhs_number(re.sub("[ -]", "", text)) else None
    if _is_name(text):
        return "name", text
    inside = _POSTCODE_IN_TEXT.search(text)
    return ("postcodes", inside.group()) if inside else None


def _classify_word(text: str) -> tuple[str, object] | None:
    size = len(text)
    if size == 13:
        upper = text.upper()
        return ("unique pupil numbers", text) if _UPN.match(upper) and _valid_upn(upper) else None
    if size == 10 and _TEN_DIGITS.match(text):
        return "ten digits", text
    if 5 <= size <= 7 and _POSTCODE.match(text.upper()):
        return "postcodes", text
    born = _text_date(text) if 8 <= size <= 10 else None
    return ("date", born) if born else None


def _refuse(report: ValidationReport, sheet: Grid, where: str, found: str) -> None:
    report.error(
        sheet=sheet.name,
        cell=where,
        found=found,
        expected="no personal data: the dashboard takes anonymised figures only",
        fix="Delete the column (and any hidden copy of it) and load the file again; nothing "
        "from this file was stored.",
    )


def _headings(sheet: Grid) -> list[tuple[int, int, str]]:
    """(row, column, text) of cells near the top, with a merged heading above added in front,
    so 'Name' under a merged 'Provider' reads 'Provider Name'."""
    parents = {}
    for r1, c1, r2, c2 in sheet.merged:
        if r1 <= HEADER_ROWS and r1 == r2 and c2 > c1:
            for col in range(c1, c2 + 1):
                parents[(r1 + 1, col)] = sheet.value(r1, c1)
    found = []
    for row in range(1, min(sheet.max_row, HEADER_ROWS) + 1):
        for col, value in enumerate(sheet.rows[row - 1], start=1):
            # a heading is short; instructions written in sentences are not headings
            if isinstance(value, str) and value.strip() and len(value) <= MAX_HEADING:
                parent = parents.get((row, col))
                found.append((row, col, f"{parent} {value}" if isinstance(parent, str) else value))
    return found


def check_personal_data(
    grids: dict[str, Grid], report: ValidationReport, *, today: date | None = None
) -> bool:
    """Report every column that looks like personal data; True if any was found."""
    found_any = False
    for sheet in grids.values():
        flagged: set[int] = set()
        headings = _headings(sheet)
        for row, col, heading in headings:
            what = personal_kind(heading) if col not in flagged else None
            if what:
                _refuse(
                    report,
                    sheet,
                    cell_name(row, col),
                    f"a column headed {heading.strip()!r}, {what}",
                )
                flagged.add(col)
        ages = [col for _, col, text in headings if _AGE_HEADING.match(_heading_key(text))]
        kinds: dict[str, tuple[str, object] | None] = {}  # each different text classified once
        for column in _columns(sheet, flagged, kinds):
            found = _finding(column, sheet, ages, today or date.today())
            if found:
                kind, where, shown = found
                _refuse(
                    report,
                    sheet,
                    column_letters(column.number),
                    f"values that look like {kind} (first in {where}: {mask(shown)!r})",
                )
                flagged.add(column.number)
        found_any = found_any or bool(flagged)
    return found_any


@dataclass
class _Column:
    number: int
    values: list[object]
    kinds: dict[str, tuple[str, object] | None]

    def first(self, chosen: list[object]) -> tuple[str, object]:
        """The first cell holding one of the values, and what to show of it, masked."""
        wanted = set(chosen)
        row, value = next((i, v) for i, v in enumerate(self.values, start=1) if v in wanted)
        return cell_name(row, self.number), self.shown(value)

    def shown(self, value: object) -> object:
        if isinstance(value, str):
            found = self.kinds.get(value)  # a text classified as personal data shows its part
            return found[1] if found else value
        if isinstance(value, float):
            return f"{value:.0f}"
        return value


def _columns(
    sheet: Grid, flagged: set[int], kinds: dict[str, tuple[str, object] | None]
) -> list[_Column]:
    rows = sheet.rows
    width = max((len(row) for row in rows), default=0)
    if all(len(row) == width for row in rows):  # calamine's grids are: transpose at C speed
        values = [list(column) for column in zip(*rows, strict=True)]
    else:
        values = [[row[col] if col < len(row) else None for row in rows] for col in range(width)]
    return [
        _Column(number, column, kinds)
        for number, column in enumerate(values, start=1)
        if number not in flagged
    ]


def _finding(
    column: _Column, sheet: Grid, ages: list[int], today: date
) -> tuple[str, str, object] | None:
    """(kind, cell, value to show masked) of the personal data a column holds, or None. A UPN,
    postcode or spaced NHS number is enough alone; names, plain ten-digit numbers and dates
    only when there are several, as there would be in a list of children."""
    # one pass sorts the column's distinct values by type: the checks below each read one type
    by_type: dict[type, list] = {}
    for value in set(column.values):
        by_type.setdefault(type(value), []).append(value)
    texts = [v for v in by_type.get(str, ()) if v.strip()]
    by_kind: dict[str, list[object]] = {}
    for text in texts:
        if text not in column.kinds:
            column.kinds[text] = classify_text(text)
        found = column.kinds[text]
        if found:
            by_kind.setdefault(found[0], []).append(text)
    for kind in ("unique pupil numbers", "postcodes", "NHS numbers"):
        if kind in by_kind:
            return kind, *column.first(by_kind[kind])
    names = by_kind.get("name", [])
    if len(names) >= MIN_FOUND and len(names) * NAME_SHARE >= len(texts):
        return "people's names", *column.first(names)
    numbers = [v for v in by_type.get(float, ()) if 1e9 <= v < 1e10 and v.is_integer()]
    numbers += by_kind.get("ten digits", [])
    for kind, valid in (("NHS numbers", _valid_nhs_number), ("unique learner numbers", _valid_uln)):
        passing = [v for v in numbers if valid(str(column.shown(v)))]
        if len(passing) >= MIN_FOUND and len(passing) * 2 > len(numbers):
            return kind, *column.first(passing)
    dates = [v for kind, values in by_type.items() if issubclass(kind, date) for v in values]
    dates += by_kind.get("date", [])
    if len(dates) >= MIN_FOUND and _births(column, dates, sheet, ages, today):
        return "dates of birth", *column.first(dates)
    return None


def _births(column: _Column, dates: list, sheet: Grid, ages: list[int], today: date) -> bool:
    """Dates of birth: dates of people 0 to 25 years old today, under a heading that names no
    event, which either give the age in the row's Age column or spread over years, as a
    class's birthdays do and a term's placement dates do not."""
    wanted = set(dates)
    first = next(i for i, v in enumerate(column.values) if v in wanted)
    above = column.values[:first]
    heading = next((v for v in reversed(above) if isinstance(v, str) and v.strip()), "")
    if EVENT_WORDS.search(_heading_key(heading)):
        return False
    rows = [(i, _as_date(column.shown(v))) for i, v in enumerate(column.values, 1) if v in wanted]
    years = [(row, _whole_years(born, today)) for row, born in rows]
    if not all(0 <= age < BIRTH_AGES for _, age in years):
        return False
    for col in ages:
        given = [(age, sheet.value(row, col)) for row, age in years]
        matched = [abs(age - a) <= 1 for age, a in given if isinstance(a, float)]
        if len(matched) >= MIN_FOUND and sum(matched) * 5 >= len(matched) * 4:
            return True
    spread = max(born for _, born in rows) - min(born for _, born in rows)
    return spread.days >= BIRTH_SPREAD_DAYS


def _as_date(value: object) -> date:
    """A date cell, or the date a text cell was read as (classify_text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"{value!r} is not a date")


def _whole_years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
