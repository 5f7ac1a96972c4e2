"""Which councils a visitor sees, and where an address outside any council takes them.

A council's pages are under /c/<LA code>/. The address / and the addresses from before councils
were kept apart (/plan, /measure/3) lead to the visitor's council when they see just one, and to
the comparison across councils when they see several; an anonymous visitor signs in first,
unless the public view is on."""

from __future__ import annotations

from dash._pages import _path_to_page

from domain.actors import SignedIn

COMPARE_PATH = "/compare"
# A council's code for matching an address against the council pages' templates.
ANY_COUNCIL = "E00000000"


def councils_seen(
    signed: SignedIn | None, served: tuple[str, ...], *, public_view: bool
) -> tuple[str, ...]:
    """Of the ``served`` councils, those the visitor may see: an account's, where it holds a
    role (an administrator of every council: all of them); an anonymous visitor's, all of them
    in the public view, none otherwise."""
    if signed is None:
        return served if public_view else ()
    return signed.roles.councils_held(served)


def is_council_page(path: str) -> bool:
    """Whether ``path`` (outside any council) is the address of a council's page once put under
    /c/<code>: '/plan' and '/measure/3' are, '/compare' and '/no-such-page' are not."""
    page, variables = _path_to_page(f"c/{ANY_COUNCIL}{path}".strip("/"))
    return bool(page) and (variables or {}).get("council") == ANY_COUNCIL


def moved_to(path: str, query: str, seen: tuple[str, ...]) -> str | None:
    """Where a page address outside any council moved: / and a council page's old address to
    the visitor's one council (the same page there), or to the comparison when they see
    several or none; None for an address that is not a council's."""
    if path != "/" and not is_council_page(path):
        return None
    target = f"/c/{seen[0]}" + ("" if path == "/" else path) if len(seen) == 1 else COMPARE_PATH
    return f"{target}?{query}" if query and target != COMPARE_PATH else target
