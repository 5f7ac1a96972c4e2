"""The alt text offered beside a chart's downloads describes the image downloaded, which leaves
out what published outputs withhold; where it differs from the summary an account reads on the
page, the page says what the image leaves out, so the two are never read as disagreeing."""

from decimal import Decimal as D

from flask import Flask, g

from figures.measure import summarise_measure
from kpis.measures import MeasureValue
from layouts._shared.components import chart_downloads
from layouts._shared.measures import published_difference
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.layouts.test_static_pages import text_of

THRESHOLD = 4  # LFI_SUPPRESS_THRESHOLD's default
# Measure 37, the average cost of new independent placements over 16: Spring terms fitted for
# the trend; Summer 2025's average rests on 4 placements, so published outputs withhold it.
TREND = {
    "period": "Spring 2029",
    "value": 57327,
    "basis": "trend",
    "from_period": "Spring 2026",
    "from_value": 60000,
    "fitted": ["Spring 2025", "Spring 2026"],
}


def _cost(period: str, amount: str, base: int, **more) -> MeasureValue:
    return MeasureValue(
        measure=NORFOLK.catalogue.by_ref(37),
        period=period,
        value=D(amount),
        basis="actual",
        plan_value=D("62000"),
        variance=D(amount) - D("62000"),
        status="green",
        submission_id=1,
        extra={"base": base},
        **more,
    )


SERIES = [
    _cost("Spring 2025", "58081", 7),
    _cost("Summer 2025", "60142", 4),
    _cost("Spring 2026", "61589", 5, projection=TREND),
]


def test_alt001_the_page_says_what_the_downloaded_image_leaves_out():
    # Summer 2025 rests on 4 placements (withheld at 4); the trend, fitted on Spring terms
    # only, gives nothing of it away and stays in the image
    assert published_difference(SERIES, threshold=THRESHOLD) == (
        "The image to download leaves out Summer 2025, which rests on a small count (withheld "
        "as [c] in every published output); its alt text describes what the image shows."
    )
    # a trend fitted through Summer 2025 would give it away: the image leaves it out too
    through = {**TREND, "fitted": ["Spring 2025", "Summer 2025", "Spring 2026"]}
    series = [*SERIES[:2], _cost("Spring 2026", "61589", 5, projection=through)]
    assert published_difference(series, threshold=THRESHOLD) == (
        "The image to download leaves out Summer 2025, which rests on a small count (withheld "
        "as [c] in every published output), and with it the trend line; its alt text describes "
        "what the image shows."
    )


def test_alt002_nothing_is_said_when_the_image_shows_what_the_page_shows():
    # with a threshold of 3, 4 placements are shown: the published image is the page's chart
    assert published_difference(SERIES, threshold=3) == ""


def test_alt003_the_note_stands_before_the_alt_text_beside_the_downloads():
    with Flask(__name__).test_request_context():
        g.lfi_council = NORFOLK_CODE
        block = chart_downloads(
            "measure-37", "title", summarise_measure(SERIES), "The image leaves out X."
        )
    text = text_of(block)
    assert "The image leaves out X.Alt text to paste with the image: " in text
