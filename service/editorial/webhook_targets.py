"""Where webhooks may go: http(s) URLs whose host resolves only to public addresses.

Without this, a subscription could make the server call into its own network (SSRF): its
loopback, private, link-local (cloud metadata), shared or reserved addresses. The check runs on
subscribing and again before every attempt, since DNS answers can change, and each attempt then
connects to the very address that passed (the URL's host kept as ``Host`` and TLS SNI), so a
host re-resolving between the check and the connection (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

RESOLVE_TIMEOUT_S = 3.0
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Ranges Python counts as global that still reach into someone's network: 6to4 and NAT64 embed
# an IPv4 address (possibly a private one); site-local is deprecated but still routed inside.
_TUNNELLED_OR_INTERNAL = tuple(
    ipaddress.ip_network(net)
    for net in ("2002::/16", "64:ff9b::/96", "64:ff9b:1::/48", "fec0::/10")
)


@dataclass(frozen=True)
class PinnedTarget:
    """A checked URL rewritten to connect to the address that passed the check."""

    url: str
    host_header: str
    sni_hostname: str


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
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        elif any(address in network for network in _TUNNELLED_OR_INTERNAL):
            return False
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


async def check_target(url: str, *, allow_private: bool) -> list[IPAddress]:
    """Refuse a URL that is not http(s) or whose host resolves to any non-public address;
    return the addresses that passed."""
    host, port = _host_and_port(url)
    addresses = await resolve(host, port)
    if not allow_private:
        for address in addresses:
            if not is_public_address(address):
                raise TargetRefused(
                    f"{loggable_url(url)} points at {address}, a loopback, private, link-local "
                    "or reserved address; webhooks go to public addresses only "
                    "(ALLOW_PRIVATE_WEBHOOKS is off)"
                )
    return addresses


async def pin_target(url: str, *, allow_private: bool) -> PinnedTarget:
    """Check the URL and name the connection by the first address that passed."""
    addresses = await check_target(url, allow_private=allow_private)
    parts = urlsplit(url)
    host, port = _host_and_port(url)
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    default_port = 443 if parts.scheme == "https" else 80
    netloc = literal if parts.port is None else f"{literal}:{port}"
    host_header = host if port == default_port else f"{host}:{port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return PinnedTarget(url=pinned, host_header=host_header, sni_hostname=host)


def loggable_url(url: str) -> str:
    """The URL without credentials, query or fragment, which may carry secrets."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
