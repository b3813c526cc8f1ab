"""Channel routes over a real database: publishing a change, and reading the facts back from
JSON, HTML and text."""

from __future__ import annotations

import re

from litestar import Litestar

from schema.article import ArticleFields, Review
from schema.sections import Section
from service.delivery.reads import get_live
from service.editorial.publishing import make_live
from service.store import content
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.conftest import ARTICLE, SLUG, Client
from tests.html_documents import Document

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
    return {dose_facts(row[1], row[2]) for row in Document(html).dosing_rows()}


_TEXT_ROW = re.compile(
    r"\s{2,}(?P<route>" + "|".join(re.escape(label) for label in ROUTE_BY_LABEL) + r")"
    r"\s{2,}(?P<dose>[\d.]+(?:\u2013[\d.]+)? mg(?:/kg)?)(?:\s|$)"
)


def text_doses(text: str) -> set[tuple[str, float, float, str]]:
    """The same facts read from the aligned dosing table of the text render."""
    return {dose_facts(m["route"], m["dose"]) for m in map(_TEXT_ROW.search, text.split("\n")) if m}
