"""Revisions written by the model-v1 code keep serving: upgraded, every v1 field reads the same.

The fixture database and the JSON it served were made by the v1 code (commit 1371725) with
``tests/fixtures/make_v1_database.py``: test data, not medical advice.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from schema.sections import Section, TherapyTypesSection
from schema.versions import MODEL_VERSION, decode_sections
from service.app import create_app
from service.config import Settings
from service.editorial.tokens import issue_token
from service.store.db import ContentDB
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
SLUG = "ketamine-therapy-for-anxiety"
V1_PUBLIC: dict[str, Any] = json.loads((FIXTURES / "v1-public.json").read_text())


def v1_fields(old: Any, new: Any, path: str = "$") -> list[str]:
    """Where ``new`` differs from ``old`` in a field ``old`` has (new fields are ignored)."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [path]
        return [p for key in old for p in v1_fields(old[key], new.get(key, ...), f"{path}.{key}")]
    if isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            return [path]
        return [
            p
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for p in v1_fields(a, b, f"{path}[{i}]")
        ]
    return [] if old == new else [path]


@pytest.fixture
def upgraded(tmp_path: Path) -> Iterator[tuple[TestClient[Any], ContentDB]]:
    """The app over a copy of the v1 database file (migrated at start-up), and that file."""
    db_path = tmp_path / "content.db"
    shutil.copyfile(FIXTURES / "v1-content.db", db_path)
    settings = Settings(content_db=db_path, rate_limit_per_minute=None)
    with TestClient(create_app(settings)) as client:
        content_db = ContentDB(db_path)
        yield client, content_db
        content_db.close()


def test_upgraded_v1_database_serves_every_v1_field_unchanged(
    upgraded: tuple[TestClient[Any], ContentDB],
) -> None:
    client, _ = upgraded
    assert len(V1_PUBLIC) > 50
    differing = {
        path: where
        for path, old in V1_PUBLIC.items()
        if (where := v1_fields(old, client.get(path).json()))
    }
    assert differing == {}


def test_old_revisions_keep_version_one_and_new_ones_record_the_current_model(
    upgraded: tuple[TestClient[Any], ContentDB],
) -> None:
    client, content_db = upgraded
    editor = {"Authorization": f"Bearer {issue_token(content_db, 'Erin Editor', 'editor')}"}
    reviewer = {"Authorization": f"Bearer {issue_token(content_db, 'Rita Reviewer', 'reviewer')}"}
    admin = f"/v1/admin/articles/{SLUG}"
    draft = client.get(f"{admin}/draft", headers=editor)
    body = {**draft.json()["sections"][0], "title": "Introduction, revised"}
    client.put(
        f"{admin}/draft/sections/intro",
        headers={**editor, "If-Match": draft.headers["etag"]},
        json=body,
    ).raise_for_status()
    client.post(f"{admin}/draft/submit", headers=editor).raise_for_status()
    etag = client.get(f"{admin}/draft", headers=reviewer).headers["etag"]
    client.post(f"{admin}/draft/approve", headers={**reviewer, "If-Match": etag}).raise_for_status()
    client.post(f"{admin}/publish", headers=editor).raise_for_status()

    versions = content_db.conn.execute(
        "SELECT r.number, r.model_version FROM revisions r JOIN articles a ON a.id = r.article_id "
        "WHERE a.slug = ? ORDER BY r.number",
        (SLUG,),
    ).fetchall()
    assert [tuple(row) for row in versions] == [(1, 1), (2, 1), (3, MODEL_VERSION)]
    old = client.get(f"{admin}/revisions/2", headers=editor).json()
    assert "0.5 mg/kg to 1.0 mg/kg" in json.dumps(old)  # stored text is never rewritten


def test_v1_braces_read_literally_after_upcasting() -> None:
    stored = [
        {
            "kind": "therapy_types",
            "key": "t",
            "title": "T",
            "therapies": [
                {
                    "name": "N",
                    "route": "intravenous",
                    "dose": {"min": 1, "max": 2, "unit": "mg"},
                    "body": "A set {dose} of braces } stays as written.",
                }
            ],
        }
    ]
    raw = msgspec.json.encode(stored)

    sections = decode_sections(raw, 1)

    therapy = only_therapy(sections)
    assert therapy.body == "A set {{dose}} of braces }} stays as written."
    assert therapy.route_coding is not None and therapy.route_coding.code == "47625008"
    with pytest.raises(msgspec.ValidationError):
        decode_sections(
            msgspec.json.encode(
                [{**stored[0], "therapies": [{**stored[0]["therapies"][0], "body": "{nothing}"}]}]
            ),
            MODEL_VERSION,
        )


def only_therapy(sections: list[Section]) -> Any:
    """The one therapy of the one therapy section."""
    (section,) = sections
    assert isinstance(section, TherapyTypesSection)
    return section.therapies[0]


def test_a_v1_working_draft_reads_its_braces_literally(
    upgraded: tuple[TestClient[Any], ContentDB],
) -> None:
    client, content_db = upgraded
    editor = {"Authorization": f"Bearer {issue_token(content_db, 'Erin Editor', 'editor')}"}

    draft = client.get("/v1/admin/articles/v1-fixture-every-kind/draft", headers=editor)

    assert draft.status_code == 200, draft.text
    section = next(s for s in draft.json()["sections"] if s["key"] == "therapy-types")
    assert section["therapies"][0]["body"] == "Spray {{twice}} a day."
