"""What the printed pack and return keep together: the pack's cover on its own page, however
long the council's programme name, and a heading of the return with the answer it heads."""

import re
from pathlib import Path

import pytest

from exports.reports import make_pack, make_return
from kpis.dfe_template import QUESTIONS
from kpis.rounds import parse_round
from tests.exports.conftest import TODAY
from tests.exports.pdf_tools import page_texts

FOOTER = re.compile(r"OFFICIAL|\d+ of \d+")


def _flat(text: str) -> str:
    return " ".join(FOOTER.sub(" ", text).split())


def cover_fits_its_page(pdf: Path, measures: int) -> bool:
    """The cover ends on page 1, with its last short form, and page 2 is the summary."""
    pages = [_flat(p) for p in page_texts(pdf)]
    return pages[0].endswith("SEN special educational needs") and pages[1].startswith(
        f"All {measures} measures"
    )


def headings_share_a_page_with_their_answers(pdf: Path) -> list[str]:
    """The questions printed at the foot of a page with nothing after them there."""
    pages = [_flat(p) for p in page_texts(pdf)]
    alone = []
    for _, question in QUESTIONS:
        ending = " ".join(question.split()[-4:])
        for page in pages:
            at = page.find(ending)
            if at >= 0 and not page[at + len(ending) :].strip():
                alone.append(question)
    return alone


@pytest.fixture(scope="module")
def suffolk_pack(suffolk_service, renderer, poppler, tmp_path_factory):
    _, pdf = make_pack(suffolk_service, period=None, threshold=4, renderer=renderer, today=TODAY)
    path = tmp_path_factory.mktemp("suffolk-pack") / "pack.pdf"
    path.write_bytes(pdf)
    return path


def test_prt001_the_cover_of_a_pack_with_no_meeting_named_fits_on_page_one(suffolk_pack):
    # Suffolk: "Meeting: not stated", a programme name over two lines and 20 measures; its
    # last short form (SEN) spilled on to a page of its own
    assert cover_fits_its_page(suffolk_pack, 20)


@pytest.mark.parametrize("which", ["norfolk", "suffolk"])
def test_prt002_no_question_of_the_return_is_parted_from_its_answer(
    which, demo_service, suffolk_service, poppler, tmp_path
):
    service = demo_service if which == "norfolk" else suffolk_service
    files = make_return(service, parse_round("September 2026"), threshold=4, today=TODAY)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(files["lfi-dfe-return-september-2026-report.pdf"])
    assert headings_share_a_page_with_their_answers(pdf) == []
