"""Web sessions: a signed cookie naming a session the server keeps, and the token behind it.

The cookie carries ``{sid, token_id, name, role, expires, csrf}`` as base64url JSON and an
HMAC-SHA256 of it. The key lives in a file next to the database (``<CONTENT_DB>.session-key``,
0600), made when the app starts and read by every worker, so any worker accepts any worker's
cookie. A cookie proves only that this server issued it: its session must still be on record
(``service.store.sessions``; signing out deletes it) and its token still active.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

import msgspec

from schema.admin import Role
from service.store import tokens
from service.store.db import ContentDB

COOKIE_NAME = "hc_session"
COOKIE_PATH = "/admin"
SESSION_SECONDS = 12 * 60 * 60
KEY_BYTES = 32


class SessionClaims(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a session cookie says: which session, whose token, which role, until when, its CSRF."""

    sid: str
    token_id: int
    name: str
    role: Role
    expires: int
    csrf: str


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(SessionClaims).decode


def key_path(database: Path) -> Path:
    """Where the signing key of the sessions over this database is kept."""
    return database.with_name(database.name + ".session-key")


def load_or_create_key(path: Path) -> bytes:
    """The signing key, created (0600) by whichever worker gets there first.

    The key is written to a private temporary file and hard-linked into place: the link either
    appears whole or fails because another worker's key is there already, which is then used.
    """
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secrets.token_bytes(KEY_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) < KEY_BYTES:
        raise RuntimeError(f"{path} holds {len(key)} bytes, not a {KEY_BYTES}-byte session key")
    return key


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def session_id_hash(sid: str) -> str:
    """What the server stores for a session id: its SHA-256, so the file cannot sign anyone in."""
    return hashlib.sha256(sid.encode()).hexdigest()


class SessionSigner:
    """Signs and verifies session cookies with the key kept next to the database."""

    def __init__(self, database: Path) -> None:
        self.path = key_path(database)
        # Read (or made) now, at app start: an unwritable folder stops the start, not a sign-in.
        self.key = load_or_create_key(self.path)

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self.key, payload.encode(), hashlib.sha256).digest())

    def issue(
        self, token_id: int, name: str, role: Role, now: float | None = None
    ) -> SessionClaims:
        """Fresh claims for a signed-in token, with a new CSRF token."""
        expires = int((time.time() if now is None else now) + SESSION_SECONDS)
        return SessionClaims(
            sid=secrets.token_urlsafe(32),
            token_id=token_id,
            name=name,
            role=role,
            expires=expires,
            csrf=secrets.token_urlsafe(32),
        )

    def encode(self, claims: SessionClaims) -> str:
        """The cookie value: payload and signature, both base64url."""
        payload = _b64(_encode(claims))
        return f"{payload}.{self._sign(payload)}"

    def decode(self, value: str | None, now: float | None = None) -> SessionClaims | None:
        """The claims of a genuine, unexpired cookie; None for anything else."""
        # Anything but ASCII cannot be ours, and compare_digest refuses non-ASCII str (500).
        if not value or not value.isascii() or value.count(".") != 1:
            return None
        payload, signature = value.split(".")
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            claims = _decode(_unb64(payload))
        except (binascii.Error, ValueError, msgspec.DecodeError):
            return None
        if claims.expires <= (time.time() if now is None else now):
            return None
        return claims


def is_token_active(db: ContentDB, claims: SessionClaims) -> bool:
    """Whether the session's token still exists, is unrevoked, and is the same person and role."""
    with db.read() as conn:
        record = tokens.get_token(conn, claims.token_id)
    return (
        record is not None
        and not record.is_revoked
        and record.name == claims.name
        and record.role == claims.role
    )
