"""API tokens: issued to a named person with one role, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import get_args

from schema.admin import Role, TokenInfo
from service.editorial.actor import Actor, record
from service.errors import FieldError, InvalidInput, Unauthorized
from service.store import tokens
from service.store.codec import utc_now
from service.store.db import ContentDB

TOKEN_PREFIX = "hc_"
ROLES: tuple[Role, ...] = get_args(Role)
# Same rule as the review byline's name (a NonEmptyStr): names end up in `reviewed_by`.
_NAME = re.compile(r"^\S(?:.{0,98}\S)?$")
CLI_ACTOR = Actor(name="cli", role="admin")


@dataclass(frozen=True)
class Principal:
    """The person a valid token belongs to, with that token's role."""

    name: str
    role: Role
    token_id: int


def new_token() -> str:
    """A fresh high-entropy token (256 bits), prefixed so it is recognisable in a leak scan."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a token: a plain SHA-256 suffices for 256 random bits."""
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(db: ContentDB, authorization: str | None) -> Principal:
    """The principal of a ``Bearer`` token; 401 when missing, unknown or revoked."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Send `Authorization: Bearer <token>`; make one with `make token`.")
    digest = hash_token(token)
    stored = tokens.find_token(db.conn, digest)
    # Found by its hash; compared in constant time anyway, so no timing tells how close a guess is.
    if stored is None or not hmac.compare_digest(stored.token_hash, digest):
        raise Unauthorized("The token is not known.")
    if stored.is_revoked:
        raise Unauthorized("The token was revoked.")
    return Principal(name=stored.name, role=stored.role, token_id=stored.id)


def check_name(name: str) -> str:
    """A token holder's name: 1 to 100 characters, no surrounding or line-breaking spaces."""
    if not _NAME.match(name) or any(char in name for char in "\r\n\t"):
        raise InvalidInput(
            f"{name!r} is not a usable name: 1 to 100 characters, no leading or trailing spaces.",
            errors=(FieldError("name", "1 to 100 characters without surrounding spaces"),),
        )
    return name


def issue_token(db: ContentDB, name: str, role: Role) -> str:
    """Create a token for a person and role; the only time the token itself is seen."""
    check_name(name)
    if role not in ROLES:
        raise InvalidInput(
            f"{role!r} is not a role; use one of {', '.join(ROLES)}.",
            errors=(FieldError("role", "unknown role"),),
        )
    token = new_token()
    at = utc_now()
    with db.write() as conn:
        token_id = tokens.insert_token(
            conn, name=name, role=role, token_hash=hash_token(token), at=at
        )
        record(
            conn,
            CLI_ACTOR,
            "token_created",
            article=None,
            revision=None,
            detail=f"token {token_id} for {name} as {role}",
            at=at,
        )
    return token


def list_tokens(db: ContentDB, *, include_revoked: bool = False) -> list[TokenInfo]:
    """The tokens, never their secrets."""
    with db.read() as conn:
        return tokens.list_tokens(conn, include_revoked=include_revoked)


def revoke_tokens(db: ContentDB, name: str, role: Role | None = None) -> int:
    """Revoke a person's active tokens (only those of ``role`` when given); returns how many."""
    at = utc_now()
    with db.write() as conn:
        count = tokens.revoke_tokens(conn, name=name, role=role, at=at)
        if count:
            record(
                conn,
                CLI_ACTOR,
                "tokens_revoked",
                article=None,
                revision=None,
                detail=f"{count} token(s) of {name}" + (f" as {role}" if role else ""),
                at=at,
            )
    return count
