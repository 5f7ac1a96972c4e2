"""The comparison's demo notice names the councils as a sentence would: 'A and B', 'A, B and
C', never 'A, B are loaded'."""

from types import SimpleNamespace

import dash
import pytest

from kpis.wording import listed
from tests.layouts.test_static_pages import text_of


@pytest.fixture(scope="module")
def compare():
    # Dash pages register themselves against an app; importing the module needs one.
    dash.Dash(__name__, use_pages=True, pages_folder="")
    import layouts.compare as module

    return module


def _councils(*names: str) -> SimpleNamespace:
    return SimpleNamespace(demo=tuple(SimpleNamespace(name=n) for n in names))


def test_cmp001_two_demo_councils_are_joined_by_and(compare):
    notice = text_of(
        compare._demo_notice(_councils("Norfolk County Council", "Suffolk County Council"))
    )
    assert "The figures of Norfolk County Council and Suffolk County Council are loaded" in notice
    assert "they are not their own figures" in notice
    one = text_of(compare._demo_notice(_councils("Norfolk County Council")))
    assert "The figures of Norfolk County Council are loaded" in one and "not its own" in one


def test_cmp002_a_list_is_worded_as_a_sentence():
    assert listed([]) == ""
    assert listed(["Devon"]) == "Devon"
    assert listed(["Devon", "Norfolk"]) == "Devon and Norfolk"
    assert listed(["Devon", "Norfolk", "Suffolk"]) == "Devon, Norfolk and Suffolk"
