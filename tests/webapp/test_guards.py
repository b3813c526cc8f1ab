"""Guarded actions in process: a post without the confirmation changes nothing, and the
schedule field's time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from schema.admin import Role
from service.errors import InvalidInput
from service.webapp.actions import parse_publish_time
from tests.conftest import EDITOR, SLUG
from tests.webapp.client import ARTICLE, Client, sign_in

PUBLIC = f"/v1/articles/{SLUG}"


def test_unpublish_without_the_confirmation_goes_to_the_question(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    csrf = sign_in(client, token_of(EDITOR, "editor"))

    asked = client.post(f"{ARTICLE}/unpublish", data={"_csrf": csrf}, follow_redirects=False)

    assert (asked.status_code, asked.headers["location"]) == (303, f"{ARTICLE}/unpublish")
    assert client.get(PUBLIC).status_code == 200
    question = client.get(f"{ARTICLE}/unpublish").text
    assert "Readers will no longer see this article" in question
    assert 'name="confirm" value="yes"' in question
    done = client.post(f"{ARTICLE}/unpublish", data={"_csrf": csrf, "confirm": "yes"})
    assert "Unpublished" in done.text
    assert client.get(PUBLIC).status_code == 404
    assert "Republish" in client.get(ARTICLE).text


def test_rollback_without_the_confirmation_goes_to_the_question(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    csrf = sign_in(client, token_of(EDITOR, "editor"))
    asked = client.post(
        f"{ARTICLE}/rollback", data={"_csrf": csrf, "revision": "1"}, follow_redirects=False
    )
    assert (asked.status_code, asked.headers["location"]) == (
        303,
        f"{ARTICLE}/rollback?revision=1",
    )


# (field value, offset field, the UTC instant it means)
TIMES = [
    ("no offset: UTC, as the label says", "2999-01-02T09:00", "", datetime(2999, 1, 2, 9, 0)),
    ("Berlin in winter", "2999-01-02T09:00", "60", datetime(2999, 1, 2, 8, 0)),
    ("New York in summer", "2999-07-02T09:00", "-240", datetime(2999, 7, 2, 13, 0)),
    ("an offset that is no number is ignored", "2999-01-02T09:00", "x", datetime(2999, 1, 2, 9)),
    ("an offset beyond any zone is ignored", "2999-01-02T09:00", "9999", datetime(2999, 1, 2, 9)),
]


@pytest.mark.parametrize(
    ("text", "offset", "meant"), [t[1:] for t in TIMES], ids=[t[0] for t in TIMES]
)
def test_the_schedule_field_is_read_in_the_browsers_zone(
    text: str, offset: str, meant: datetime
) -> None:
    assert parse_publish_time(text, offset) == meant.replace(tzinfo=UTC)


def test_an_empty_schedule_field_means_now_and_a_word_is_refused() -> None:
    assert parse_publish_time("  ", "60") is None
    with pytest.raises(InvalidInput):
        parse_publish_time("tomorrow", "")
