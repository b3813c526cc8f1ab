"""Rendering pages: the context every template shares, HTMX fragments, redirects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import msgspec
from litestar import Request, Response
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template import TemplateConfig
from markupsafe import Markup, escape

from service.handlers.auth import EDITORS, REVIEWERS
from service.webapp.access import FLASH_KEY, SESSION_KEY, can, flash
from service.webapp.csrf import CSRF_FIELD
from service.webapp.sessions import SessionClaims

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
PREFIX = "/admin"
# The hidden form field that carries the draft ETag the form was rendered from.
ETAG_FIELD = "_etag"


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """Jinja over the webapp's templates: autoescaped, and an undefined name is an error."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["when"] = time_tag
    environment.filters["value"] = format_value
    environment.filters["when_exact"] = format_exact_time
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment))


def format_time(value: Any) -> str:
    """A time as people read it in a table: ``2026-03-02 07:00 UTC``."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{value:%Y-%m-%d %H:%M} UTC"


def format_exact_time(value: Any) -> str:
    """A time to the second, for the audit log: ``2026-03-02 07:00:05 UTC``."""
    if value is None:
        return ""
    return f"{value:%Y-%m-%d %H:%M:%S} UTC"


def time_tag(value: Any) -> Markup:
    """A time in a page: the UTC text in a ``<time>``, to which ``static/local-time.js`` adds
    the reader's local time."""
    if not isinstance(value, datetime):
        return Markup(escape(format_time(value)))
    stamp = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return Markup('<time datetime="{}">{}</time>').format(
        stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), format_time(stamp)
    )


def format_value(value: Any) -> str:
    """A value of a diff as text: strings as they are, numbers plainly, anything else as JSON."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bool | int):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return msgspec.json.format(msgspec.json.encode(value), indent=2).decode()


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """Whether HTMX sent the request (it then wants a fragment, not a page)."""
    return request.headers.get("hx-request") == "true"


def session_context(claims: SessionClaims | None) -> dict[str, Any]:
    """What the layout needs about the person signed in: name, role, CSRF, which buttons."""
    role = "" if claims is None else claims.role
    return {
        "session": claims,
        "csrf": "" if claims is None else claims.csrf,
        "csrf_field": CSRF_FIELD,
        "can_edit": can(role, EDITORS) if role else False,
        "can_review": can(role, REVIEWERS) if role else False,
        "is_admin": role == "admin",
    }


def page(
    request: Request[Any, Any, Any], template: str, *, status: int = 200, **context: Any
) -> Template:
    """A template rendered with the shared context (the session's, when there is one)."""
    state = request.scope.get("state", {})
    claims = state.get(SESSION_KEY)
    return Template(
        template_name=template,
        context={
            **session_context(claims),
            "prefix": PREFIX,
            "path": request.url.path,
            "htmx": is_htmx(request),
            "flash": state.get(FLASH_KEY),
            **context,
        },
        status_code=status,
    )


def see_other(url: str) -> Redirect:
    """Post/redirect/get: a 303 to the page that shows the result."""
    return Redirect(path=url, status_code=303)


def article_url(slug: str, *parts: str) -> str:
    """``/admin/articles/{slug}/...`` with each part escaped."""
    return "/".join([f"{PREFIX}/articles/{quote(slug, safe='')}", *map(quote, parts)])


async def form_fields(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The posted form's text fields (an upload, never expected here, is left out)."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


def done(request: Request[Any, Any, Any], slug: str, message: str, *parts: str) -> Response[Any]:
    """After an action: the notice kept with the session (a link cannot make the page say
    anything), then to the article's page (or ``parts`` below it)."""
    flash(request, message)
    return see_other(article_url(slug, *parts))
