"""The ``tokens`` commands: the token alone on stdout, listed without secrets, revoked by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.__main__ import main
from service.editorial.tokens import authenticate
from service.errors import Unauthorized
from service.store.db import ContentDB
from tests.commands import run_cli


@pytest.fixture
def content_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CONTENT_DB pointing at a database file the CLI creates."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("CONTENT_DB", str(path))
    return path


def create_token(name: str, role: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``tokens create`` in process and return what it printed on stdout."""
    assert main(["tokens", "create", "--name", name, "--role", role]) == 0
    return capsys.readouterr().out.strip()


def test_create_prints_the_token_alone_on_stdout(content_db: Path) -> None:
    result = run_cli(
        "tokens",
        "create",
        "--name",
        "Erin Editor",
        "--role",
        "editor",
        database=content_db,
        check=True,
    )
    assert re.fullmatch(r"hc_[A-Za-z0-9_-]{43}\n", result.stdout)
    assert "shown only now" in result.stderr
    db = ContentDB(content_db)
    try:
        principal = authenticate(db, f"Bearer {result.stdout.strip()}")
    finally:
        db.close()
    assert (principal.name, principal.role) == ("Erin Editor", "editor")


def test_list_shows_names_and_roles_never_tokens(
    content_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = create_token("Rita Reviewer", "reviewer", capsys)
    assert main(["tokens", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Rita Reviewer" in listing
    assert "reviewer" in listing
    assert token not in listing
    assert token.removeprefix("hc_")[:8] not in listing


def test_revoke_by_name_optionally_narrowed_by_role(
    content_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    as_editor = create_token("Dana", "editor", capsys)
    as_reviewer = create_token("Dana", "reviewer", capsys)
    assert main(["tokens", "revoke", "Dana", "--role", "reviewer"]) == 0
    db = ContentDB(content_db)
    try:
        assert authenticate(db, f"Bearer {as_editor}").role == "editor"
        with pytest.raises(Unauthorized, match="revoked"):
            authenticate(db, f"Bearer {as_reviewer}")
    finally:
        db.close()
    assert main(["tokens", "revoke", "Dana"]) == 0
    assert main(["tokens", "revoke", "Dana"]) == 1
    capsys.readouterr()
    assert main(["tokens", "list"]) == 0
    assert "Dana" not in capsys.readouterr().out
    assert main(["tokens", "list", "--all"]) == 0
    assert capsys.readouterr().out.count("revoked") == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["tokens", "create", "--name", "Erin", "--role", "owner"],
        ["tokens", "create", "--role", "editor"],
        ["tokens", "revoke"],
    ],
    ids=["unknown-role", "missing-name", "revoke-without-name"],
)
def test_bad_arguments_exit_with_usage(content_db: Path, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2


def test_a_name_with_surrounding_spaces_is_refused(
    content_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tokens", "create", "--name", " Erin ", "--role", "editor"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "not a usable name" in captured.err
