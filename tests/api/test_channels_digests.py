"""The newsletter and the Atom feed over HTTP: only what changed, withdrawals, bounds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import msgspec
from litestar import Litestar

from service.delivery.feeds import FEED_ENTRIES
from service.store import content
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.api.channel_pages import ATOM, WEB, cursor_now, live_section, publish
from tests.conftest import ARTICLE, SLUG, Client
from tests.html_documents import Document


def test_safety_only_publish_reaches_changes_and_newsletter_as_safety_alone(
    app: Litestar, client: Client, safety_digest: dict[str, Any]
) -> None:
    changes = client.get("/v1/changes", params={"since": safety_digest["before"]}).json()
    assert [change["sections_changed"] for change in changes["changes"]] == [["safety"]]

    [item] = safety_digest["items"]
    assert (item["slug"], item["revision"], item["previous_revision"]) == (SLUG, 2, 1)
    assert (item["sections_changed"], item["changes"]) == (["safety"], ["Safety updated"])
    assert safety_digest["next_cursor"] == changes["next_cursor"]
    titles = {s["key"]: s["title"] for s in client.get(ARTICLE).json()["sections"]}
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", safety_digest["html"])
    assert headings == ["What changed", titles.pop("safety")]
    assert "Supervision makes ketamine safer." in Document(safety_digest["html"]).visible_text()
    assert "Supervision makes ketamine safer." in safety_digest["text"]
    for other in titles.values():
        assert other not in safety_digest["html"] and other not in safety_digest["text"]


def test_newsletter_with_nothing_new_is_an_explicit_empty_digest(client: Client) -> None:
    cursor = cursor_now(client)
    response = client.get("/v1/newsletter", params={"since": cursor})

    assert response.status_code == 200
    digest = response.json()
    assert (digest["subject"], digest["items"], digest["next_cursor"]) == ("No changes", [], cursor)
    assert Document(digest["html"]).doctype is not None


def test_newsletter_rejects_a_cursor_it_did_not_issue(client: Client) -> None:
    response = client.get("/v1/newsletter", params={"since": "bogus"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "bogus" in response.json()["detail"]


def test_withdrawn_article_is_reported_without_content(app: Litestar, client: Client) -> None:
    before = cursor_now(client)
    db: ContentDB = app.state["db"]
    with db.write() as conn:  # what the admin API's unpublish records
        article_id = content.get_article_id(conn, SLUG)
        assert article_id is not None
        withdrawn = [section.key for section in content.get_live_sections(conn, article_id) or []]
        content.set_live_revision(conn, article_id, None, utc_now())
        content.insert_event(
            conn,
            article_id,
            revision=1,  # the revision withdrawn, as the admin API records it
            action="unpublished",
            sections_changed=withdrawn,
            at=utc_now(),
        )
    db.close()

    assert client.get(WEB).status_code == 404
    digest = client.get("/v1/newsletter", params={"since": before}).json()
    [item] = digest["items"]
    assert (item["action"], item["revision"], item["previous_revision"]) == ("unpublished", None, 1)
    assert (item["changes"], item["sections_changed"]) == (["Article withdrawn"], [])
    assert re.findall(r"<h2[^>]*>(.*?)</h2>", digest["html"]) == ["What changed"]
    newest = ET.fromstring(client.get("/v1/feed.atom").content).find(f"{ATOM}entry")
    assert newest is not None
    assert newest.findtext(f"{ATOM}title", "").endswith("Article withdrawn")


def test_atom_feed_lists_publish_events_newest_first_and_bounded(
    app: Litestar, client: Client
) -> None:
    safety = live_section(app, "safety")
    for number in range(FEED_ENTRIES):
        publish(app, msgspec.structs.replace(safety, body=f"Safety note {number}."))
    response = client.get("/v1/feed.atom")

    assert response.headers["content-type"] == "application/atom+xml"
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == FEED_ENTRIES  # the seed publish fell off the end
    updated = [entry.findtext(f"{ATOM}updated", "") for entry in entries]
    assert updated == sorted(updated, reverse=True)
    assert entries[0].findtext(f"{ATOM}title") == "Ketamine therapy for anxiety: Safety updated"
    link = entries[0].find(f"{ATOM}link")
    assert link is not None and link.get("href", "").endswith(f"{ARTICLE}/render/web")
    assert len({entry.findtext(f"{ATOM}id") for entry in entries}) == FEED_ENTRIES
