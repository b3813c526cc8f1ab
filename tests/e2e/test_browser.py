"""A real browser embeds the web render from a real server on another origin."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.conftest import SLUG
from tests.e2e.conftest import http_get
from tests.http_servers import PageServer

# A clinic's page that pulls the article in with fetch(): a cross-origin request, so CORS counts.
SITE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Clinic</title></head>
<body><main id="article">Loading</main>
<script>
fetch(%(url)s)
  .then((response) => {
    if (!response.ok) throw new Error("HTTP " + response.status);
    document.body.dataset.etag = response.headers.get("ETag") || "";
    return response.text();
  })
  .then((html) => {
    document.getElementById("article").innerHTML = html;
    document.body.dataset.state = "ready";
  })
  .catch((error) => { document.body.dataset.state = "failed: " + error; });
</script></body></html>
"""


@pytest.fixture
def site(server: str) -> Iterator[str]:
    """A page on another origin (a stdlib server) that embeds the article's web render."""
    body = (SITE_PAGE % {"url": json.dumps(f"{server}/v1/articles/{SLUG}/render/web")}).encode()
    with PageServer(body) as page:
        yield page.url


def test_browser_reads_the_dosing_table_from_the_embedded_web_render(
    browser: Browser, server: str, site: str
) -> None:
    article = http_get(f"{server}/v1/articles/{SLUG}?sections=therapy-types")
    therapies = article["sections"][0]["therapies"]

    page = browser.new_page()
    try:
        page.goto(site)
        page.wait_for_function("document.body.dataset.state !== undefined", timeout=10_000)
        state = page.evaluate("document.body.dataset.state")
        rows = page.eval_on_selector_all(
            "#article table.dosing tbody tr",
            "rows => rows.map(row => Array.from(row.cells, cell => cell.textContent.trim()))",
        )
        etag = page.evaluate("document.body.dataset.etag")
        json_ld = page.text_content('#article script[type="application/ld+json"]')
    finally:
        page.close()

    assert state == "ready"
    assert [row[0] for row in rows] == [t["name"] for t in therapies]
    assert [row[2] for row in rows] == [
        f"{t['dose']['min']:g}\u2013{t['dose']['max']:g} {t['dose']['unit']}" for t in therapies
    ]
    assert [row[1] for row in rows] == [
        "Intravenous (IV)",
        "Intramuscular (IM)",
        "Sublingual",
        "Intranasal",
    ]
    assert etag.startswith('"')  # exposed to page scripts by CORS
    assert (
        json.loads(json_ld or "{}")["reviewedBy"]["name"]
        == article["review"]["reviewed_by"]["name"]
    )
