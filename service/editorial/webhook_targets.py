"""Where webhooks may go: http(s) URLs whose host resolves only to public addresses.

Without this, a subscription could make the server call into its own network (SSRF): its
loopback, private, link-local (cloud metadata), shared or reserved addresses. The check runs on
subscribing and again before every attempt, since DNS answers can change. It does not pin the
checked address for the connection itself, so a host re-resolving within that instant (DNS
rebinding) is not covered.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

RESOLVE_TIMEOUT_S = 3.0
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL may not receive webhooks; the message says why."""


def _host_and_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise TargetRefused(f"{url} is not an http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(f"{url} carries credentials; put them in the path or query")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused(f"{url} has an invalid port") from None
    if not parts.hostname:
        raise TargetRefused(f"{url} has no host")
    return parts.hostname, port


def is_public_address(address: IPAddress) -> bool:
    """True for a globally routable unicast address (an IPv4-mapped IPv6 one is judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    restricted = (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )
    return address.is_global and not restricted


async def resolve(host: str, port: int, timeout: float = RESOLVE_TIMEOUT_S) -> list[IPAddress]:
    """Every address the host resolves to (an address literal is itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError:
        raise TargetRefused(f"{host} did not resolve within {timeout:g} s") from None
    except OSError as error:
        raise TargetRefused(f"{host} does not resolve: {error}") from None
    return [ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in infos]


async def check_target(url: str, *, allow_private: bool) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to any non-public address."""
    host, port = _host_and_port(url)
    if allow_private:
        return  # nothing to refuse, so no need to ask DNS
    for address in await resolve(host, port):
        if not is_public_address(address):
            raise TargetRefused(
                f"{url} points at {address}, a loopback, private, link-local or reserved "
                "address; webhooks go to public addresses only (ALLOW_PRIVATE_WEBHOOKS is off)"
            )
