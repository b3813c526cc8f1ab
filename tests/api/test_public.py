"""The public read API over the seeded database: typed content, caching headers, errors."""

from __future__ import annotations

import gzip
import re
from typing import Any

import brotli
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import ARTICLE, ROOT, SLUG, Client
from tests.seed.source import SOURCE_TEXT, iter_strings

SECTION_KEYS = [
    "intro",
    "what-is-ketamine",
    "how-it-works",
    "benefits",
    "therapy-types",
    "what-to-expect",
    "safety",
    "candidacy",
    "conclusion",
]


def section(article: dict[str, Any], key: str) -> dict[str, Any]:
    """The section with this key."""
    return next(s for s in article["sections"] if s["key"] == key)


def test_article_has_the_nine_sections_in_contract_order(client: Client) -> None:
    article = client.get(ARTICLE).json()
    assert [s["key"] for s in article["sections"]] == SECTION_KEYS
    assert article["revision"] == 1
    assert article["review"]["reviewed_by"]["name"].startswith("Seed Reviewer")


def test_therapy_types_hold_the_four_routes_with_their_exact_doses(client: Client) -> None:
    therapies = section(client.get(ARTICLE).json(), "therapy-types")["therapies"]
    doses = {t["route"]: (t["dose"]["min"], t["dose"]["max"], t["dose"]["unit"]) for t in therapies}
    assert doses == {
        "intravenous": (0.5, 1.0, "mg/kg"),
        "intramuscular": (0.75, 1.5, "mg/kg"),
        "sublingual": (100, 300, "mg"),
        "intranasal": (56, 84, "mg"),
    }
    iv = next(t for t in therapies if t["route"] == "intravenous")
    assert iv["duration_minutes"] == {"min": 40, "max": 60}
    assert "Esketamine" in next(t for t in therapies if t["route"] == "intranasal")["name"]


def test_lists_are_typed_side_effects_conditions_and_benefits(client: Client) -> None:
    article = client.get(ARTICLE).json()
    side_effects = section(article, "safety")["side_effects"]
    assert [e["name"] for e in side_effects] == [
        "Temporary dizziness",
        "Mild dissociation",
        "Nausea",
        "Elevated blood pressure",
    ]
    assert side_effects[3]["note"] == "usually brief"
    conditions = section(article, "candidacy")["conditions"]
    assert [c.lower() for c in conditions] == [
        "generalized anxiety disorder (gad)",
        "social anxiety disorder",
        "panic disorder",
    ]
    titles = [item["title"] for item in section(article, "benefits")["items"]]
    assert titles == [
        "Rapid Relief",
        "Neuroplasticity Enhancement",
        "Reduced Reliance on Daily Medications",
        "Effective for Treatment-Resistant Anxiety",
    ]


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _sentences(source: str) -> list[str]:
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    body = [line for line in lines if not line.startswith("![") and line != "Comments"]
    sentences: list[str] = []
    for line in body:
        # Split list lines at the en dash between title and body, then into sentences.
        for piece in line.split(" \N{EN DASH} "):
            sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", piece) if s)
    return sentences


# Identifier fields carry data, not prose; every other string must come from the article.
IDENTIFIERS = {"slug", "key", "kind", "route", "unit", "hero_image", "reviewed_at"}
# Vocabulary keys and codings: typed values beside the prose, not text of the article.
IDENTIFIERS |= {"form", "period_unit", "system", "code", "display"}


def _as_rendered(text: str) -> str:
    """Source text as channels write typed facts: ranges with an en dash, no trailing zeros.

    A dose or duration in the seed is a reference to its typed value; channels write ranges as
    ``2\N{EN DASH}4`` and ``1`` rather than ``1.0`` (a trailing zero is misread as ten times the
    dose), so the source's ``2-4`` and ``1.0 mg/kg`` are compared in that spelling.
    """
    text = re.sub(r"(?<=\d)-(?=\d)", "\N{EN DASH}", text)
    return re.sub(r"\b(\d+)\.0\b", r"\1", text)


ADDED_PATHS = {"title", "disclaimer", "reviewed_by", "published_at", "updated_at"}


def _appears(sentence: str, served: str) -> bool:
    """Whether a source sentence is served: verbatim, or split into a typed name and its note."""
    sentence = _normal(sentence).rstrip(":")
    typed = re.fullmatch(r"(?P<name>[^()]+) \((?P<note>[^()]+)\)", sentence)
    if typed and typed["name"] in served and typed["note"] in served:
        return True
    return sentence in served


def test_text_format_reproduces_every_sentence_and_adds_only_allowed_text(client: Client) -> None:
    article = client.get(ARTICLE, params={"format": "text"}).json()
    source = SOURCE_TEXT.read_text(encoding="utf-8")
    strings = list(iter_strings(article))
    served = _normal(" ".join(text for _, text in strings))
    missing = [s for s in _sentences(source) if not _appears(_as_rendered(s), served)]
    assert missing == []

    flat_source = _normal(_as_rendered(source)).lower()
    added = []
    for path, text in strings:
        if path[-1] in IDENTIFIERS or path[0] in ADDED_PATHS or "review" in path:
            continue
        if path[-1] == "title" and path[0] == "sections" and text in {"Introduction", "Conclusion"}:
            continue  # headings the article lacks
        if _normal(text).lower() not in flat_source:
            added.append((path, text))
    assert added == []


def test_html_format_renders_markdown_and_markdown_format_keeps_source(client: Client) -> None:
    html_intro = client.get(f"{ARTICLE}/sections/intro").json()["body"]
    md_intro = client.get(f"{ARTICLE}/sections/intro", params={"format": "markdown"}).json()["body"]
    assert html_intro.startswith("<p>") and "<p>" not in md_intro
    assert _normal(re.sub(r"<[^>]+>", "", html_intro)) == _normal(md_intro)


def test_sections_filter_keeps_only_named_sections_in_article_order(client: Client) -> None:
    article = client.get(ARTICLE, params={"sections": "safety,intro"}).json()
    assert [s["key"] for s in article["sections"]] == ["intro", "safety"]


def test_if_none_match_with_current_etag_gives_304(client: Client) -> None:
    first = client.get(ARTICLE)
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}(-br|-gz)?"', etag)
    again = client.get(ARTICLE, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    stale = client.get(ARTICLE, headers={"If-None-Match": '"0000"'})
    assert stale.status_code == 200


def test_every_encoding_carries_the_same_json(client: Client) -> None:
    bodies = {}
    for encoding in ("identity", "gzip", "br"):
        response = client.get(ARTICLE, headers={"Accept-Encoding": encoding})
        bodies[encoding] = response.json()
        assert response.headers.get("content-encoding", "identity") == encoding
        assert response.headers["vary"] == "Accept-Encoding"
    assert bodies["identity"] == bodies["gzip"] == bodies["br"]


def test_compressed_bytes_decode_to_the_identity_body(app: Litestar) -> None:
    with TestClient(app) as client:
        identity = client.get(ARTICLE, headers={"Accept-Encoding": "identity"}).content
    cache = app.state["cache"]
    prepared = next(iter(cache._entries.values())).prepared
    assert gzip.decompress(prepared.body_for("gzip")) == identity
    assert brotli.decompress(prepared.body_for("br")) == identity


def test_public_responses_carry_cache_and_purge_headers(client: Client) -> None:
    response = client.get(f"{ARTICLE}/sections/safety")
    cache_control = response.headers["cache-control"]
    assert "public" in cache_control and "max-age=" in cache_control
    assert "stale-while-revalidate=" in cache_control
    assert response.headers["surrogate-key"].split() == [
        f"article:{SLUG}",
        f"section:{SLUG}:safety",
    ]
    assert response.headers["access-control-allow-origin"] == "*"


def test_section_etag_depends_on_format(client: Client) -> None:
    html = client.get(f"{ARTICLE}/sections/safety", headers={"Accept-Encoding": "identity"})
    text = client.get(
        f"{ARTICLE}/sections/safety",
        params={"format": "text"},
        headers={"Accept-Encoding": "identity"},
    )
    assert html.headers["etag"] != text.headers["etag"]
    assert (
        client.get(f"{ARTICLE}/sections/safety", headers={"Accept-Encoding": "identity"}).headers[
            "etag"
        ]
        == html.headers["etag"]
    )


def test_head_answers_headers_without_body(client: Client) -> None:
    response = client.head(ARTICLE, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["etag"]


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("/v1/articles/no-such-article", "no-such-article"),
        (f"{ARTICLE}/sections/no-such-key", "no-such-key"),
        ("/v1/nothing-here", "/v1/nothing-here"),
    ],
    ids=["unknown-slug", "unknown-key", "unknown-path"],
)
def test_unknown_things_are_problem_json_404(client: Client, path: str, needle: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 404 and problem["title"] and needle in problem["detail"]


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"format": "pdf"}, "pdf"),
        ({"sections": "intro,not-a-key"}, "not-a-key"),
        ({"sections": ","}, "sections"),
    ],
    ids=["bad-format", "unknown-section", "empty-sections"],
)
def test_bad_query_values_are_400_naming_the_value(
    client: Client, params: dict[str, str], needle: str
) -> None:
    response = client.get(ARTICLE, params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert needle in problem["detail"]
    assert problem["errors"][0]["path"] in {"format", "sections"}


def test_changes_feed_starts_with_the_seed_publish_and_pages_by_cursor(client: Client) -> None:
    page = client.get("/v1/changes").json()
    assert [(c["article"], c["revision"], c["action"]) for c in page["changes"]] == [
        (SLUG, 1, "published")
    ]
    assert page["changes"][0]["sections_changed"] == SECTION_KEYS
    after = client.get("/v1/changes", params={"since": page["next_cursor"]}).json()
    assert after["changes"] == [] and after["next_cursor"] == page["next_cursor"]
    bad = client.get("/v1/changes", params={"since": "not-a-cursor"})
    assert bad.status_code == 400 and "not-a-cursor" in bad.json()["detail"]


def test_article_list_shows_published_articles_with_review(client: Client) -> None:
    listed = client.get("/v1/articles").json()["articles"]
    assert [a["slug"] for a in listed] == [SLUG]
    assert set(listed[0]) >= {"slug", "title", "summary", "revision", "published_at", "review"}


def test_page_size_is_bounded(client: Client) -> None:
    assert client.get("/v1/articles", params={"limit": 1000}).status_code == 400
    assert client.get("/v1/changes", params={"limit": 0}).status_code == 400


def test_content_schema_endpoint_matches_committed_file(client: Client) -> None:
    served = client.get("/v1/schema/content.json")
    assert served.status_code == 200
    committed = (ROOT / "schema" / "content.schema.json").read_bytes()
    assert msgspec.json.decode(served.content) == msgspec.json.decode(committed)
    defs = served.json()["$defs"]
    assert {"TherapyTypesSection", "DoseRange", "SafetySection"} <= set(defs)


def test_health_and_readiness(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"


def test_openapi_spec_documents_public_routes_with_examples(client: Client) -> None:
    spec = client.get("/schema/openapi.json").json()
    article_get = spec["paths"]["/v1/articles/{slug}"]["get"]
    assert {"200", "304", "400", "404"} <= set(article_get["responses"])
    ok = article_get["responses"]["200"]["content"]["application/json"]
    assert ok["examples"]
    not_found = article_get["responses"]["404"]["content"]
    assert "application/problem+json" in not_found
    # Components are the model's own schema: closed objects, constrained list items.
    components = spec["components"]["schemas"]
    assert components["IntroSection"]["additionalProperties"] is False
    criteria = components["CandidacySection"]["properties"]["criteria"]["items"]
    assert criteria["minLength"] == 1
    assert client.get("/schema").status_code == 200
