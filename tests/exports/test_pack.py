"""The Schools Forum pack for Summer 2026 from the demo data: rendered page by page and read."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.actors import Actor
from domain.roles import Role
from exports.pack import Meeting, PackError, PackRequest, build_pack_html, read_meeting
from exports.reports import make_pack
from kpis.notes import Note
from kpis.wording import period_phrase, show_value
from services.notes import save_commentary
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.exports.conftest import TODAY
from tests.exports.pdf_tools import is_blank, page_texts, pages_as_png
from tests.paper import CUMULATIVE_BALANCE

INJECTION = '=HYPERLINK("http://example.invalid","click") and <b>not bold</b>'
# The paper's first list puts the 15 Schools Forum measures at lines 8-17 and 33-37.
PAPER_ORDER = [11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 44, 6, 7, 8, 45]
MEETING = Meeting(name="Schools Forum", on=date(2026, 12, 9), agenda_item="5")


@pytest.fixture(scope="module")
def pack(demo_service, renderer, poppler, tmp_path_factory):
    save_commentary(
        demo_service.engine,
        Actor("Officer A", Role.PROGRAMME_LEAD, None, NORFOLK_CODE),
        NORFOLK_CODE,
        ref=11,
        period="Summer 2026",
        text=INJECTION,
    )
    term, pdf = make_pack(
        demo_service,
        period=None,
        threshold=4,
        renderer=renderer,
        today=TODAY,
        meeting=MEETING,
    )
    folder = tmp_path_factory.mktemp("pack")
    path = folder / "pack.pdf"
    path.write_bytes(pdf)
    return term, path, folder


def _flat(text: str) -> str:
    return " ".join(text.split())


def _measure_pages(path) -> dict[int, str]:
    """Each Schools Forum measure's part of the printed text, by its number."""
    text = _flat(" ".join(page_texts(path)[2:]))
    heads = [(m.start(), int(m.group(1))) for m in re.finditer(r"(\d+)\. [^\d]+? Latest:", text)]
    return {
        ref: text[start : (heads[i + 1][0] if i + 1 < len(heads) else len(text))]
        for i, (start, ref) in enumerate(heads)
    }


def test_pck001_two_measures_to_a_page_and_every_page_prints(pack):
    term, path, folder = pack
    assert term == "Summer 2026"
    pages = pages_as_png(path, folder)
    assert not any(is_blank(page) for page in pages)
    # cover, the summary, the 15 measures two to a page (8 pages), the symbols after the last
    assert len(pages) == 1 + 1 + 8
    texts = page_texts(path)
    for page in texts[2:-1]:
        assert len(re.findall(r"^\s*Latest: ", page, flags=re.MULTILINE)) == 2


def test_pck002_official_once_at_the_top_and_once_at_the_foot_of_every_page(pack):
    _, path, _ = pack
    for number, page in enumerate(page_texts(path), start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert page.count("OFFICIAL") == 2, f"page {number}"
        assert lines[0] == "OFFICIAL" and lines[-1].startswith("OFFICIAL"), f"page {number}"


def test_pck003_the_cover_names_the_meeting_period_data_and_demo(pack):
    _, path, _ = pack
    cover = _flat(page_texts(path)[0])
    assert "Meeting Schools Forum" in cover
    assert "Meeting date Wednesday 9 December 2026" in cover
    assert "Agenda item 5" in cover
    assert "Period Summer 2026" in cover
    # the demo's twelve terms, Autumn 2022 to Summer 2026, each with its DSG, EHCP and High
    # Needs Block return: the council's own 36 files, never a submission id
    assert re.search(
        r"Data version 36 files, the newest loaded \d+ \w+ \d{4} at \d\d:\d\d UTC", cover
    )
    assert "Demo data." in cover


def test_pck004_no_negative_zero_anywhere(pack):
    _, path, _ = pack
    text = " ".join(page_texts(path))
    assert not re.findall(r"[-−]£?0(?:\.0+)?(?![\d.,])", text)
    assert "-0.00" not in text


def test_pck005_each_measure_leads_with_the_dashboards_figure(pack, demo_service):
    _, path, _ = pack
    snapshot = demo_service.snapshot()
    parts = _measure_pages(path)
    assert list(parts) == PAPER_ORDER
    for ref in PAPER_ORDER:
        latest = snapshot.latest(ref)
        lead = f"Latest: {show_value(latest.value, latest.measure)} in {period_phrase(latest)}"
        assert lead in parts[ref], ref
        forecast = snapshot.forecast(ref)
        if forecast is not None and forecast is not latest:
            beside = f"Latest forecast: {show_value(forecast.value, forecast.measure)} in "
            assert beside + period_phrase(forecast) in parts[ref], ref


def test_pck006_balances_are_worded_and_forecasts_name_their_term(pack):
    _, path, _ = pack
    parts = _measure_pages(path)
    # Measure 11 has forecasts only, made each term: it leads with the forecast made in Summer
    # 2026, for the year it is of, 2026-27, labelled as a forecast, with no second one beside it.
    assert re.search(
        r"Latest: £\d+\.\d{3}m (deficit|surplus) in 2026-27 \(forecast made in Summer 2026\)",
        parts[11],
    )
    assert "Latest forecast" not in parts[11]
    # Measure 18 leads with the latest outturn, 2025-26, and the forecast for 2026-27 beside it
    # made in Summer 2026. The paper prints the plan's cumulative balance for 2025-26 as
    # £67.618m; worked out from the lines, each rounded to £0.001m, it may differ a little.
    assert re.search(r"Latest: £\d+\.\d{3}m deficit in 2025-26 \(outturn\)", parts[18])
    assert "in 2026-27 (forecast made in Summer 2026)" in parts[18]
    plan = Decimal(parts[18].split("Plan or target £", 1)[1].split("m", 1)[0])
    assert abs(plan - Decimal(CUMULATIVE_BALANCE.split()[3])) <= Decimal("0.005")


def test_pck007_one_source_line_per_measure_and_commentary_as_text(pack):
    _, path, _ = pack
    parts = _measure_pages(path)
    for ref, text in parts.items():
        assert text.count("Source: ") == 1, ref
        assert "Plan or target" in text and "Direction of travel" in text and "Status" in text
    assert INJECTION in parts[11] and "Officer A" in parts[11]
    assert "No commentary has been entered for Summer 2026." in parts[12]


def test_pck008_the_summary_and_the_symbol_key(pack):
    _, path, _ = pack
    summary = page_texts(path)[1]
    assert "All 46 measures: the latest figures at Summer 2026" in summary
    assert "1. Actual EHCPs" in summary and "46. Number in school based AP" in summary
    last = _flat(page_texts(path)[-1])
    for symbol in ("[c]", "[x]", "[z]", "[low]"):
        assert symbol in last
    assert "SEN2" in last
    # the short forms in the measures' names are spelled out, on the cover, for a reader
    # meeting them cold
    cover = _flat(page_texts(path)[0])
    for short, meaning in (("PEX", "permanent exclusions"), ("SEMH", "social, emotional")):
        assert f"{short} {meaning}" in cover


class _NoCharts:
    def render(self, *_args, **_kwargs) -> bytes:
        return b"<svg></svg>"


def _cover_html(demo_service, meeting: Meeting) -> str:
    request = PackRequest(
        term="Summer 2026",
        snapshot=demo_service.snapshot(),
        catalogue=demo_service.catalogue,
        commentary={11: Note("<script>x</script>", "A", datetime(2026, 11, 1, tzinfo=UTC))},
        threshold=4,
        today=TODAY,
        meeting=meeting,
        council=NORFOLK.profile,
    )
    return build_pack_html(request, _NoCharts())


def test_pck009_without_a_meeting_the_cover_says_so_and_text_is_escaped(demo_service):
    page = _cover_html(demo_service, Meeting())
    assert "Meeting: not stated" in page
    page = _cover_html(demo_service, read_meeting("Forum <b>&</b>", "2026-12-09", " 5a "))
    assert "Forum &lt;b&gt;&amp;&lt;/b&gt;" in page and "<b>&</b>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<dd>5a</dd>" in page and "Meeting: not stated" not in page


def test_pck010_a_meeting_that_cannot_be_printed_is_refused():
    with pytest.raises(PackError, match="not a real date"):
        read_meeting("Schools Forum", "2026-02-30", "5")
    with pytest.raises(PackError, match="not a real date"):
        read_meeting("Schools Forum", "9 December 2026", "5")
    with pytest.raises(PackError, match="Meeting name: 121 characters; at most 120"):
        read_meeting("x" * 121, None, None)
    with pytest.raises(PackError, match="Agenda item: 21 characters; at most 20"):
        read_meeting(None, None, "5" * 21)
    assert read_meeting("", "", "") == Meeting()
