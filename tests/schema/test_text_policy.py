"""The text policy: no control characters in, and none out even from content stored before."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from seed.data import load_seed_article
from service.editorial.publishing import make_live
from service.store import content
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.conftest import SLUG, Headers

Client = TestClient[Litestar]
DRAFT = f"/v1/admin/articles/{SLUG}/draft"
# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CONTROLS = [
    ("\x00", "NUL"),
    ("\x08", "backspace"),
    ("\x1b", "ESC"),
    ("\x7f", "DEL"),
    ("\x85", "NEL"),
]


@pytest.mark.parametrize("char", [c for c, _ in CONTROLS], ids=[name for _, name in CONTROLS])
@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PATCH", DRAFT, lambda c: {"title": f"Ketamine{c}therapy"}, "$.title"),
        ("PATCH", DRAFT, lambda c: {"summary": f"A summary{c}"}, "$.summary"),
        (
            "PUT",
            f"{DRAFT}/sections/intro",
            lambda c: {"kind": "intro", "key": "intro", "title": "Intro", "body": f"Body {c}."},
            "$.body",
        ),
    ],
    ids=["title", "summary", "rich-text-body"],
)
def test_control_characters_are_refused_naming_the_field(
    client: Client, editor_headers: Headers, method: str, path: str, body, field: str, char: str
) -> None:
    before = client.get(DRAFT, headers=editor_headers)
    answer = client.request(
        method,
        path,
        json=body(char),
        headers={**editor_headers, "If-Match": before.headers["etag"]},
    )
    assert answer.status_code == 400, answer.text
    problem = answer.json()
    assert [error["path"] for error in problem["errors"]] == [field]
    assert "control characters" in problem["detail"]
    assert "regex" not in problem["detail"]
    assert client.get(DRAFT, headers=editor_headers).json() == before.json()


def test_rich_text_keeps_tabs_and_line_breaks(client: Client, editor_headers: Headers) -> None:
    etag = client.get(DRAFT, headers=editor_headers).headers["etag"]
    section = {"kind": "intro", "key": "intro", "title": "Intro", "body": "One\tcell.\r\n\r\nTwo."}
    answer = client.put(
        f"{DRAFT}/sections/intro", json=section, headers={**editor_headers, "If-Match": etag}
    )
    assert answer.status_code == 200, answer.text


def publish_legacy_revision(db: ContentDB, title: str, intro_body: str) -> None:
    """A revision as an older version stored it, before the policy: controls and all."""
    seed = load_seed_article()
    fields = msgspec.structs.replace(seed.fields, title=title)
    intro = msgspec.structs.replace(seed.sections[0], body=intro_body)
    with db.write() as conn:
        article_id = content.get_article_id(conn, SLUG)
        assert article_id is not None
        make_live(
            conn,
            article_id,
            fields=fields,
            sections=[intro, *seed.sections[1:]],
            review=seed.review,
            actor="legacy",
            at=utc_now(),
        )


@pytest.mark.parametrize(
    "path",
    [
        "/v1/feed.atom",
        f"/v1/articles/{SLUG}/render/web",
        f"/v1/articles/{SLUG}/render/email",
        f"/v1/articles/{SLUG}/render/text",
    ],
    ids=["atom", "web", "email", "text"],
)
def test_content_stored_with_controls_never_breaks_a_channel(
    client: Client, app: Litestar, path: str
) -> None:
    publish_legacy_revision(app.state["db"], "Ketamine\x00 therapy\x1b[31m", "Hello\x08 world\x85.")
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    assert not CONTROL.search(answer.text), repr(CONTROL.search(answer.text))
    assert "Ketamine therapy" in answer.text
    if path.endswith(".atom"):
        ET.fromstring(answer.content)  # well-formed XML


def test_the_newsletter_carries_no_controls_from_stored_content(
    client: Client, app: Litestar
) -> None:
    publish_legacy_revision(app.state["db"], "Ketamine\x00 therapy", "Hello\x1b world.")
    digest = client.get("/v1/newsletter").json()
    for part in ("subject", "html", "text"):
        assert not CONTROL.search(digest[part]), part
