"""Prose refers to typed facts: channels write the value, writes that restate a dose are refused,
and the vocabularies are one checked table each."""

from __future__ import annotations

import re
from typing import Any, get_args

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema.sections import Section
from schema.units import DOSE_UNITS, TIME_UNITS, DoseUnit
from schema.vocabulary import DOSE_FORMS, ROUTES, SNOMED_CT, Route, route_coding
from service.channels.render.facts import format_dose, format_number
from tests.conftest import SLUG, Headers

Client = TestClient[Litestar]
DRAFT = f"/v1/admin/articles/{SLUG}/draft"
THERAPIES = f"{DRAFT}/sections/therapy-types"
PUBLIC = f"/v1/articles/{SLUG}"
REFERENCE = re.compile(r"\{[a-z_]+(?:\.[a-z_]+)?\}")
REQUIRED_ROUTES = {
    "oral": "26643006",
    "sublingual": "37839007",
    "buccal": "54471007",
    "intravenous": "47625008",
    "intramuscular": "78421000",
    "subcutaneous": "34206005",
    "intranasal": "46713006",
    "inhalation": "447694001",
    "topical": "6064005",
    "transdermal": "45890007",
    "rectal": "37161004",
    "vaginal": "16857009",
    "ophthalmic": "54485002",
}


def therapies(client: Client, headers: Headers) -> tuple[dict[str, Any], str]:
    """The draft's therapy-types section (as stored) and the draft's ETag."""
    draft = client.get(DRAFT, headers=headers)
    section = next(s for s in draft.json()["sections"] if s["key"] == "therapy-types")
    return section, draft.headers["etag"]


def put(client: Client, headers: Headers, etag: str, section: dict[str, Any]) -> Any:
    """PUT the therapy-types section."""
    return client.put(THERAPIES, headers={**headers, "If-Match": etag}, json=section)


def publish(client: Client, editor: Headers, reviewer: Headers) -> None:
    """Submit, approve as the reviewer, publish."""
    assert client.post(f"{DRAFT}/submit", headers=editor).status_code == 200
    etag = client.get(DRAFT, headers=reviewer).headers["etag"]
    assert (
        client.post(f"{DRAFT}/approve", headers={**reviewer, "If-Match": etag}).status_code == 200
    )
    assert client.post(f"/v1/admin/articles/{SLUG}/publish", headers=editor).status_code == 200


@pytest.mark.parametrize(
    "literal",
    ["0.5 mg/kg to 1.0 mg/kg", "0,5 mg/kg", "100mg", "56-84 mg", "2 tablets", "250 mcg"],
    ids=["range", "decimal-comma", "no-space", "dash-range", "tablets", "mcg"],
)
def test_literal_dose_in_a_dosed_therapy_is_refused_naming_field_and_reference(
    client: Client, editor_headers: Headers, literal: str
) -> None:
    section, etag = therapies(client, editor_headers)
    section["therapies"][1]["body"] = f"Usually {literal} per session."

    response = put(client, editor_headers, etag, section)

    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["errors"][0]["path"] == "$.therapies[1].body"
    assert "{dose}" in problem["errors"][0]["message"]
    assert client.get(DRAFT, headers=editor_headers).headers["etag"] == etag


def test_a_therapy_without_typed_dose_may_state_numbers(
    client: Client, editor_headers: Headers
) -> None:
    section, etag = therapies(client, editor_headers)
    section["therapies"].append({"name": "Talking therapy", "body": "Often 12 sessions."})
    assert put(client, editor_headers, etag, section).status_code == 200


@pytest.mark.parametrize(
    ("body", "words"),
    [("Give {dosage}.", "not a fact"), ("Given {frequency}.", "`frequency` is not set")],
    ids=["unknown-name", "unset-fact"],
)
def test_bad_reference_is_a_400_naming_it(
    client: Client, editor_headers: Headers, body: str, words: str
) -> None:
    section, etag = therapies(client, editor_headers)
    section["therapies"][1]["body"] = body

    response = put(client, editor_headers, etag, section)

    assert response.status_code == 400
    assert words in response.text


def test_changing_a_typed_dose_changes_the_prose_in_every_channel_and_format(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    section, etag = therapies(client, editor_headers)
    section["therapies"][0]["dose"]["max"] = 0.9
    assert put(client, editor_headers, etag, section).status_code == 200
    stored, _ = therapies(client, editor_headers)
    assert "{dose.min} to {dose.max}" in stored["therapies"][0]["body"]
    publish(client, editor_headers, reviewer_headers)

    outputs = {
        f"format={fmt}": client.get(PUBLIC, params={"format": fmt}).text
        for fmt in ("html", "markdown", "text")
    }
    outputs |= {
        kind: client.get(f"{PUBLIC}/render/{kind}").text for kind in ("web", "email", "text")
    }
    for name, text in outputs.items():
        assert "0.5 mg/kg to 0.9 mg/kg" in text, name
        assert not REFERENCE.search(text), name
        assert "1 mg/kg" not in text and "1.0 mg/kg" not in text, name


def test_implausible_dose_is_stored_with_a_warning_on_the_draft(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    section, etag = therapies(client, editor_headers)
    section["therapies"][0]["dose"]["max"] = 9  # "0,9" misread
    assert put(client, editor_headers, etag, section).status_code == 200

    for headers in (editor_headers, reviewer_headers):
        warnings = client.get(DRAFT, headers=headers).json()["warnings"]
        assert [(w["section"], w["path"]) for w in warnings] == [
            ("therapy-types", "therapies[0].dose")
        ]
        assert "decimal point" in warnings[0]["message"]


def test_every_required_route_has_its_snomed_ct_code_and_one_label() -> None:
    assert {key: ROUTES[key].code for key in REQUIRED_ROUTES} == REQUIRED_ROUTES  # type: ignore[index]
    assert set(get_args(Route)) == set(ROUTES)
    coding = route_coding("intravenous")
    assert (coding.system, coding.code, coding.display) == (
        SNOMED_CT,
        "47625008",
        "Intravenous route",
    )
    assert all(term.code.isdigit() for term in (*ROUTES.values(), *DOSE_FORMS.values()))


def test_route_coding_is_derived_from_the_key_whatever_was_sent() -> None:
    stale = {"system": SNOMED_CT, "code": "47625008", "display": "Intravenous route"}
    body = {
        "kind": "therapy_types",
        "key": "t",
        "title": "T",
        "therapies": [{"name": "N", "body": "B", "route": "intramuscular", "route_coding": stale}],
    }
    section = msgspec.convert(body, Section)
    therapy = section.therapies[0]  # type: ignore[union-attr]
    assert therapy.route_coding.code == "78421000"


def test_units_are_ucum_codes_with_plausible_bounds_and_words() -> None:
    assert {"mg", "ug", "g", "mL", "mg/kg", "ug/kg", "[iU]", "mg/kg/h"} <= set(DOSE_UNITS)
    assert set(get_args(DoseUnit)) == set(DOSE_UNITS)
    assert all(term.plausible_max > 0 for term in DOSE_UNITS.values())
    assert DOSE_UNITS["ug"].display == "mcg"  # never the misread µg
    assert TIME_UNITS["wk"].minutes == 7 * 24 * 60


@pytest.mark.parametrize(
    ("value", "words"), [(1.0, "1"), (0.75, "0.75"), (100_000, "100000"), (0.05, "0.05")]
)
def test_numbers_have_no_trailing_zero_or_exponent(value: float, words: str) -> None:
    assert format_number(value) == words


def test_a_single_dose_reads_as_one_number() -> None:
    from schema.dosing import DoseRange

    assert format_dose(DoseRange(min=0.5, max=0.5, unit="mL")) == "0.5 mL"
    assert format_dose(DoseRange(min=2, max=2, unit="{tablet}")) == "2 tablets"


def test_openapi_and_content_schema_describe_the_new_model(client: Client) -> None:
    spec = client.get("/schema/openapi.json").json()
    content = client.get("/v1/schema/content.json").json()

    new = {"FaqSection", "InteractionsSection", "ContraindicationsSection", "WarningsSection"}
    assert new | {"DosePhase", "Frequency", "Coding"} <= set(spec["components"]["schemas"])
    assert new | {"DosePhase", "MaxDose", "Population"} <= set(content["$defs"])
    # A discriminator on `kind`, a required single-value `kind`: generated TypeScript narrows.
    for schemas in (content["$defs"], spec["components"]["schemas"]):
        sections = schemas["Article"]["properties"]["sections"]["items"]
        assert sections["discriminator"]["propertyName"] == "kind"
        assert {"faq", "warnings", "intro", "explainer"} <= set(
            sections["discriminator"]["mapping"]
        )
        assert schemas["FaqSection"]["properties"]["kind"] == {"enum": ["faq"]}
        assert "kind" in schemas["FaqSection"]["required"]
