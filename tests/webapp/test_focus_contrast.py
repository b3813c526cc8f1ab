"""The focus ring against the surfaces it is drawn on: at least 3:1 (WCAG 1.4.11).

The colours are read from admin.css; the contrast ratio is WCAG 2's formula, written out here:
relative luminance of sRGB colours, then (lighter + 0.05) / (darker + 0.05).
"""

from __future__ import annotations

import re

import pytest

from service.webapp.views import STATIC

CSS = (STATIC / "admin.css").read_text()
MINIMUM = 3.0
# By hand: the rules whose background a focusable element (with its ring 2px outside it) sits
# on in the main area, and the rule of the dark top bar, which has a ring of its own.
MAIN_SURFACES = (
    "body",  # the page
    "table",  # tables, like cards
    "fieldset",
    "fieldset fieldset",
    ".actions-panel",
    ".notice",
    ".notice.ok",
    ".notice.error",
    ".error-summary",
    ".save-bar",
    ".md-preview",
    ".diff .before",
    ".diff .after",
    ".badge",
    ".skip",
)
TOP_BAR = ".top"


def rules() -> dict[str, dict[str, str]]:
    """Each selector of the sheet with its declarations (a later rule adds to an earlier)."""
    text = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    found: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = dict(
            (name.strip(), value.strip())
            for name, _, value in (d.partition(":") for d in body.split(";") if ":" in d)
        )
        for selector in selectors.split(","):
            found.setdefault(" ".join(selector.split()), {}).update(declarations)
    return found


def colour(value: str) -> str:
    """The first hex colour in a value, ``var(--x)`` resolved from ``:root``."""
    variables = rules()[":root"]
    value = re.sub(r"var\((--[\w-]+)\)", lambda m: variables[m.group(1)], value)
    match = re.search(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", value)
    assert match is not None, value
    digits = match.group(1)
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits).lower()


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of an sRGB colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def background(selector: str) -> str:
    declarations = rules()[selector]
    return colour(declarations.get("background-color") or declarations["background"])


def test_the_formula_matches_known_ratios() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#ffbf47", "#f7f8fa") < MINIMUM  # the old ring, on the page


@pytest.mark.parametrize("surface", MAIN_SURFACES)
def test_the_focus_ring_stands_out_on_every_surface_of_the_main_area(surface: str) -> None:
    ring = colour(rules()[":focus-visible"]["outline"])
    assert contrast(ring, background(surface)) >= MINIMUM, (ring, surface, background(surface))


def test_the_focus_ring_stands_out_in_the_top_bar() -> None:
    ring = colour(rules()[".top :focus-visible"]["outline-color"])
    assert contrast(ring, background(TOP_BAR)) >= MINIMUM
