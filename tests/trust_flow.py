"""The editorial steps of the trust tests over HTTP, shared by in-process and e2e tests.

``client`` is an httpx client (Litestar's TestClient is one) pointed at the API.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from service.editorial.cadence import add_months

SLUG = "ketamine-therapy-for-anxiety"
PUBLIC = f"/v1/articles/{SLUG}"
DRAFT = f"/v1/admin/articles/{SLUG}/draft"
Headers = dict[str, str]
REFERENCES: list[dict[str, Any]] = [
    {
        "id": "ketamine-trial",
        "title": "Ketamine for treatment-resistant anxiety: a randomized trial",
        "authors": ["A. Author", "B. Author"],
        "journal": "Journal of Examples",
        "year": 2020,
        "doi": "10.1000/example.2020.1",
        "pmid": "12345678",
    },
    {
        "id": "handbook",
        "title": "Handbook of Example Psychopharmacology",
        "publisher": "Example Press",
        "year": 2019,
        "isbn": "978-0-306-40615-7",
        "url": "https://example.org/handbook",
        "accessed": "2026-11-01",
    },
]


def draft_etag(client: httpx.Client, headers: Headers) -> tuple[dict[str, Any], str]:
    """The draft and its ETag."""
    response = client.get(DRAFT, headers=headers)
    response.raise_for_status()
    return response.json(), response.headers["etag"]


def cite_in_draft(client: httpx.Client, editor: Headers, body_note: str = "") -> str:
    """Add the references, a footnote in the IV therapy and citations on items; the new ETag."""
    draft, etag = draft_etag(client, editor)
    patched = client.patch(
        DRAFT, json={"references": REFERENCES}, headers={**editor, "If-Match": etag}
    )
    assert patched.status_code == 200, patched.text
    etag = patched.headers["etag"]
    therapies = next(s for s in draft["sections"] if s["key"] == "therapy-types")
    iv = therapies["therapies"][0]
    iv["body"] += f" Trials support this.[^ketamine-trial]{body_note}"
    iv["citations"] = ["handbook"]
    for therapy in therapies["therapies"]:
        therapy.pop("route_coding", None)
        therapy.pop("form_coding", None)
    put = client.put(
        f"{DRAFT}/sections/therapy-types", json=therapies, headers={**editor, "If-Match": etag}
    )
    assert put.status_code == 200, put.text
    return str(put.headers["etag"])


def approve_and_publish(
    client: httpx.Client,
    editor: Headers,
    reviewer: Headers,
    *,
    approve_body: dict[str, Any] | None = None,
    publish_body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Submit, approve and publish the draft; the publish answer."""
    client.post(f"{DRAFT}/submit", headers=editor).raise_for_status()
    _, etag = draft_etag(client, reviewer)
    approved = client.post(
        f"{DRAFT}/approve", json=approve_body or {}, headers={**reviewer, "If-Match": etag}
    )
    assert approved.status_code == 200, approved.text
    published = client.post(
        f"/v1/admin/articles/{SLUG}/publish", json=publish_body or {}, headers=editor
    )
    assert published.status_code == 200, published.text
    return dict(published.json())


def edit_intro(client: httpx.Client, editor: Headers, words: str) -> None:
    """Change the intro's body (so there is something to correct)."""
    draft, etag = draft_etag(client, editor)
    intro = next(s for s in draft["sections"] if s["key"] == "intro")
    intro["body"] = words
    put = client.put(f"{DRAFT}/sections/intro", json=intro, headers={**editor, "If-Match": etag})
    assert put.status_code == 200, put.text


def spelled(day: date) -> str:
    """A date as the renders write it: January 1, 2027."""
    return f"{day:%B} {day.day}, {day.year}"


def seed_due(client: httpx.Client) -> tuple[date, datetime]:
    """The seed review's due date (it is dated when the seed is loaded), and its first instant."""
    due = date.fromisoformat(client.get(PUBLIC).json()["review"]["next_review_due"])
    return due, datetime.combine(due, datetime.min.time(), UTC)


def seed_review_line(review: dict[str, Any]) -> str:
    """The renders' review line for the seed's placeholder review, once its dates are checked:
    reviewed when the seed was loaded (within the hour), due 12 months on."""
    reviewed_at = datetime.fromisoformat(review["reviewed_at"])
    assert timedelta(0) <= datetime.now(UTC) - reviewed_at < timedelta(hours=1)
    reviewed = reviewed_at.date()
    due = add_months(reviewed, 12)
    assert review["next_review_due"] == due.isoformat()
    return f"Last reviewed {spelled(reviewed)} / Next review due {spelled(due)}"
