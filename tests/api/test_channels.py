"""Channel routes over a real database: the same facts everywhere, safe HTML, digests, the feed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema.article import ArticleFields, Review, Reviewer
from schema.sections import IntroSection, SafetySection, Section, TherapyTypesSection
from service.delivery.reads import FEED_ENTRIES, get_live
from service.editorial.publishing import make_live
from service.store import content
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.conftest import SLUG

Client = TestClient[Litestar]
ARTICLE = f"/v1/articles/{SLUG}"
WEB, EMAIL, TEXT = (f"{ARTICLE}/render/{name}" for name in ("web", "email", "text"))
ROUTE_BY_LABEL = {
    "Intravenous (IV)": "intravenous",
    "Intramuscular (IM)": "intramuscular",
    "Sublingual": "sublingual",
    "Intranasal": "intranasal",
}
SEED_DOSES = {
    ("intravenous", 0.5, 1.0, "mg/kg"),
    ("intramuscular", 0.75, 1.5, "mg/kg"),
    ("sublingual", 100.0, 300.0, "mg"),
    ("intranasal", 56.0, 84.0, "mg"),
}
ATOM = "{http://www.w3.org/2005/Atom}"


def publish(app: Litestar, *replaced: Section, review: Review | None = None) -> None:
    """Publish a new live revision with these sections replaced by key (as the admin API will)."""
    db: ContentDB = app.state["db"]
    live = get_live(db, SLUG)
    assert live is not None
    by_key = {section.key: section for section in replaced}
    try:
        with db.write() as conn:
            article_id = content.get_article_id(conn, SLUG)
            assert article_id is not None
            make_live(
                conn,
                article_id,
                fields=ArticleFields(
                    title=live.title,
                    summary=live.summary,
                    disclaimer=live.disclaimer,
                    hero_image=live.hero_image,
                ),
                sections=[by_key.get(section.key, section) for section in live.sections],
                review=review or live.review,
                actor="test",
                at=utc_now(),
            )
    finally:
        db.close()  # this thread's connection; the app keeps its own


def live_section(app: Litestar, key: str) -> Section:
    """A section of the live revision, as stored (Markdown)."""
    db: ContentDB = app.state["db"]
    live = get_live(db, SLUG)
    db.close()
    assert live is not None
    return next(section for section in live.sections if section.key == key)


def cursor_now(client: Client) -> str:
    """The change-feed cursor after the newest event."""
    return str(client.get("/v1/changes").json()["next_cursor"])


class Page(HTMLParser):
    """An HTML document as elements, visible text, scripts and table rows of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[str | None, str]] = []
        self.tables: list[list[list[str]]] = []
        self.doctype: str | None = None
        self._script_type: str | bool | None = False
        self._cell: list[str] | None = None
        self._open: list[list[list[str]]] = []  # tables nest in email layouts
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._script_type = dict(attrs).get("type")
        elif tag == "table":
            self._open.append([])
            self.tables.append(self._open[-1])
        elif tag == "tr":
            self._open[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_type = False
        elif tag == "table":
            self._open.pop()
        elif tag in ("td", "th") and self._cell is not None:
            self._open[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._script_type is not False:
            self.scripts.append((self._script_type or None, data))
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def tags(self) -> list[str]:
        """Tag names in document order."""
        return [tag for tag, _ in self.elements]

    def visible_text(self) -> str:
        """Text outside scripts, whitespace collapsed."""
        return " ".join("".join(self.text).split())

    def dosing_rows(self) -> list[list[str]]:
        """Body rows of the table whose header starts Therapy, Route, Dose."""
        table = next(t for t in self.tables if t and t[0][:3] == ["Therapy", "Route", "Dose"])
        return table[1:]


def dose_facts(route_label: str, dose: str) -> tuple[str, float, float, str]:
    """(route, min, max, unit) from a route label and a dose such as ``0.5\u20131 mg/kg``."""
    match = re.fullmatch(r"([\d.]+)(?:\u2013([\d.]+))? (mg/kg|mg)", dose)
    assert match, dose
    low = float(match[1])
    return (ROUTE_BY_LABEL[route_label], low, float(match[2] or low), match[3])


def json_doses(client: Client) -> set[tuple[str, float, float, str]]:
    """(route, min, max, unit) of every therapy in the JSON article."""
    article = client.get(ARTICLE, params={"sections": "therapy-types"}).json()
    return {
        (t["route"], float(t["dose"]["min"]), float(t["dose"]["max"]), t["dose"]["unit"])
        for t in article["sections"][0]["therapies"]
    }


def html_doses(html: str) -> set[tuple[str, float, float, str]]:
    """The same facts read from the dosing table of an HTML render."""
    return {dose_facts(row[1], row[2]) for row in Page(html).dosing_rows()}


_TEXT_ROW = re.compile(
    r"\s{2,}(?P<route>" + "|".join(re.escape(label) for label in ROUTE_BY_LABEL) + r")"
    r"\s{2,}(?P<dose>[\d.]+(?:\u2013[\d.]+)? mg(?:/kg)?)(?:\s|$)"
)


def text_doses(text: str) -> set[tuple[str, float, float, str]]:
    """The same facts read from the aligned dosing table of the text render."""
    return {dose_facts(m["route"], m["dose"]) for m in map(_TEXT_ROW.search, text.split("\n")) if m}


def test_every_channel_carries_the_same_routes_and_doses(app: Litestar, client: Client) -> None:
    therapies = live_section(app, "therapy-types")
    assert isinstance(therapies, TherapyTypesSection)
    iv = msgspec.structs.replace(therapies.therapies[0].dose, min=0.4, max=1.25)
    publish(
        app,
        msgspec.structs.replace(
            therapies,
            therapies=[
                msgspec.structs.replace(therapies.therapies[0], dose=iv),
                *therapies.therapies[1:],
            ],
        ),
    )
    expected = (SEED_DOSES - {("intravenous", 0.5, 1.0, "mg/kg")}) | {
        ("intravenous", 0.4, 1.25, "mg/kg")
    }

    assert json_doses(client) == expected
    assert html_doses(client.get(WEB).text) == expected
    assert html_doses(client.get(EMAIL).text) == expected
    assert text_doses(client.get(TEXT).text) == expected
    assert text_doses(client.get(TEXT, params={"sections": "therapy-types"}).text) == expected


HOSTILE = (
    'Visible words survive. <script>alert("x")</script> Still visible.\n\n'
    '<img src="x" onerror="alert(1)">\n\n'
    "[click me](javascript:alert(1)) and "
    '<iframe src="https://evil.example"></iframe> the end.'
)


def active_content(html: str) -> list[str]:
    """Everything in an HTML document that could run code or load a frame."""
    found = []
    for tag, attrs in Page(html).elements:
        if tag == "script" and attrs.get("type") != "application/ld+json":
            found.append("script")
        if tag in ("iframe", "object", "embed", "frame"):
            found.append(tag)
        if tag == "img" and attrs.get("src") == "x":
            found.append("img src=x")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{tag} {name}")
            if value and re.sub(r"\s", "", value).lower().startswith("javascript:"):
                found.append(f"{tag} {name}={value}")
    return found


def test_hostile_markdown_is_inert_in_every_channel(app: Litestar, client: Client) -> None:
    before = cursor_now(client)
    safety = live_section(app, "safety")
    assert isinstance(safety, SafetySection)
    publish(
        app,
        IntroSection(key="intro", title="Introduction", body=HOSTILE),
        msgspec.structs.replace(safety, body=HOSTILE, long_term=HOSTILE),
    )
    digest = client.get("/v1/newsletter", params={"since": before}).json()
    assert digest["items"][0]["sections_changed"] == ["intro", "safety"]

    htmls = {
        "web": client.get(WEB).text,
        "email": client.get(EMAIL).text,
        "newsletter": digest["html"],
    }
    article = client.get(ARTICLE, params={"format": "html"}).json()
    section = client.get(f"{ARTICLE}/sections/safety", params={"format": "html"}).json()
    htmls |= {"json intro body": article["sections"][0]["body"]}
    htmls |= {f"json safety {name}": section[name] for name in ("body", "long_term")}
    for name, html in htmls.items():
        assert active_content(html) == [], name
        assert "Visible words survive. " in Page(html).visible_text(), name
        assert "the end." in Page(html).visible_text(), name
    assert [tag for tag, _ in Page(htmls["web"]).elements].count("script") == 1  # the JSON-LD

    # Plain text is served as text/plain and never sniffed, so the literal characters are inert.
    text = client.get(TEXT)
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.headers["x-content-type-options"] == "nosniff"
    for body in (text.text, digest["text"]):
        assert "Visible words survive." in body and "the end." in body


STYLED_TAGS = {"table", "td", "th", "p", "h1", "h2", "a", "ul", "li"}


@pytest.fixture
def safety_digest(app: Litestar, client: Client) -> Iterator[dict[str, Any]]:
    """The newsletter after a publish that changed only the safety section's body."""
    before = cursor_now(client)
    safety = live_section(app, "safety")
    assert isinstance(safety, SafetySection)
    publish(app, msgspec.structs.replace(safety, body="Supervision makes ketamine safer."))
    yield {"before": before, **client.get("/v1/newsletter", params={"since": before}).json()}


@pytest.mark.parametrize("source", ["render", "newsletter"])
def test_email_html_is_a_full_document_with_inline_styles_only(
    client: Client, safety_digest: dict[str, Any], source: str
) -> None:
    html = client.get(EMAIL).text if source == "render" else safety_digest["html"]
    page = Page(html)

    assert page.doctype is not None and page.doctype.lower() == "doctype html"
    assert page.tags()[:2] == ["html", "head"] and {"title", "body"} <= set(page.tags())
    assert not {"style", "script", "link"} & set(page.tags())
    assert [tag for tag, attrs in page.elements if "class" in attrs] == []
    styled = [(tag, attrs) for tag, attrs in page.elements if tag in STYLED_TAGS]
    assert {tag for tag, _ in styled} >= STYLED_TAGS - {"th"}  # a digest may hold no table
    assert [tag for tag, attrs in styled if not attrs.get("style")] == []


def test_json_ld_carries_the_review_record(app: Litestar, client: Client) -> None:
    reviewed_at = datetime(2026, 2, 3, 15, 30, tzinfo=UTC)
    review = Review(
        reviewed_by=Reviewer(name="Dr. Ada Park", credentials="MD, Psychiatry"),
        reviewed_at=reviewed_at,
    )
    publish(app, review=review)
    served = client.get(ARTICLE).json()["review"]

    [(kind, payload)] = Page(client.get(WEB).text).scripts
    data = json.loads(payload)
    assert (kind, data["@type"]) == ("application/ld+json", "MedicalWebPage")
    assert data["lastReviewed"] == served["reviewed_at"][:10] == "2026-02-03"
    assert data["reviewedBy"]["name"] == served["reviewed_by"]["name"] == "Dr. Ada Park"
    assert data["reviewedBy"]["description"] == served["reviewed_by"]["credentials"]


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
    assert "Supervision makes ketamine safer." in Page(safety_digest["html"]).visible_text()
    assert "Supervision makes ketamine safer." in safety_digest["text"]
    for other in titles.values():
        assert other not in safety_digest["html"] and other not in safety_digest["text"]


def test_dose_change_is_named_in_the_digest_and_shown_everywhere(
    app: Litestar, client: Client
) -> None:
    before = cursor_now(client)
    stale_web = client.get(WEB)
    therapies = live_section(app, "therapy-types")
    assert isinstance(therapies, TherapyTypesSection)
    first = therapies.therapies[0]
    changed = msgspec.structs.replace(first, dose=msgspec.structs.replace(first.dose, max=1.2))
    publish(app, msgspec.structs.replace(therapies, therapies=[changed, *therapies.therapies[1:]]))

    digest = client.get("/v1/newsletter", params={"since": before}).json()
    assert digest["items"][0]["changes"] == ["IV dose range updated"]
    assert "IV dose range updated" in digest["subject"]
    assert ("intravenous", 0.5, 1.2, "mg/kg") in html_doses(digest["html"])
    web = client.get(WEB, headers={"If-None-Match": stale_web.headers["etag"]})
    assert web.status_code == 200
    assert ("intravenous", 0.5, 1.2, "mg/kg") in html_doses(web.text)


def test_newsletter_with_nothing_new_is_an_explicit_empty_digest(client: Client) -> None:
    cursor = cursor_now(client)
    response = client.get("/v1/newsletter", params={"since": cursor})

    assert response.status_code == 200
    digest = response.json()
    assert (digest["subject"], digest["items"], digest["next_cursor"]) == ("No changes", [], cursor)
    assert Page(digest["html"]).doctype is not None


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


CHANNELS = {
    "web": (WEB, "text/html; charset=utf-8"),
    "email": (EMAIL, "text/html; charset=utf-8"),
    "text": (TEXT, "text/plain; charset=utf-8"),
    "newsletter": ("/v1/newsletter", "application/json"),
    "feed": ("/v1/feed.atom", "application/atom+xml"),
}


@pytest.mark.parametrize("name", CHANNELS)
def test_channel_responses_are_cacheable_conditional_and_open(client: Client, name: str) -> None:
    path, media_type = CHANNELS[name]
    first = client.get(path, headers={"Accept-Encoding": "identity"})
    etag = first.headers["etag"]

    assert first.status_code == 200 and first.headers["content-type"] == media_type
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert "max-age=" in first.headers["cache-control"]
    assert "stale-while-revalidate=" in first.headers["cache-control"]
    assert first.headers["surrogate-key"] and first.headers["access-control-allow-origin"] == "*"
    replayed = client.get(path, headers={"Accept-Encoding": "identity"})  # from the edge cache
    assert (replayed.headers["etag"], replayed.content) == (etag, first.content)
    assert replayed.headers["content-type"] == media_type
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    head = client.head(path, headers={"Accept-Encoding": "identity"})
    assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", etag)
    zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == first.content  # httpx decodes gzip


@pytest.mark.parametrize("path", [WEB, EMAIL, TEXT], ids=["web", "email", "text"])
def test_renders_answer_unknown_slug_404_and_bad_sections_400(client: Client, path: str) -> None:
    missing = client.get(path.replace(SLUG, "no-such-article"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "no-such-article" in missing.json()["detail"]
    bad = client.get(path, params={"sections": "intro,not-a-key"})
    assert bad.status_code == 400 and "not-a-key" in bad.json()["detail"]
    only = client.get(path, params={"sections": "safety"})
    assert (
        only.status_code == 200
        and "section:" + SLUG + ":intro" not in only.headers["surrogate-key"]
    )


def test_openapi_documents_channel_routes_with_media_types(client: Client) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    expected = {
        f"{ARTICLE.replace(SLUG, '{slug}')}/render/web": ("text/html", {"400", "404"}),
        f"{ARTICLE.replace(SLUG, '{slug}')}/render/email": ("text/html", {"400", "404"}),
        f"{ARTICLE.replace(SLUG, '{slug}')}/render/text": ("text/plain", {"400", "404"}),
        "/v1/newsletter": ("application/json", {"400"}),
        "/v1/feed.atom": ("application/atom+xml", set()),
    }
    for path, (media_type, problems) in expected.items():
        responses = paths[path]["get"]["responses"]
        ok = responses["200"]["content"][media_type]
        assert ok["schema"], path
        assert ok["examples"], path
        assert "304" in responses
        for status in problems:
            assert "application/problem+json" in responses[status]["content"], (path, status)
