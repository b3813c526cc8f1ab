"""Which webhook targets count as public: global unicast addresses only."""

from __future__ import annotations

import ipaddress

import pytest

from service.editorial.webhook_targets import is_public_address


@pytest.mark.parametrize(
    ("address", "is_public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("172.16.5.4", False),
        ("192.0.2.1", False),
        ("240.0.0.1", False),
    ],
    ids=[
        "public-v4",
        "public-v6",
        "loopback-v4",
        "loopback-v6",
        "mapped-loopback",
        "mapped-private",
        "link-local-v6",
        "unique-local-v6",
        "private-172",
        "documentation",
        "reserved",
    ],
)
def test_only_global_unicast_addresses_are_public(address: str, is_public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is is_public
