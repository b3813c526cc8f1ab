"""Rules the suite once let slip: each test here fails when its rule is broken in the code.

Found by breaking the code on purpose (issue 11): a single dose refused, the sanitizer passes
removed, a rollback that throws away a draft with edits, the response cache keeping a response
built under an old generation, the render cache keyed without ``updated_at``. The sign-in
``next`` cases are in test_webapp_signin.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema.article import Article, Review, Reviewer
from schema.sections import IntroSection
from seed.data import load_seed_article
from seed.loader import publish_seed_variant
from service.app import create_app
from service.channels.render import render_web
from service.config import Settings
from service.edge.prepared import prepare_response
from service.edge.replay import CachedEntry, ResponseCache
from service.editorial import drafts, live
from service.editorial.actor import Actor
from service.editorial.versions import draft_etag
from service.store.db import ContentDB
from service.store.versions import PublicVersions
from tests.conftest import EDITOR, REVIEWER, SLUG, Headers
from tests.editorial.steps import approved_draft, edit_intro
from tests.tokens import issued_headers

Client = TestClient[Litestar]
A = f"/v1/admin/articles/{SLUG}"
SEED = load_seed_article()


def _therapies(client: Client, headers: Headers) -> tuple[dict[str, Any], str]:
    response = client.get(f"{A}/draft", headers=headers)
    section = next(s for s in response.json()["sections"] if s["key"] == "therapy-types")
    return section, response.headers["etag"]


def _put_therapies(client: Client, headers: Headers, section: dict[str, Any], etag: str) -> Any:
    return client.put(
        f"{A}/draft/sections/therapy-types", json=section, headers={**headers, "If-Match": etag}
    )


def _publish(client: Client, editor: Headers, reviewer: Headers) -> None:
    assert client.post(f"{A}/draft/submit", headers=editor).status_code == 200
    etag = client.get(f"{A}/draft", headers=reviewer).headers["etag"]
    approved = client.post(f"{A}/draft/approve", json={}, headers={**reviewer, "If-Match": etag})
    assert approved.status_code == 200, approved.text
    assert client.post(f"{A}/publish", json={}, headers=editor).status_code == 200


# --- A single dose is a range with min == max -------------------------------------------


def test_a_single_dose_with_min_equal_to_max_is_accepted_and_published(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    section, etag = _therapies(client, editor_headers)
    section["therapies"][0]["dose"] = {"min": 0.5, "max": 0.5, "unit": "mg/kg"}
    saved = _put_therapies(client, editor_headers, section, etag)
    assert saved.status_code == 200, saved.text
    _publish(client, editor_headers, reviewer_headers)
    public = client.get(f"/v1/articles/{SLUG}/sections/therapy-types").json()
    assert public["therapies"][0]["dose"] == {"min": 0.5, "max": 0.5, "unit": "mg/kg"}


# --- Every channel's HTML goes through the sanitizer -------------------------------------

# Links that CommonMark lets through but the allowlist (http, https, mailto) does not.
HOSTILE_LINKS = "[pixel](data:image/png;base64,AAAA) [file](ftp://evil.example/x) [call](tel:1)"
BAD_HREF = re.compile(r'href="(?!https?:|mailto:)', re.I)


def test_links_outside_the_allowlist_reach_no_channel(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    response = client.get(f"{A}/draft", headers=editor_headers)
    intro = next(s for s in response.json()["sections"] if s["key"] == "intro")
    intro["body"] += f"\n\n{HOSTILE_LINKS} <script>alert(1)</script>"
    saved = client.put(
        f"{A}/draft/sections/intro",
        json=intro,
        headers={**editor_headers, "If-Match": response.headers["etag"]},
    )
    assert saved.status_code == 200, saved.text
    _publish(client, editor_headers, reviewer_headers)
    outputs = {
        "json": client.get(f"/v1/articles/{SLUG}/sections/intro?format=html").json()["body"],
        "web": client.get(f"/v1/articles/{SLUG}/render/web").text,
        "email": client.get(f"/v1/articles/{SLUG}/render/email").text,
    }
    for channel, html in outputs.items():
        assert "pixel" in html, channel  # the link text stays
        assert not BAD_HREF.search(html), channel
        assert "data:image" not in html and "ftp://" not in html, channel
        assert "<script>alert" not in html, channel


def test_the_web_render_sanitizes_content_stored_before_a_rule_existed() -> None:
    # Built without validation, as a row written before the URL rule would decode in Python.
    article = Article(
        slug="old",
        title="Old",
        summary="Stored long ago.",
        hero_image="javascript:alert(1)",
        revision=1,
        published_at=datetime(2020, 1, 1, tzinfo=UTC),
        updated_at=datetime(2020, 1, 1, tzinfo=UTC),
        review=Review(
            reviewed_by=Reviewer(name="Dr R"), reviewed_at=datetime(2020, 1, 1, tzinfo=UTC)
        ),
        disclaimer="Not advice.",
        sections=[IntroSection(key="intro", title="Intro", body="Hello.")],
    )
    fragment = render_web(article, base_url="https://example.test").split("<script")[0]
    assert "javascript:" not in fragment
    assert "<h1>Old</h1>" in fragment


# --- A rollback keeps someone's draft -----------------------------------------------------

EDITOR_ACTOR = Actor(name=EDITOR, role="editor")


def test_a_rollback_keeps_a_draft_with_edits(seeded_db: ContentDB) -> None:
    approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR_ACTOR, SLUG, None, None)
    work = edit_intro(seeded_db, EDITOR_ACTOR, "Work in progress, not yet submitted.")
    live.rollback(seeded_db, EDITOR_ACTOR, SLUG, 1)
    kept = drafts.read_draft(seeded_db, SLUG, EDITOR_ACTOR)
    assert kept.version == work.version
    assert draft_etag(kept) == draft_etag(work)
    assert next(s for s in kept.sections if s.key == "intro").body.startswith("Work in progress")


def test_a_rollback_restarts_an_untouched_draft_from_the_restored_revision(
    seeded_db: ContentDB,
) -> None:
    approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR_ACTOR, SLUG, None, None)
    drafts.read_draft(seeded_db, SLUG, EDITOR_ACTOR)  # a copy of revision 2, no edits
    change = live.rollback(seeded_db, EDITOR_ACTOR, SLUG, 1)
    fresh = drafts.read_draft(seeded_db, SLUG, EDITOR_ACTOR)
    assert fresh.base_revision == change.revision
    assert msgspec.to_builtins(fresh.sections) == msgspec.to_builtins(SEED.sections)


# --- The response cache never keeps what an old generation built ------------------------


def test_the_response_cache_refuses_a_response_built_before_a_publish(
    seeded_db: ContentDB,
) -> None:
    cache = ResponseCache(PublicVersions(seeded_db))
    built_at = cache.snapshot()  # a request reads the versions, then builds from old content
    old = prepare_response(b"old", media_type="text/plain", surrogate_keys=[], version_key=SLUG)
    publish_seed_variant(seeded_db, intro_body="Changed meanwhile.", actor="test")
    assert cache.get(("/other", b"")) is None  # another request has seen the new versions
    cache.put(("/x", b""), CachedEntry(old, "/x"), built_at)
    assert cache.get(("/x", b"")) is None
    new = prepare_response(b"new", media_type="text/plain", surrogate_keys=[], version_key=SLUG)
    fresh = CachedEntry(new, "/x")
    cache.put(("/x", b""), fresh, cache.snapshot())
    served = cache.get(("/x", b""))
    assert served is not None and served.prepared is fresh.prepared


# --- The render cache tells apart two databases with the same revision number -----------


@pytest.fixture
def two_servers(tmp_path: Path) -> Any:
    """Two apps over two databases in one process, like a backup restored beside the original."""
    apps = [
        create_app(Settings(content_db=tmp_path / name / "content.db", rate_limit_per_minute=None))
        for name in ("one", "two")
    ]
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        yield (first, apps[0]), (second, apps[1])


def test_the_render_cache_is_keyed_by_when_a_revision_was_made(two_servers: Any) -> None:
    doses = []
    for (client, app), dose in zip(two_servers, (0.6, 0.7), strict=True):
        db: ContentDB = app.state["db"]
        tokens = {
            role: issued_headers(db.path, name, role)
            for name, role in ((EDITOR, "editor"), (REVIEWER, "reviewer"))
        }
        section, etag = _therapies(client, tokens["editor"])
        section["therapies"][0]["body"] += f" Marker {dose}."
        assert _put_therapies(client, tokens["editor"], section, etag).status_code == 200
        _publish(client, tokens["editor"], tokens["reviewer"])
        doses.append(dose)
    # Both databases now have a revision 2 of the same slug; each must serve its own.
    for (client, _), dose in zip(two_servers, doses, strict=True):
        body = client.get(f"/v1/articles/{SLUG}/sections/therapy-types?format=html").text
        assert f"Marker {dose}." in body
