"""Draft preview: tokens that read working drafts (minted, checked, revoked) and the draft as an
article in the public shape."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from schema.article import Article, Review, Reviewer
from schema.delivery import PreviewToken, PreviewTokenCreate
from service.editorial.actor import Actor, record
from service.editorial.versions import lock_draft, require_article
from service.errors import Forbidden, NotFound, Unauthorized
from service.store import preview_tokens
from service.store.codec import utc_now
from service.store.db import ContentDB

PREVIEW_PREFIX = "pv_"
# A draft has no review yet: the byline says so rather than borrow one it does not have.
UNREVIEWED = Reviewer(name="Not yet medically reviewed (draft preview)")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def preview_url(template: str | None, slug: str | None, token: str) -> str | None:
    """The site's preview page for this token, from ``PREVIEW_URL_TEMPLATE`` (``{slug}``,
    ``{token}``); None without a template, or for an every-draft token when it needs a slug."""
    if template is None or (slug is None and "{slug}" in template):
        return None
    return template.replace("{slug}", slug or "").replace("{token}", token)


def mint_preview_token(
    db: ContentDB, actor: Actor, request: PreviewTokenCreate, url_template: str | None
) -> PreviewToken:
    """A new preview token (shown only now), for one article or every draft; audited."""
    token = PREVIEW_PREFIX + secrets.token_urlsafe(32)
    at = utc_now()
    expires_at = at + timedelta(seconds=request.expires_in_seconds)
    with db.write() as conn:
        if request.article is not None:
            require_article(conn, request.article)
        token_id = preview_tokens.insert_preview_token(
            conn,
            token_hash=_hash(token),
            article=request.article,
            created_by=actor.name,
            at=at,
            expires_at=expires_at,
        )
        record(
            conn,
            actor,
            "preview_token_created",
            article=request.article,
            revision=None,
            detail=f"preview token {token_id} until {expires_at.isoformat()}",
            at=at,
        )
    return PreviewToken(
        id=token_id,
        token=token,
        article=request.article,
        created_by=actor.name,
        expires_at=expires_at,
        preview_url=preview_url(url_template, request.article, token),
    )


def revoke_preview_token(db: ContentDB, actor: Actor, token_id: int) -> None:
    """Revoke a preview token (again is a no-op); 404 when there is none; audited."""
    at = utc_now()
    with db.write() as conn:
        revoked = preview_tokens.revoke_preview_token(conn, token_id, at)
        if revoked is None:
            raise NotFound(f"There is no preview token {token_id}.")
        if revoked:
            record(
                conn,
                actor,
                "preview_token_revoked",
                article=None,
                revision=None,
                detail=f"preview token {token_id}",
                at=at,
            )


def check_preview_token(db: ContentDB, authorization: str | None, slug: str) -> None:
    """Admit a valid preview token for this article: 401 when missing, unknown, revoked or
    expired; 403 when it is for another article."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(PREVIEW_PREFIX):
        raise Unauthorized(
            "Send `Authorization: Bearer <preview token>` (POST /v1/admin/preview-tokens)."
        )
    digest = _hash(token)
    with db.read() as conn:
        stored = preview_tokens.find_preview_token(conn, digest)
    if stored is None or not hmac.compare_digest(stored.token_hash, digest):
        raise Unauthorized("The preview token is not known.")
    if stored.is_revoked:
        raise Unauthorized("The preview token was revoked.")
    if stored.expires_at <= utc_now():
        raise Unauthorized(f"The preview token expired at {stored.expires_at.isoformat()}.")
    if stored.article is not None and stored.article != slug:
        raise Forbidden(f"This preview token is for {stored.article!r} only.")


def draft_article(db: ContentDB, slug: str) -> Article:
    """The working draft (or what a first edit would start from) in the public article shape."""
    with db.read() as conn:
        draft = lock_draft(conn, slug, Actor(name="preview", role="preview")).draft
    review = draft.review or Review(reviewed_by=UNREVIEWED, reviewed_at=draft.updated_at)
    return Article.from_fields(
        slug,
        draft.fields,
        revision=draft.base_revision or 0,
        published_at=draft.updated_at,
        updated_at=draft.updated_at,
        review=review,
        sections=list(draft.sections),
    )
