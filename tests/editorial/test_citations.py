"""References and citations: validated on the draft, numbered in every channel and JSON-LD."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema.citations import isbn_is_valid
from tests.conftest import Headers
from tests.trust_flow import DRAFT, REFERENCES, SLUG, approve_and_publish, cite_in_draft, draft_etag

Client = TestClient[Litestar]
PUBLIC = f"/v1/articles/{SLUG}"


def patch_references(client: Client, editor: Headers, references: list[dict[str, Any]]) -> Any:
    """PATCH the draft's references under the current ETag."""
    _, etag = draft_etag(client, editor)
    return client.patch(
        DRAFT, json={"references": references}, headers={**editor, "If-Match": etag}
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("doi", "11.1000/x"),
        ("doi", "10.1000/has space"),
        ("pmid", "0123"),
        ("pmid", "12a"),
        ("isbn", "978-0-306-40615-8"),
        ("url", "ftp://example.org/x"),
    ],
    ids=["doi-prefix", "doi-space", "pmid-leading-zero", "pmid-letters", "isbn-check", "url"],
)
def test_reference_identifiers_are_validated_by_format(
    client: Client, editor_headers: Headers, field: str, value: str
) -> None:
    reference = {"id": "bad", "title": "A source", field: value}
    response = patch_references(client, editor_headers, [reference])
    assert response.status_code == 400, response.text
    assert "references[0]" in response.text


def test_a_reference_needs_an_identifier(client: Client, editor_headers: Headers) -> None:
    response = patch_references(client, editor_headers, [{"id": "bare", "title": "Hearsay"}])
    assert response.status_code == 400
    assert "needs a `doi`, `pmid`, `isbn` or `url`" in response.text


def test_isbn_check_digits() -> None:
    assert isbn_is_valid("978-0-306-40615-7")
    assert isbn_is_valid("0-306-40615-2")
    assert not isbn_is_valid("0-306-40615-3")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda iv: iv.update(body=iv["body"] + " [^missing]"), "$.therapies[0].body"),
        (lambda iv: iv.update(citations=["missing"]), "$.therapies[0].citations[0]"),
    ],
    ids=["footnote", "item-citation"],
)
def test_citing_a_missing_reference_is_a_400_naming_the_field(
    client: Client, editor_headers: Headers, change: Any, path: str
) -> None:
    draft, etag = draft_etag(client, editor_headers)
    section = next(s for s in draft["sections"] if s["key"] == "therapy-types")
    change(section["therapies"][0])
    response = client.put(
        f"{DRAFT}/sections/therapy-types",
        json=section,
        headers={**editor_headers, "If-Match": etag},
    )
    assert response.status_code == 400, response.text
    assert [error["path"] for error in response.json()["errors"]] == [path]
    assert draft_etag(client, editor_headers)[1] == etag  # nothing changed


def test_dropping_a_cited_reference_is_refused(client: Client, editor_headers: Headers) -> None:
    cite_in_draft(client, editor_headers)
    response = patch_references(client, editor_headers, REFERENCES[1:])
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "$.references"
    assert "ketamine-trial" in response.json()["errors"][0]["message"]


def test_unused_references_are_flagged_on_the_draft_and_the_diff(
    client: Client, editor_headers: Headers
) -> None:
    patch_references(client, editor_headers, REFERENCES)
    draft, _ = draft_etag(client, editor_headers)
    assert draft["unused_references"] == ["ketamine-trial", "handbook"]
    cite_in_draft(client, editor_headers)
    assert draft_etag(client, editor_headers)[0]["unused_references"] == []
    patch_references(client, editor_headers, [*REFERENCES, {**REFERENCES[0], "id": "spare"}])
    diff = client.get(f"/v1/admin/articles/{SLUG}/draft/diff", headers=editor_headers)
    assert diff.json()["unused_references"] == ["spare"]


@pytest.fixture
def cited(client: Client, editor_headers: Headers, reviewer_headers: Headers) -> Client:
    """The seed article published with two references, a footnote and an item citation."""
    cite_in_draft(client, editor_headers)
    approve_and_publish(client, editor_headers, reviewer_headers)
    return client


def test_json_carries_references_and_citations_as_data(cited: Client) -> None:
    article = cited.get(PUBLIC).json()
    assert [ref["id"] for ref in article["references"]] == ["ketamine-trial", "handbook"]
    therapies = next(s for s in article["sections"] if s["key"] == "therapy-types")
    assert therapies["therapies"][0]["citations"] == ["handbook"]
    assert 'href="#ref-1"' in therapies["therapies"][0]["body"]
    markdown = cited.get(PUBLIC, params={"format": "markdown"}).json()
    body = next(s for s in markdown["sections"] if s["key"] == "therapy-types")["therapies"][0]
    assert "[^1]" in body["body"] and "[^ketamine-trial]" not in body["body"]
    text = cited.get(PUBLIC, params={"format": "text"}).json()
    body = next(s for s in text["sections"] if s["key"] == "therapy-types")["therapies"][0]
    assert "[1]" in body["body"]


def test_web_render_numbers_footnotes_and_lists_references(cited: Client) -> None:
    html = cited.get(f"{PUBLIC}/render/web").text
    assert re.search(r'<a href="#ref-1"[^>]*>\[1\]</a>', html)
    assert re.search(r'<a href="#ref-2"[^>]*>\[2\]</a>', html)  # the therapy's own citation
    assert '<li id="ref-1">A. Author, B. Author. Ketamine for' in html
    assert '<li id="ref-2">' in html and "ISBN 978-0-306-40615-7" in html
    assert "[^" not in html


def test_email_and_text_renders_carry_the_numbered_references(cited: Client) -> None:
    email = cited.get(f"{PUBLIC}/render/email").text
    assert "References" in email and "doi:10.1000/example.2020.1" in email
    assert "#ref-1" in email
    text = cited.get(f"{PUBLIC}/render/text").text
    assert "References\n----------" in text
    assert "[1] A. Author, B. Author." in text
    assert "Trials support this.[1]" in text
    assert "[^" not in email and "[^" not in text


def test_json_ld_cites_with_doi_and_pubmed_same_as(cited: Client) -> None:
    html = cited.get(f"{PUBLIC}/render/web").text
    payload = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    citations = json.loads(payload)["citation"]
    assert citations[0]["@type"] == "ScholarlyArticle"
    assert citations[0]["sameAs"] == [
        "https://doi.org/10.1000/example.2020.1",
        "https://pubmed.ncbi.nlm.nih.gov/12345678/",
    ]
    assert citations[1]["isbn"] == "978-0-306-40615-7"
    assert citations[1]["url"] == "https://example.org/handbook"
