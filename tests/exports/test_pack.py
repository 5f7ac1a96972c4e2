"""The Schools Forum pack for Summer 2026 from the demo data: rendered page by page and read."""

from decimal import Decimal

import pytest

from exports.reports import make_pack
from storage.notes import save_commentary
from tests.exports.conftest import TODAY
from tests.exports.pdf_tools import is_blank, page_texts, pages_as_png

INJECTION = '=HYPERLINK("http://example.invalid","click") and <b>not bold</b>'


@pytest.fixture(scope="module")
def pack(demo_service, renderer, poppler, tmp_path_factory):
    save_commentary(
        demo_service.engine, ref=11, period="Summer 2026", text=INJECTION, written_by="Officer A"
    )
    term, pdf = make_pack(demo_service, period=None, threshold=4, renderer=renderer, today=TODAY)
    folder = tmp_path_factory.mktemp("pack")
    path = folder / "pack.pdf"
    path.write_bytes(pdf)
    return term, path, folder


def test_pck001_the_latest_term_is_the_default_and_every_page_prints(pack):
    term, path, folder = pack
    assert term == "Summer 2026"
    pages = pages_as_png(path, folder)
    # cover, the one-page summary, the 15 Schools Forum measures, symbols and sources
    assert len(pages) == 1 + 1 + 15 + 1
    assert not any(is_blank(page) for page in pages)


def test_pck002_cover_and_summary(pack):
    _, path, _ = pack
    pages = page_texts(path)
    assert "Schools Forum pack" in pages[0] and "Summer 2026" in pages[0]
    assert "OFFICIAL" in pages[0]
    summary = pages[1]
    assert "All 46 measures in Summer 2026" in summary
    assert "1. Actual EHCPs" in summary and "46. Number in school based AP" in summary


def test_pck003_the_fifteen_measures_in_the_papers_order(pack):
    _, path, _ = pack
    pages = page_texts(path)[2:17]
    # the paper's first list puts the 15 at lines 8-17 and 33-37
    expected = [11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 44, 6, 7, 8, 45]
    found = [int(page.split("OFFICIAL", 1)[1].strip().split(".", 1)[0]) for page in pages]
    assert found == expected
    for page in pages:
        assert "Plan or target" in page and "Direction of travel" in page and "Status" in page


def test_pck004_commentary_is_printed_as_text(pack):
    _, path, _ = pack
    page = page_texts(path)[2]
    assert "11. HNB surplus (+) / deficit (-)" in page
    flat = " ".join(page.split())
    assert '=HYPERLINK("http://example.invalid","click") and <b>not bold</b>' in flat
    assert "Officer A" in flat
    assert "No commentary has been entered for this period." in page_texts(path)[3]


def test_pck005_the_dsg_figures_match_the_plan_and_forecast(pack):
    _, path, _ = pack
    # Measure 18 for Summer 2026 is the year it falls in, 2026-27. The paper prints the plan's
    # cumulative balance for that year as £56.418m; worked out from the lines, each rounded to
    # £0.001m, it may differ by a few thousand pounds. The demo forecast is made up, so only
    # the plan is checked against the paper.
    page = " ".join(page_texts(path)[8].split())
    assert page.startswith("OFFICIAL 18. Cumulative DSG surplus/deficit - after safety valve")
    assert "Period 2026-27" in page
    plan = Decimal(page.split("Plan or target £", 1)[1].split("m", 1)[0])
    assert abs(plan - Decimal("56.418")) <= Decimal("0.005")


def test_pck006_the_symbol_key_ends_the_pack(pack):
    _, path, _ = pack
    last = " ".join(page_texts(path)[-1].split())
    for symbol in ("[c]", "[x]", "[z]", "[low]"):
        assert symbol in last
    assert "SEN2" in last
