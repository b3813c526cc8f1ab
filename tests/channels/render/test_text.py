"""The text render: an aligned dosing table, every sentence kept, wrapped within width."""

from __future__ import annotations

import re

import pytest

from schema.article import Article
from service.channels.render import render_text
from tests.channels.render.documents import collapse, rich_texts, sentences


def test_render_text_aligns_the_dosing_table(article: Article) -> None:
    lines = render_text(article).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Therapy "))
    end = lines.index("", start)
    header, rule, *body = lines[start:end]
    # Long therapy names wrap inside their column onto indented continuation lines.
    rows = [line for line in body if not line.startswith(" ")]

    offsets = [header.index(name) for name in ("Route", "Dose", "Duration")]
    cells = [[row[offset:].split("  ")[0] for offset in offsets] for row in rows]
    assert cells == [
        ["Intravenous (IV)", "0.5\u20131 mg/kg", "40\u201360 min"],
        ["Intranasal", "56\u201384 mg", "\u2014"],
    ]
    assert all(row[offset - 2 : offset] == "  " for row in rows for offset in offsets)
    assert set(rule) == {"-"}
    name = " ".join(line[: offsets[0]].strip() for line in body[:2])
    assert name == "Intravenous (IV) infusion therapy"


@pytest.mark.parametrize("width", [30, 72], ids=["narrow", "default"])
def test_render_text_keeps_every_sentence_of_the_rich_text(article: Article, width: int) -> None:
    text = collapse(render_text(article, width=width))

    expected = [sentence for md in rich_texts(article) for sentence in sentences(md)]
    assert len(expected) > 15
    assert [sentence for sentence in expected if sentence not in text] == []
    assert "N-methyl-D-aspartate" in render_text(article, width=width)


def test_render_text_wraps_within_width_and_lists_facts(article: Article) -> None:
    text = render_text(article)

    assert max(len(line) for line in text.splitlines()) <= 72
    assert text.startswith("Ketamine therapy for anxiety\n============================\n")
    for line in [
        "- Nausea",
        "- Elevated blood pressure (usually brief)",
        "- Generalized anxiety disorder",
        "- Have not responded to other treatment.",
        "1. Consultation",
        "- Rapid relief",
        "Schedule: usually over 2-4 weeks",
        "Find a provider: https://example.com/find",
        "Medically reviewed by Dana Lee, MD, Psychiatry on March 4, 2025",
    ]:
        assert line in text.splitlines()
    assert not re.search(r"[*<>`\[\]]", text)
