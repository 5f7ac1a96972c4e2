"""Code that stores or previews a file takes its family and figures from services.checked: a
valid workbook gives both; one with errors is refused by name, not by a missing attribute."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from loaders.ehcp import EhcpReturn
from loaders.submissions import check_workbook
from services.checked import NotValidWorkbook, valid_parts
from services.demo import build_council_demo
from services.pending import sheet_counts
from tests.councils import NORFOLK, NORFOLK_SHAPE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _check(name: str, data: bytes):
    return check_workbook(data, file_name=name, shape=NORFOLK_SHAPE, max_bytes=20_000_000)


def test_a_valid_workbook_gives_its_family_and_figures():
    name, data = next(
        (n, d)
        for n, d in build_council_demo(NORFOLK, date(2027, 1, 10))
        if n.startswith("demo-ehcp")
    )
    family, content = valid_parts(_check(name, data))
    assert (family.name, family.title) == ("ehcp", "EHCP return")
    assert isinstance(content, EhcpReturn)
    assert (name, content.period) == ("demo-ehcp-2022-autumn.xlsx", "Autumn 2022")


def test_a_workbook_with_errors_is_refused_by_name():
    name = "ehcp-negative-count.xlsx"
    checked = _check(name, (FIXTURES / name).read_bytes())
    assert not checked.report.ok
    message = "ehcp-negative-count.xlsx has errors: nothing in it may be stored"
    with pytest.raises(NotValidWorkbook, match=message):
        valid_parts(checked)
    with pytest.raises(NotValidWorkbook, match=message):
        sheet_counts(checked)
