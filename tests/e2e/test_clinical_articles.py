"""Three articles through the admin API on a real server, then every channel and the JSON-LD.

The seed, an oral SSRI in mg a day with titration and an interaction, and a single 0.5 mL
intramuscular vaccine: the two fixtures under ``tests/fixtures`` are test data, not medical
advice. Each is created (or read), edited, submitted, approved by another person and published.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.commands import cli_token

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEED = "ketamine-therapy-for-anxiety"
SSRI = "ssri-tablets-test-data"
VACCINE = "flu-vaccine-test-data"
REFERENCE = re.compile(r"\{[a-z_]+(?:\.[a-z_]+)?\}")
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
Headers = dict[str, str]


@pytest.fixture(scope="module")
def people(server: str, server_db: Path) -> tuple[Headers, Headers]:
    """An editor's and a (different) reviewer's headers, tokens made by the CLI."""
    editor = cli_token(server_db, "Erin Editor", "editor")
    reviewer = cli_token(server_db, "Rita Reviewer", "reviewer")
    return {"Authorization": f"Bearer {editor}"}, {"Authorization": f"Bearer {reviewer}"}


def edit_section(http: httpx.Client, slug: str, editor: Headers, key: str, change: Any) -> None:
    """Read the draft, change one section with ``change``, and PUT it back with its ETag."""
    draft = http.get(f"/v1/admin/articles/{slug}/draft", headers=editor)
    draft.raise_for_status()
    section = next(s for s in draft.json()["sections"] if s["key"] == key)
    change(section)
    put = http.put(
        f"/v1/admin/articles/{slug}/draft/sections/{key}",
        headers={**editor, "If-Match": draft.headers["etag"]},
        json=section,
    )
    assert put.status_code == 200, put.text


def review_and_publish(http: httpx.Client, slug: str, editor: Headers, reviewer: Headers) -> None:
    """Submit as the editor, approve as the reviewer (with the ETag read), publish."""
    base = f"/v1/admin/articles/{slug}"
    assert http.post(f"{base}/draft/submit", headers=editor).status_code == 200
    etag = http.get(f"{base}/draft", headers=reviewer).headers["etag"]
    approved = http.post(f"{base}/draft/approve", headers={**reviewer, "If-Match": etag})
    assert approved.status_code == 200, approved.text
    published = http.post(f"{base}/publish", headers=editor)
    assert published.status_code == 200, published.text


def set_iv_maximum(section: dict[str, Any]) -> None:
    """The seed's IV maximum dose from 1 to 0.9 mg/kg."""
    section["therapies"][0]["dose"]["max"] = 0.9


def set_ssri_maximum(section: dict[str, Any]) -> None:
    """The SSRI's titration ceiling and daily maximum from 200 to 150 mg."""
    therapy = section["therapies"][0]
    therapy["phases"][1]["dose"]["max"] = 150
    therapy["max_per_period"]["dose"]["value"] = 150
    therapy.pop("dose")  # derived from the phases


def retitle(section: dict[str, Any]) -> None:
    """A heading edit."""
    section["title"] = f"{section['title']} (edited)"


@pytest.fixture(scope="module")
def published(server: str, people: tuple[Headers, Headers]) -> str:
    """The three articles edited, reviewed and published; yields the server's base URL."""
    editor, reviewer = people
    with httpx.Client(base_url=server, timeout=10) as http:
        edit_section(http, SEED, editor, "therapy-types", set_iv_maximum)
        review_and_publish(http, SEED, editor, reviewer)
        for slug, change in ((SSRI, set_ssri_maximum), (VACCINE, retitle)):
            body = json.loads((FIXTURES / f"{slug}.json").read_text())
            created = http.post("/v1/admin/articles", headers=editor, json=body)
            assert created.status_code in (200, 201), created.text
            edit_section(http, slug, editor, "therapy-types", change)
            review_and_publish(http, slug, editor, reviewer)
    return server


def channels(http: httpx.Client, slug: str) -> dict[str, str]:
    """Every public output of an article, by path."""
    paths = [f"/v1/articles/{slug}?format={fmt}" for fmt in ("html", "markdown", "text")]
    paths += [f"/v1/articles/{slug}/sections/therapy-types?format={f}" for f in ("html", "text")]
    paths += [f"/v1/articles/{slug}/render/{kind}" for kind in ("web", "email", "text")]
    outputs = {}
    for path in paths:
        response = http.get(path)
        assert response.status_code == 200, (path, response.text)
        outputs[path] = response.text
    return outputs


def jsonld(web: str) -> dict[str, Any]:
    """The JSON-LD object of a web render."""
    match = JSONLD.search(web)
    assert match is not None
    data: dict[str, Any] = json.loads(match[1])
    return data


def about(page: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The entities of one ``@type`` the page is about."""
    return [entity for entity in page["about"] if entity["@type"] == kind]


def test_every_channel_writes_the_typed_dose_and_no_reference(published: str) -> None:
    with httpx.Client(base_url=published, timeout=10) as http:
        outputs = {slug: channels(http, slug) for slug in (SEED, SSRI, VACCINE)}
        newsletter = http.get("/v1/newsletter").json()

    for slug, by_path in outputs.items():
        for path, text in by_path.items():
            assert not REFERENCE.search(text), (slug, path, REFERENCE.search(text))
    for path, text in outputs[SEED].items():
        assert "0.5 mg/kg to 0.9 mg/kg" in text, path
        assert "1.0 mg/kg" not in text and "0.5 mg/kg to 1 mg/kg" not in text, path
    for path, text in outputs[SSRI].items():
        assert "50\u2013150 mg once a day" in text and "150 mg a day" in text, path
    for path, text in outputs[VACCINE].items():
        assert "0.5 mL" in text and "once a year" in text, path
    for part in (newsletter["html"], newsletter["text"]):
        assert not REFERENCE.search(part)
        assert "0.5 mg/kg to 0.9 mg/kg" in part and "150 mg a day" in part and "0.5 mL" in part


def test_json_ld_describes_drugs_conditions_and_contraindications(published: str) -> None:
    with httpx.Client(base_url=published, timeout=10) as http:
        pages = {
            slug: jsonld(http.get(f"/v1/articles/{slug}/render/web").text)
            for slug in (SEED, SSRI, VACCINE)
        }

    for page in pages.values():
        assert (page["@context"], page["@type"]) == ("https://schema.org", "MedicalWebPage")
        assert page["lastReviewed"] and page["reviewedBy"]["name"] == "Rita Reviewer"
    iv = about(pages[SEED], "Drug")[0]
    assert iv["administrationRoute"] == "Intravenous (IV)"
    assert iv["doseSchedule"][0] | {"name": ""} == {
        "@type": "DoseSchedule",
        "name": "",
        "doseValue": 0.5,
        "doseUnit": "mg/kg",
    }
    assert about(pages[SEED], "MedicalCondition")[0]["name"].startswith("General")

    (ssri,) = about(pages[SSRI], "Drug")
    assert ssri["dosageForm"] == "Film-coated tablet"
    assert ssri["doseSchedule"][0]["frequency"] == "once a day"
    assert ssri["maximumIntake"] == {
        "@type": "MaximumDoseSchedule",
        "doseValue": 150,
        "doseUnit": "mg",
        "frequency": "a day",
    }
    assert ssri["interactingDrug"][0]["name"].startswith("Monoamine oxidase inhibitors")
    assert about(pages[SSRI], "MedicalTherapy")[0]["name"].startswith("Cognitive")
    codes = {
        c["name"]: c.get("code", {}).get("codeValue")
        for c in about(pages[SSRI], "MedicalCondition")
    }
    assert codes == {
        "Major depressive disorder": "370143000",
        "Generalized anxiety disorder": "21897009",
    }
    assert about(pages[SSRI], "MedicalContraindication")

    (vaccine,) = about(pages[VACCINE], "Drug")
    assert (vaccine["administrationRoute"], vaccine["dosageForm"]) == (
        "Intramuscular (IM)",
        "Suspension for injection",
    )
    schedule = vaccine["doseSchedule"][0]
    assert (schedule["doseValue"], schedule["doseUnit"], schedule["frequency"]) == (
        0.5,
        "mL",
        "once a year",
    )
    assert about(pages[VACCINE], "MedicalContraindication")[0]["name"].startswith("Severe")


def test_admin_draft_shows_the_references_it_stores(
    published: str, people: tuple[Headers, Headers]
) -> None:
    editor, _ = people
    with httpx.Client(base_url=published, timeout=10) as http:
        draft = http.get(f"/v1/admin/articles/{SSRI}/draft", headers=editor).json()

    therapy = next(s for s in draft["sections"] if s["key"] == "therapy-types")["therapies"][0]
    assert "{phases}" in therapy["body"] and "{max}" in therapy["body"]
    assert therapy["dose"] == {"min": 50, "max": 150, "unit": "mg"}
    assert therapy["route_coding"]["code"] == "26643006"
