"""What a screen reader and a keyboard get from the server-rendered pages: required inputs,
errors tied to their inputs, the error summary, the notice that takes focus, the preview that
is not a live region, the favicon, the audit log's order, the history's breadcrumb."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from schema.admin import Role
from tests.conftest import ADMIN, EDITOR, SLUG
from tests.html_documents import Document, Element
from tests.webapp.client import ARTICLE, THERAPIES, Client, form_of, save_therapies, sign_in

DOSE_ERROR = "Maximum dose (1 mg/kg) must not be less than the minimum (2 mg/kg)"


def by_id(document: Document) -> dict[str, Element]:
    """The page's elements by id."""
    return {str(e.attrs["id"]): e for e in document.elements if e.attrs.get("id")}


def test_required_inputs_say_so_and_optional_ones_do_not(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    elements = by_id(Document(client.get(THERAPIES).text))
    # By hand, from the model: a therapy needs a name and a body; its route, its dose and its
    # duration are optional (an optional group left wholly empty means none).
    for required in ("f-title", "f-therapies-0-name", "f-therapies-0-body"):
        assert "required" in elements[required].attrs, required
    for optional in (
        "f-therapies-0-route",
        "f-therapies-0-dose-min",
        "f-therapies-0-dose-unit",
        "f-therapies-0-duration-minutes-min",
        "f-therapies-0-duration-minutes-max",
    ):
        assert "required" not in elements[optional].attrs, optional


def test_the_required_star_is_hidden_from_screen_readers(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    page = client.get(THERAPIES).text
    stars = re.findall(r'<span class="required"[^>]*>\*</span>', page)
    assert stars and all('aria-hidden="true"' in star for star in stars)


def test_the_dose_groups_error_is_tied_to_each_of_its_inputs(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    status, page = save_therapies(
        client, **{"therapies[0].dose.min": "2", "therapies[0].dose.max": "1"}
    )
    assert status == 422
    elements = by_id(Document(page))
    for part in ("min", "max", "unit"):
        field = elements[f"f-therapies-0-dose-{part}"]
        assert field.attrs.get("aria-invalid") == "true", part
        described = str(field.attrs.get("aria-describedby", "")).split()
        assert "f-therapies-0-dose-error" in described, part
    assert DOSE_ERROR in page
    assert "`min`" not in page and "`max`" not in page
    # The other therapies' doses are not marked.
    assert "aria-invalid" not in elements["f-therapies-1-dose-min"].attrs


def test_every_aria_describedby_names_an_element_of_the_page(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    _, invalid = save_therapies(
        client, **{"therapies[0].dose.min": "2", "therapies[0].dose.max": "1", "title": ""}
    )
    pages = [invalid, client.get(THERAPIES).text, client.get(f"{ARTICLE}/fields").text]
    for page in pages:
        document = Document(page)
        ids = set(by_id(document))
        named = [
            name
            for element in document.elements
            for name in str(element.attrs.get("aria-describedby") or "").split()
        ]
        assert named
        assert set(named) <= ids, set(named) - ids
        # And every in-page link (the skip link, the error summary's) leads somewhere.
        targets = {
            str(e.attrs["href"])[1:]
            for e in document.find_all("a")
            if str(e.attrs.get("href", "")).startswith("#")
        }
        assert targets and targets <= ids, targets - ids


def test_a_failed_save_puts_an_error_summary_first_that_links_to_each_field(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    _, page = save_therapies(client, **{"therapies[0].dose.min": "2", "therapies[0].dose.max": "1"})
    summary = page[
        page.index('id="error-summary"') : page.index("</div>", page.index("error-summary"))
    ]
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert "There is a problem" in summary
    links = [
        (target, html.unescape(text))
        for target, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    ]
    assert links == [
        (
            "f-therapies-0-dose-min",
            f"Therapies > Therapy 1: Intravenous (IV) Infusion Therapy > Dose: {DOSE_ERROR}",
        ),
    ]
    # Nothing focusable comes before it in the form, and no input takes focus from it.
    form = page[page.index('<form id="editor"') :]
    assert form.index('id="error-summary"') < form.index('<input type="text"')
    assert page.count("autofocus") == 1


def test_a_saved_form_focuses_its_notice(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    fields = form_of(client.get(THERAPIES).text)
    saved = client.post(
        THERAPIES,
        data={**fields, "therapies[0].dose.max": "0.9", "_op": "save"},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    assert re.search(
        r'<p class="notice ok" role="status" id="saved" tabindex="-1" autofocus>', saved.text
    )
    assert saved.text.count("autofocus") == 1


def test_the_markdown_preview_is_not_a_live_region(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    document = Document(client.get(THERAPIES).text)
    previews = [e for e in document.elements if "md-preview" in str(e.attrs.get("class"))]
    assert previews
    assert all("aria-live" not in e.attrs and e.attrs.get("role") != "status" for e in previews)


def test_every_page_names_an_icon_that_exists(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    pages = ["/admin/sign-in"]
    sign_in(client, token_of(ADMIN, "admin"))
    pages += [
        "/admin/",
        ARTICLE,
        THERAPIES,
        f"{ARTICLE}/history",
        "/admin/audit",
        "/admin/articles/no-such",
    ]
    for path in pages:
        links = [
            e for e in Document(client.get(path).text).find_all("link") if e.attrs["rel"] == "icon"
        ]
        assert len(links) == 1, path
        icon = client.get(str(links[0].attrs["href"]))
        assert icon.status_code == 200
        assert icon.headers["content-type"].startswith("image/svg+xml")


def test_the_forms_load_the_unsaved_changes_warning_from_this_origin(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    document = Document(client.get(THERAPIES).text)
    sources = [str(e.attrs.get("src")) for e in document.find_all("script")]
    assert "/admin/static/admin.js" in sources
    assert [e for e in document.find_all("form") if "data-warn-unsaved" in e.attrs]
    script = client.get("/admin/static/admin.js")
    assert script.status_code == 200 and "beforeunload" in script.text


def test_the_audit_log_is_newest_first_to_the_second(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(ADMIN, "admin"))
    save_therapies(client, **{"therapies[0].dose.max": "0.9"})
    save_therapies(client, **{"therapies[0].dose.max": "0.8"})
    document = Document(client.get("/admin/audit").text)
    rows = next(t for t in document.tables if t and t[0][:2] == ["#", "When"])[1:]
    ids = [int(row[0]) for row in rows]
    assert ids == sorted(ids, reverse=True) and len(ids) >= 3
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", row[1]) for row in rows)
    assert rows[0][3] == "section saved"


def test_the_audit_log_pages_back_to_older_entries(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(ADMIN, "admin"))
    for maximum in ("0.9", "0.8", "0.7"):
        save_therapies(client, **{"therapies[0].dose.max": maximum})
    newest = Document(client.get("/admin/audit").text)
    rows = next(t for t in newest.tables if t and t[0][0] == "#")[1:]
    top = int(rows[0][0])
    older = Document(client.get("/admin/audit", params={"before": str(top)}).text)
    older_rows = next(t for t in older.tables if t and t[0][0] == "#")[1:]
    assert [int(r[0]) for r in older_rows] == [int(r[0]) for r in rows[1:]]
    assert client.get("/admin/audit", params={"before": "x"}).status_code == 400


def test_history_and_revision_breadcrumbs_name_the_article_by_its_title(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    for path in (f"{ARTICLE}/history", f"{ARTICLE}/history/1"):
        page = client.get(path).text
        crumbs = page[page.index('<p class="crumbs">') : page.index("</p>", page.index("crumbs"))]
        assert f'<a href="/admin/articles/{SLUG}">Ketamine therapy for anxiety</a>' in crumbs
        assert f">{SLUG}<" not in crumbs


def test_history_cells_are_labelled_for_the_phone_layout(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    document = Document(client.get(f"{ARTICLE}/history").text)
    labels = {e.attrs.get("data-label") for e in document.find_all("td")}
    assert {"Published", "Reviewed by"} <= labels
