"""The receivers' helper: Standard Webhooks signatures, and the refusals that protect receivers."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from service.channels import webhook_signature as verify_module
from service.channels.webhook_payload import new_secret, signed_headers
from service.channels.webhook_signature import WebhookVerificationError, sign, verify

NOW = 1_800_000_000
BODY = b'{"type":"article.published","data":{"article":"a","revision":2}}'
SECRET = new_secret()


def headers_for(body: bytes = BODY, secret: str = SECRET, at: int = NOW) -> dict[str, str]:
    """The headers the dispatcher sends for ``body``."""
    return signed_headers("msg_test", at, body, (secret,))


def test_the_standard_webhooks_reference_vector_signs_alike() -> None:
    # The test vector of the Standard Webhooks reference libraries: receivers using any of
    # them verify our signatures.
    signature = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_an_authentic_fresh_message_verifies() -> None:
    verify(SECRET, headers_for(), BODY, now=NOW + 299)


def test_header_names_are_case_insensitive() -> None:
    headers = {name.title(): value for name, value in headers_for().items()}
    verify(SECRET, headers, BODY, now=NOW)


def test_any_one_of_several_signatures_is_enough() -> None:
    old, new = new_secret(), new_secret()
    headers = signed_headers("msg_test", NOW, BODY, (new, old))
    assert len(headers["webhook-signature"].split()) == 2
    verify(old, headers, BODY, now=NOW)
    verify(new, headers, BODY, now=NOW)


def _without(name: str) -> dict[str, str]:
    return {key: value for key, value in headers_for().items() if key != name}


@pytest.mark.parametrize(
    ("secret", "headers", "body", "now", "message"),
    [
        (SECRET, headers_for(), BODY.replace(b"2", b"3"), NOW, "no signature matches"),
        (new_secret(), headers_for(), BODY, NOW, "no signature matches"),
        (SECRET, headers_for(), BODY, NOW + 301, "outside the 300 s tolerance"),
        (SECRET, headers_for(), BODY, NOW - 301, "outside the 300 s tolerance"),
        (SECRET, _without("webhook-signature"), BODY, NOW, "missing header: webhook-signature"),
        (SECRET, _without("webhook-id"), BODY, NOW, "missing header: webhook-id"),
        (SECRET, _without("webhook-timestamp"), BODY, NOW, "missing header: webhook-timestamp"),
        (
            SECRET,
            {**headers_for(), "webhook-timestamp": "yesterday"},
            BODY,
            NOW,
            "not unix seconds",
        ),
        (
            SECRET,
            {**headers_for(), "webhook-id": "msg_other"},
            BODY,
            NOW,
            "no signature matches",
        ),
        (
            SECRET,
            {**headers_for(), "webhook-signature": headers_for()["webhook-signature"][3:]},
            BODY,
            NOW,
            "no signature matches",
        ),
        (
            SECRET,
            {**headers_for(), "webhook-signature": "v2," + headers_for()["webhook-signature"][3:]},
            BODY,
            NOW,
            "no signature matches",
        ),
        ("whsec_not base64!", headers_for(), BODY, NOW, "not `whsec_` followed by base64"),
    ],
    ids=[
        "tampered-body",
        "wrong-secret",
        "timestamp-too-old",
        "timestamp-in-the-future",
        "no-signature",
        "no-id",
        "no-timestamp",
        "timestamp-not-a-number",
        "other-message-id",
        "signature-without-version",
        "unknown-version",
        "malformed-secret",
    ],
)
def test_verify_refuses(
    secret: str, headers: dict[str, str], body: bytes, now: int, message: str
) -> None:
    with pytest.raises(WebhookVerificationError, match=message):
        verify(secret, headers, body, now=now)


def test_tolerance_is_adjustable() -> None:
    with pytest.raises(WebhookVerificationError):
        verify(SECRET, headers_for(), BODY, now=NOW + 61, tolerance_seconds=60)
    verify(SECRET, headers_for(), BODY, now=NOW + 3600, tolerance_seconds=3600)


def test_the_helper_uses_only_the_standard_library_so_receivers_can_copy_it() -> None:
    tree = ast.parse(Path(verify_module.__file__).read_text())
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    top_level = {name.partition(".")[0] for name in imported}
    assert top_level <= sys.stdlib_module_names | {"__future__"}, top_level
