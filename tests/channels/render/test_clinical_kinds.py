"""Renders of the second wave's kinds (interactions, warnings, FAQ, bands, phases), from the SSRI
fixture: test data, not medical advice."""

from __future__ import annotations

import json

import pytest

from schema.article import Article
from service.channels.render import render_text, render_web
from tests.channels.render.documents import BASE_URL, collapse, make_article
from tests.conftest import ROOT


@pytest.fixture
def ssri() -> Article:
    """The SSRI fixture article as published content."""
    created = json.loads((ROOT / "tests" / "fixtures" / "ssri-tablets-test-data.json").read_text())
    return make_article(sections=created["sections"])


def test_render_text_writes_interactions_warnings_bands_and_phases(ssri: Article) -> None:
    text = collapse(render_text(ssri, width=200))

    for line in [
        "- Monoamine oxidase inhibitors (MAOIs) (High severity) Taken together",
        "- Suicidal thoughts in young adults (High severity)",
        "- Nausea (very common: 1 in 10 or more)",
        "- Serotonin syndrome (rare: 1 in 10,000 to 1 in 1,000; serious)",
        "- Can I stop suddenly? No: the dose is tapered.",
        "Schedule: 50 mg once a day for 1 week, then 50\u2013200 mg once a day",
        "Form: Film-coated tablet",
        "Maximum: 200 mg a day",
        "Treatment starts at 50 mg once a day for 1 week",
    ]:
        assert line in text, line
    assert "{" not in text


def test_render_web_lists_therapy_facts_and_labelled_items(ssri: Article) -> None:
    html = render_web(ssri, base_url=BASE_URL)

    assert (
        '<ul class="facts"><li>Form: Film-coated tablet</li><li>Maximum: 200 mg a day</li>' in html
    )
    assert "<li><strong>Taking an MAOI now or in the last two weeks</strong><p>" in html
    assert "<td>Oral</td><td>50\u2013200 mg</td>" in html
