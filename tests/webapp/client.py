"""Driving the web app in process like a browser: signing in, reading and posting its forms."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

from schema.admin import Role
from tests.conftest import EDITOR, REVIEWER, SLUG, Client

ARTICLE = f"/admin/articles/{SLUG}"
THERAPIES = f"{ARTICLE}/sections/therapy-types"


class FormFields(HTMLParser):
    """The fields of one form in a page, as the browser would send them unchanged."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.fields: dict[str, str] = {}
        self._inside = False
        self._open: tuple[str, str] | None = None  # (tag, name) of a textarea or select

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Collect named inputs, selected options and textareas inside the form."""
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._inside = a.get("id") == self.form_id
        if not self._inside:
            return
        if tag == "input" and a.get("name") and a.get("type") != "checkbox":
            self.fields[a["name"]] = a.get("value", "")
        elif tag in ("textarea", "select") and a.get("name"):
            self._open = (tag, a["name"])
            self.fields.setdefault(a["name"], "")
        elif tag == "option" and self._open and "selected" in a:
            self.fields[self._open[1]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        """Close the form or the open textarea or select."""
        if tag == "form":
            self._inside = False
        if self._open and tag == self._open[0]:
            self._open = None

    def handle_data(self, data: str) -> None:
        """A textarea's text (the browser drops one leading newline)."""
        if self._open and self._open[0] == "textarea":
            name = self._open[1]
            self.fields[name] += data.removeprefix("\n") if not self.fields[name] else data


def form_of(page: str, form_id: str = "editor") -> dict[str, str]:
    """The named fields of a form in a page."""
    parser = FormFields(form_id)
    parser.feed(page)
    return parser.fields


def hidden_value(page: str, name: str) -> str:
    """The value of the first hidden field with this name in a page."""
    match = re.search(f'name="{re.escape(name)}" value="([^"]*)"', page)
    assert match is not None, f"no field {name!r} in the page"
    return html.unescape(match.group(1))


def sign_in(client: Client, token: str) -> str:
    """Sign in with an API token; returns the session's CSRF token."""
    page = client.get("/admin/sign-in")
    response = client.post(
        "/admin/sign-in",
        data={"_csrf": hidden_value(page.text, "_csrf"), "token": token, "next": "/admin/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return hidden_value(client.get("/admin/").text, "_csrf")


def save_therapies(client: Client, **changes: str) -> tuple[int, str]:
    """Open the therapy section's form, change fields, save; the status and the page."""
    fields = form_of(client.get(THERAPIES).text)
    response = client.post(THERAPIES, data={**fields, **changes, "_op": "save"})
    return response.status_code, response.text


def submitted_for_review(
    editor: Client, reviewer: Client, token_of: Callable[[str, Role], str]
) -> tuple[str, str]:
    """The editor lowers the IV maximum and submits, the reviewer signs in; their CSRF tokens."""
    editor_csrf = sign_in(editor, token_of(EDITOR, "editor"))
    save_therapies(editor, **{"therapies[0].dose.max": "0.9"})
    editor.post(f"{ARTICLE}/submit", data={"_csrf": editor_csrf})
    return editor_csrf, sign_in(reviewer, token_of(REVIEWER, "reviewer"))
