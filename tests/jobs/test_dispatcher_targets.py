"""Where webhooks may go, and that each attempt connects to the address that was checked."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import logging
import socket
from typing import Any

import httpx
import pytest

from service.config import Settings
from service.editorial.webhook_targets import (
    TargetRefused,
    check_target,
    is_public_address,
    loggable_url,
)
from service.jobs.dispatcher import Dispatcher
from service.store.db import ContentDB
from tests.http_servers import Receiver
from tests.jobs.dispatching import received, running, until
from tests.store.outbox_rows import delivery_rows, record_event
from tests.store.outbox_rows import subscribe as subscribe_directly

# Ranges that Python's ipaddress counts as global but that lead into private networks.
TUNNELLED = [
    ("2002:c0a8:101::1", "6to4 of 192.168.1.1"),
    ("2002:0808:0808::1", "6to4 of a public address is still a tunnel"),
    ("fec0::1", "site-local"),
    ("64:ff9b::a00:1", "NAT64 of 10.0.0.1"),
    ("64:ff9b:1::1", "local-use NAT64"),
]


@pytest.mark.parametrize("address", [case[0] for case in TUNNELLED], ids=[c[1] for c in TUNNELLED])
def test_tunnelled_and_site_local_ipv6_are_not_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is False


def test_a_public_ipv6_address_stays_public() -> None:
    assert is_public_address(ipaddress.ip_address("2606:4700:4700::1111")) is True


def test_checking_a_6to4_literal_is_refused() -> None:
    with pytest.raises(TargetRefused, match="public addresses only"):
        asyncio.run(check_target("http://[2002:c0a8:101::1]/hook", allow_private=False))


LOGGABLE = [
    ("https://user:pw@hooks.example.com/in?token=s3cret#x", "https://hooks.example.com/in"),
    ("http://hooks.example.com:8080/a/b?sig=1", "http://hooks.example.com:8080/a/b"),
    ("http://[2606:4700::1]:81/x?k=v", "http://[2606:4700::1]:81/x"),
]


@pytest.mark.parametrize(("url", "shown"), LOGGABLE, ids=["credentials", "port", "ipv6"])
def test_logged_urls_carry_no_query_or_credentials(url: str, shown: str) -> None:
    assert loggable_url(url) == shown


class FlippingResolver:
    """The system resolver, except that ``rebind.test`` answers 127.0.0.1 once and then
    127.0.0.2, as a rebinding DNS server would after the check."""

    def __init__(self) -> None:
        self.real = socket.getaddrinfo
        self.lookups = 0

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return self.real(host, port, *args, **kwargs)
        self.lookups += 1
        address = "127.0.0.1" if self.lookups == 1 else "127.0.0.2"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]


def test_delivery_connects_to_the_checked_address_with_the_hosts_name(
    seeded_db: ContentDB,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    resolver = FlippingResolver()
    monkeypatch.setattr(socket, "getaddrinfo", resolver)

    async def scenario() -> Any:
        with Receiver() as receiver:  # listens on 127.0.0.1 only
            url = f"http://rebind.test:{receiver.port}/hook?token=s3cret"
            subscribe_directly(seeded_db, url)
            async with running(Dispatcher(seeded_db, settings)):
                record_event(seeded_db)
                (got,) = await received(receiver, 1)
                await until(lambda: delivery_rows(seeded_db)[0]["state"] == "delivered")
            return got, receiver.port

    with caplog.at_level(logging.INFO, logger="service.webhooks"):
        got, port = asyncio.run(scenario())
    assert got.headers["host"] == f"rebind.test:{port}"
    assert got.path == "/hook?token=s3cret"
    assert resolver.lookups == 1
    assert "delivered" in caplog.text
    assert "s3cret" not in caplog.text


class RebindingResolver:
    """``rebind.test`` resolves to a public address first and to a private one afterwards."""

    def __init__(self) -> None:
        self.real = socket.getaddrinfo
        self.lookups = 0

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return self.real(host, port, *args, **kwargs)
        self.lookups += 1
        address = "93.184.215.14" if self.lookups == 1 else "10.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]


def test_an_attempt_never_resolves_the_host_again_after_the_check(
    seeded_db: ContentDB, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # httpx's in-memory transport stands in for the network (nothing leaves the machine): it
    # shows where the client would have connected.
    monkeypatch.setattr(socket, "getaddrinfo", RebindingResolver())
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    public_only = dataclasses.replace(settings, allow_private_webhooks=False)
    dispatcher = Dispatcher(seeded_db, public_only, transport=httpx.MockTransport(answer))

    async def scenario() -> None:
        subscribe_directly(seeded_db, "https://rebind.test/hook?k=v")
        async with running(dispatcher):
            record_event(seeded_db)
            await until(lambda: delivery_rows(seeded_db)[0]["state"] == "delivered")

    asyncio.run(scenario())
    (request,) = sent
    assert str(request.url) == "https://93.184.215.14/hook?k=v"
    assert request.headers["host"] == "rebind.test"
    assert request.extensions["sni_hostname"] == "rebind.test"
