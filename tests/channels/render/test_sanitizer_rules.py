"""Markdown as plain text, block by block, and images as their alt text in HTML.

Written to kill the mutants `make mutants` found surviving in the text renderer
(docs/testing.md): each block kind has its own layout, pinned here exactly.
"""

from __future__ import annotations

import pytest

from service.channels.render.markdown import align_columns, markdown_to_html, markdown_to_text

DOCUMENT = """# Title

> Quoted *advice*
> over two lines.
>
> Second quote paragraph.

    indented code
    line two

```
fenced
```

3. third
4. fourth\\
   on a new line

- loose one

- loose two

  with a second paragraph

| Dose | Route |
| --- | --- |
| 0.5 mg/kg | IV |
| 2 | nasal spray |

![alt **text**](https://example.test/y.png) and `code` end\\
hard break

---

X marks the end X"""

TEXT = """Title

  Quoted advice over two lines.

  Second quote paragraph.

    indented code
    line two

    fenced

3. third
4. fourth
   on a new line

- loose one

- loose two

  with a second paragraph

Dose       Route
0.5 mg/kg  IV
2          nasal spray

alt text and code end
hard break

X marks the end X"""


def test_every_block_kind_has_its_plain_text_layout() -> None:
    assert markdown_to_text(DOCUMENT) == TEXT


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("    code first  ", "    code first  "),  # leading and trailing spaces are the code's
        ("Text\n\n    XcodeX", "Text\n\n    XcodeX"),  # only newlines are trimmed off code
        ("1. one\n2. two", "1. one\n2. two"),
        ("7. seven\n8. eight", "7. seven\n8. eight"),
        ("- a\n- b", "- a\n- b"),
        ("---", ""),
    ],
    ids=["code-first", "code-ends", "ordered", "ordered-from-7", "bullets", "rule-only"],
)
def test_edges_of_the_text_layout(markdown: str, text: str) -> None:
    assert markdown_to_text(markdown) == text


def test_an_image_becomes_its_alt_text_and_nothing_else() -> None:
    assert markdown_to_html("![a *b* c](https://example.test/p.png) d") == "<p>a b c d</p>\n"
    assert markdown_to_html("![](https://example.test/p.png)") == "<p></p>\n"
    assert markdown_to_html("![<b>x</b>](https://example.test/p.png)") == (
        "<p>&lt;b&gt;x&lt;/b&gt;</p>\n"
    )


def test_columns_are_as_wide_as_their_widest_cell() -> None:
    assert align_columns([["a", "bb"], ["ccc"], ["d", "e", "f"]]) == [
        "a    bb",
        "ccc",
        "d    e   f",
    ]
    assert align_columns([["a", "b"]], gap=" | ") == ["a | b"]
    assert align_columns([]) == []


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("# One", "<h2>One</h2>\n"),
        ("## Two", "<h2>Two</h2>\n"),
        ("### Three", "<h3>Three</h3>\n"),
        ("#### Four", "<h4>Four</h4>\n"),
        ("###### Six", "<h4>Six</h4>\n"),
    ],
    ids=["h1", "h2", "h3", "h4", "h6"],
)
def test_headings_are_clamped_into_h2_to_h4(markdown: str, html: str) -> None:
    assert markdown_to_html(markdown) == html
