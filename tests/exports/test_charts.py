"""Chart images for reports: PNG at print resolution, SVG with its alt text, PDF; each with the
title, a caption naming measure, source, period and data version, and OFFICIAL."""

from decimal import Decimal as D

import pytest

from exports.charts import PNG_SCALE, WIDTH, Chart, chart
from figures.measure import build_measure_figure
from kpis.measures import MeasureValue
from tests.councils import NORFOLK
from tests.exports.pdf_tools import page_texts, pages_as_png, png_size

CATALOGUE = NORFOLK.catalogue


@pytest.fixture(scope="module")
def caseload_chart() -> Chart:
    measure = CATALOGUE.by_ref(1)
    series = [
        MeasureValue(measure, p, D(v), "actual", D("11600"), D(v) - D("11600"), "green", 1)
        for p, v in (("Autumn 2024", "12147"), ("Spring 2025", "12344"))
    ]
    return Chart(
        key="measure-1",
        title="12,344 in Spring 2025, 744 above target",
        summary="Actual EHCPs was 12,344 in Spring 2025, against a target of 11,600.",
        caption="1. Actual EHCPs. Source: Synergy, Autumn 2024 to Spring 2025. Data version 7.",
        figure=build_measure_figure(series),
    )


def test_chr001_png_is_print_resolution(renderer, caseload_chart, tmp_path):
    png = tmp_path / "chart.png"
    png.write_bytes(renderer.render(caseload_chart, "png", (1, 1)))
    width, height = png_size(png)
    # 1,200 CSS pixels at 2.5 times: 3,000 pixels, 10 inches at 300 dots an inch
    assert (width, height) == (3000, 1750) == (WIDTH * PNG_SCALE, 700 * PNG_SCALE)


def test_chr002_svg_carries_title_caption_marking_and_alt_text(renderer, caseload_chart):
    svg = renderer.render(caseload_chart, "svg", (1, 1)).decode()
    assert "<title>12,344 in Spring 2025, 744 above target</title>" in svg
    assert "<desc>Actual EHCPs was 12,344 in Spring 2025, against a target of 11,600.</desc>" in svg
    assert svg.count("OFFICIAL") == 2  # top and bottom
    assert "Source: Synergy, Autumn 2024 to Spring 2025. Data version 7." in svg


def test_chr003_pdf_is_one_page_with_title_and_marking(renderer, caseload_chart, poppler, tmp_path):
    pdf = tmp_path / "chart.pdf"
    pdf.write_bytes(renderer.render(caseload_chart, "pdf", (1, 1)))
    assert len(pages_as_png(pdf, tmp_path)) == 1
    text = page_texts(pdf)[0]
    assert "12,344 in Spring 2025, 744 above target" in text
    assert "OFFICIAL" in text and "Data version 7." in text


def test_chr004_every_chart_a_page_shows_can_be_found_by_its_key(demo_service):
    snapshot = demo_service.snapshot()
    for ref in range(1, 47):
        assert chart(f"measure-{ref}", snapshot, demo_service.catalogue, threshold=4) is not None
    cumulative = chart("plan-cumulative", snapshot, demo_service.catalogue, threshold=4)
    assert cumulative.caption.startswith("DSG cumulative balance after contributions. Source: ")
    assert chart("plan-in-year", snapshot, demo_service.catalogue, threshold=4) is not None
    assert chart("measure-47", snapshot, demo_service.catalogue, threshold=4) is None
    assert chart("nonsense", snapshot, demo_service.catalogue, threshold=4) is None
