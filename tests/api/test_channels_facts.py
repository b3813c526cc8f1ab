"""Channel routes carry the same facts everywhere: routes and doses, the review, a dose change."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import msgspec
from litestar import Litestar

from schema.article import Review, Reviewer
from schema.sections import TherapyTypesSection
from tests.api.channel_pages import (
    EMAIL,
    SEED_DOSES,
    TEXT,
    WEB,
    cursor_now,
    html_doses,
    json_doses,
    live_section,
    publish,
    text_doses,
)
from tests.conftest import ARTICLE, Client
from tests.html_documents import Document


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


def test_json_ld_carries_the_review_record(app: Litestar, client: Client) -> None:
    reviewed_at = datetime(2026, 2, 3, 15, 30, tzinfo=UTC)
    review = Review(
        reviewed_by=Reviewer(name="Dr. Ada Park", credentials="MD, Psychiatry"),
        reviewed_at=reviewed_at,
    )
    publish(app, review=review)
    served = client.get(ARTICLE).json()["review"]

    [(kind, payload)] = Document(client.get(WEB).text).scripts
    data = json.loads(payload)
    assert (kind, data["@type"]) == ("application/ld+json", "MedicalWebPage")
    assert data["lastReviewed"] == served["reviewed_at"][:10] == "2026-02-03"
    assert data["reviewedBy"]["name"] == served["reviewed_by"]["name"] == "Dr. Ada Park"
    assert data["reviewedBy"]["description"] == served["reviewed_by"]["credentials"]


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
