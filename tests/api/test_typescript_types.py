"""TypeScript types generated from the served OpenAPI spec and JSON Schema narrow sections on
``kind`` (issue 12, acceptance 5).

The generators a frontend would run (``openapi-typescript``, ``json-schema-to-typescript``) and
``tsc``, pinned in ``tests/typescript/package-lock.json`` (``make node-tools`` installs them),
turn the documents the app serves into ``.d.ts`` files; ``tests/typescript/narrowing.ts``
switches on ``section.kind`` and reads, in each branch, a field only that kind has. One
``tsc --noEmit --strict`` run compiles it against each generated file, and against two broken
specs (``kind`` a plain string, no discriminator; sections a loose object), which must fail.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from service.api.openapi_valid import walk
from service.app import create_app
from service.config import Settings
from tests.conftest import ROOT

TOOLS = ROOT / "tests" / "typescript"
BIN = TOOLS / "node_modules" / ".bin"
TSC_OPTIONS = ["--noEmit", "--strict", "--target", "es2022", "--module", "preserve"]
# The section kinds and the component each is, by hand (issue 12's model).
KINDS = {
    "intro": "IntroSection",
    "explainer": "ExplainerSection",
    "benefits": "BenefitsSection",
    "therapy_types": "TherapyTypesSection",
    "what_to_expect": "WhatToExpectSection",
    "safety": "SafetySection",
    "candidacy": "CandidacySection",
    "contraindications": "ContraindicationsSection",
    "interactions": "InteractionsSection",
    "warnings": "WarningsSection",
    "faq": "FaqSection",
    "conclusion": "ConclusionSection",
}
# Fields narrowing.ts reads that only one kind has: without narrowing, each is an error.
KIND_ONLY_FIELDS = ["therapies", "side_effects", "steps", "warnings", "questions", "interactions"]
_ERROR = re.compile(r"^(?P<case>[\w-]+)/(?P<file>[\w.-]+)\(\d+,\d+\): error (?P<message>.*)$")


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The OpenAPI spec and the content JSON Schema, as clients download them."""
    folder = tmp_path_factory.mktemp("app")
    app = create_app(Settings(content_db=folder / "content.db", rate_limit_per_minute=None))
    with TestClient(app) as client:
        spec = client.get("/schema/openapi.json")
        content = client.get("/v1/schema/content.json")
    assert spec.status_code == 200 and content.status_code == 200
    return {"openapi": spec.json(), "content": content.json()}


def _string_kinds(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with ``kind`` no tag: each section's a plain string, no union discriminated.

    (A discriminator's mapping alone is enough for openapi-typescript to write each member's
    ``kind`` as its literal.)"""
    broken = copy.deepcopy(spec)
    for node in walk(broken):
        node.pop("discriminator", None)
    for name in KINDS.values():
        broken["components"]["schemas"][name]["properties"]["kind"] = {"type": "string"}
    return broken


def _loose_sections(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with an article's sections any object at all."""
    broken = copy.deepcopy(spec)
    article = broken["components"]["schemas"]["Article"]
    article["properties"]["sections"]["items"] = {"type": "object", "additionalProperties": True}
    return broken


def _case(work: Path, name: str, section_module: str) -> Path:
    folder = work / name
    folder.mkdir()
    shutil.copy(TOOLS / "narrowing.ts", folder / "narrowing.ts")
    shutil.copy(TOOLS / section_module, folder / "section.ts")
    return folder


def _openapi_case(work: Path, name: str, spec: dict[str, Any]) -> None:
    folder = _case(work, name, "section-openapi.ts")
    (folder / "openapi.json").write_text(json.dumps(spec))
    made = _run(BIN / "openapi-typescript", "openapi.json", "-o", "api.d.ts", cwd=folder)
    assert made.returncode == 0, made.stdout + made.stderr


@pytest.fixture(scope="module")
def compile_errors(
    documents: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    """``tsc``'s errors per case: generated from the served documents, and from broken specs."""
    if not (BIN / "tsc").exists():
        pytest.fail("the TypeScript tools are missing: run `make node-tools`")
    work = tmp_path_factory.mktemp("typescript")
    _openapi_case(work, "openapi", documents["openapi"])
    _openapi_case(work, "string-kind", _string_kinds(documents["openapi"]))
    _openapi_case(work, "loose-sections", _loose_sections(documents["openapi"]))
    folder = _case(work, "content-schema", "section-content-schema.ts")
    (folder / "content.json").write_text(json.dumps(documents["content"]))
    made = _run(
        BIN / "json2ts", "--maxItems=-1", "-i", "content.json", "-o", "content.d.ts", cwd=folder
    )
    assert made.returncode == 0, made.stdout + made.stderr
    sources = sorted(str(path.relative_to(work)) for path in work.glob("*/*.ts"))
    compiled = _run(BIN / "tsc", *TSC_OPTIONS, *sources, cwd=work)
    errors: dict[str, list[str]] = {case.name: [] for case in work.iterdir()}
    for line in compiled.stdout.splitlines():
        found = _ERROR.match(line)
        if found:
            errors[found["case"]].append(f"{found['file']}: {found['message']}")
    assert compiled.returncode == (0 if not any(errors.values()) else 2), compiled.stdout
    return errors


def test_every_section_union_in_the_spec_is_discriminated_by_kind(
    documents: dict[str, Any],
) -> None:
    spec = documents["openapi"]
    mapping = {kind: f"#/components/schemas/{name}" for kind, name in KINDS.items()}
    article = spec["components"]["schemas"]["Article"]["properties"]["sections"]["items"]
    one = spec["paths"]["/v1/articles/{slug}/sections/{key}"]["get"]["responses"]["200"]
    put = spec["paths"]["/v1/admin/articles/{slug}/draft/sections/{key}"]["put"]["requestBody"]
    for union in (article, one["content"]["application/json"]["schema"]):
        assert union["discriminator"] == {"propertyName": "kind", "mapping": mapping}
    assert put["content"]["application/json"]["schema"]["discriminator"]["mapping"] == mapping
    for kind, name in KINDS.items():
        assert spec["components"]["schemas"][name]["properties"]["kind"] == {"enum": [kind]}


def test_types_generated_from_the_openapi_spec_narrow_on_kind(
    compile_errors: dict[str, list[str]],
) -> None:
    assert compile_errors["openapi"] == []


def test_types_generated_from_the_content_json_schema_narrow_on_kind(
    compile_errors: dict[str, list[str]],
) -> None:
    assert compile_errors["content-schema"] == []


def test_a_spec_whose_kind_is_a_plain_string_fails_the_compile(
    compile_errors: dict[str, list[str]],
) -> None:
    errors = "\n".join(compile_errors["string-kind"])
    for field in KIND_ONLY_FIELDS:
        assert f"Property '{field}' does not exist" in errors, errors


def test_sections_of_a_loose_shape_fail_the_compile(compile_errors: dict[str, list[str]]) -> None:
    errors = compile_errors["loose-sections"]
    assert sum("Unused '@ts-expect-error' directive" in error for error in errors) == 5, errors
    assert any("is not assignable to type 'never'" in error for error in errors), errors
