"""Signed session cookies and the key file next to the database."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from service.webapp.sessions import (
    SESSION_SECONDS,
    SessionSigner,
    key_path,
    load_or_create_key,
)
from tests.concurrency import run_in_threads

NOW = 1_800_000_000.0


def test_the_key_is_made_once_private_and_next_to_the_database(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    signer = SessionSigner(database)
    key = signer.key
    path = key_path(database)
    assert path == tmp_path / "content.db.session-key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SessionSigner(database).key == key  # another worker reads the same key
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_workers_racing_to_create_the_key_agree_on_one(tmp_path: Path) -> None:
    path = tmp_path / "content.db.session-key"
    keys: list[bytes] = []
    run_in_threads(lambda: keys.append(load_or_create_key(path)), [()] * 8)
    assert len(set(keys)) == 1


def test_a_cookie_round_trips_until_it_expires(tmp_path: Path) -> None:
    signer = SessionSigner(tmp_path / "content.db")
    claims = signer.issue(7, "Erin Editor", "editor", now=NOW)
    cookie = signer.encode(claims)
    assert signer.decode(cookie, now=NOW) == claims
    assert signer.decode(cookie, now=NOW + SESSION_SECONDS - 1) == claims
    assert signer.decode(cookie, now=NOW + SESSION_SECONDS) is None
    assert claims.csrf != signer.issue(7, "Erin Editor", "editor").csrf


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),
        lambda c: "e30." + c.split(".")[1],
        lambda c: c.split(".")[0],
        lambda c: c + ".x",
        lambda c: "",
        lambda c: "!!!.???",
    ],
    ids=["signature", "payload", "no-signature", "extra-part", "empty", "garbage"],
)
def test_a_changed_cookie_is_no_session(tmp_path: Path, mangle: Callable[[str], str]) -> None:
    signer = SessionSigner(tmp_path / "content.db")
    cookie = signer.encode(signer.issue(7, "Erin Editor", "editor", now=NOW))
    assert signer.decode(mangle(cookie), now=NOW) is None


def test_a_cookie_from_another_databases_key_is_no_session(tmp_path: Path) -> None:
    ours = SessionSigner(tmp_path / "one" / "content.db")
    theirs = SessionSigner(tmp_path / "two" / "content.db")
    for signer in (ours, theirs):
        signer.path.parent.mkdir()
    cookie = theirs.encode(theirs.issue(1, "Ada Admin", "admin", now=NOW))
    assert ours.decode(cookie, now=NOW) is None
