"""A real browser embeds the web render from a real server on another origin."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import SLUG

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def get_json(url: str) -> Any:
    """GET a JSON document."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def test_browser_reads_the_dosing_table_from_the_embedded_web_render(
    server: str, site: str
) -> None:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (apt-get install chromium)")
    article = get_json(f"{server}/v1/articles/{SLUG}?sections=therapy-types")
    therapies = article["sections"][0]["therapies"]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
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
            browser.close()

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
