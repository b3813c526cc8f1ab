"""Bounds on the work an editor's rich text causes: time to render, article size, preview size."""

from __future__ import annotations

import asyncio
import time

import pytest

from service.editorial.rich_text import MAX_PREVIEW_CHARS, RENDER_BUDGET_S, preview_html
from service.errors import InvalidInput
from tests.admin_flow import DRAFT
from tests.conftest import Client, Headers

# Unclosed image markers make the CommonMark parser quadratic: 20,000 characters take seconds.
PATHOLOGICAL = "![" * 10_000
PROSE = ("Ketamine is given under medical supervision in a clinic. " * 330)[:19_000]


def put_intro(client: Client, headers: Headers, body: str) -> tuple[int, dict[str, object]]:
    """PUT the intro section with ``body``; the status and the answer."""
    etag = client.get(DRAFT, headers=headers).headers["etag"]
    section = {"kind": "intro", "key": "intro", "title": "Introduction", "body": body}
    answer = client.put(
        f"{DRAFT}/sections/intro", json=section, headers={**headers, "If-Match": etag}
    )
    return answer.status_code, answer.json()


def test_rich_text_that_renders_too_slowly_is_refused_and_changes_nothing(
    client: Client, editor_headers: Headers
) -> None:
    before = client.get(DRAFT, headers=editor_headers).json()
    status, problem = put_intro(client, editor_headers, PATHOLOGICAL)
    assert status == 400, problem
    assert [error["path"] for error in problem["errors"]] == ["$.body"]  # type: ignore[union-attr]
    assert "too complex to render" in str(problem["detail"])
    assert client.get(DRAFT, headers=editor_headers).json() == before


def test_long_ordinary_prose_is_accepted(client: Client, editor_headers: Headers) -> None:
    status, draft = put_intro(client, editor_headers, PROSE)
    assert status == 200, draft


def test_an_article_may_not_outgrow_its_bound(client: Client, editor_headers: Headers) -> None:
    statuses = []
    for number in range(30):  # 30 sections of 19,000 characters: about 560 KiB
        etag = client.get(DRAFT, headers=editor_headers).headers["etag"]
        section = {"kind": "explainer", "key": f"extra-{number}", "title": "More", "body": PROSE}
        answer = client.put(
            f"{DRAFT}/sections/extra-{number}",
            json=section,
            headers={**editor_headers, "If-Match": etag},
        )
        statuses.append(answer.status_code)
        if answer.status_code == 400:
            assert "KiB an article may" in answer.json()["detail"]
            break
    assert (statuses[-1] == 400 and set(statuses[:-1]) == {200, 201}) or statuses[:-1] == [201] * (
        len(statuses) - 1
    ), statuses
    assert len(statuses) > 20  # ordinary articles fit with room to spare


def test_the_preview_refuses_oversized_and_too_complex_text_within_the_budget() -> None:
    with pytest.raises(InvalidInput, match="at most"):
        asyncio.run(preview_html("a" * (MAX_PREVIEW_CHARS + 1)))

    async def refused_after() -> float:
        started = time.perf_counter()
        with pytest.raises(InvalidInput, match="too complex"):
            await preview_html(PATHOLOGICAL)
        return time.perf_counter() - started

    assert asyncio.run(refused_after()) < RENDER_BUDGET_S + 0.5
    assert asyncio.run(preview_html("**Bold**")) == "<p><strong>Bold</strong></p>\n"
