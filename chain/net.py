"""Outgoing HTTP to partners, behind the SSRF guard (design/sync.md).

https only, and never to private, loopback, link-local or otherwise non-public addresses,
unless `CHAIN_ALLOW_PRIVATE_URLS` (development and tests). URLs are checked when saved, and
the address actually connected to is checked again, so a DNS answer that changes between the
check and the request (rebinding) is refused too. No redirects are followed.
"""

import http.client
import ipaddress
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from chain.exceptions import UnsafeUrl

TIMEOUT_SECONDS = 10
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
USER_AGENT = "softpark-chain/1"


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, field: str = "url", resolve: bool = True) -> None:
    """Refuse a URL that the SSRF rules forbid (400 on `field`)."""
    parts = urlsplit(url)
    allow_private = settings.CHAIN_ALLOW_PRIVATE_URLS
    if parts.scheme not in ({"https", "http"} if allow_private else {"https"}):
        raise UnsafeUrl(_("Only https:// URLs are allowed."), field=field)
    if not parts.hostname:
        raise UnsafeUrl(_("The URL has no host."), field=field)
    if allow_private or not resolve:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        # Not resolvable (yet): nothing to reach now; the address actually connected to is
        # checked at every request.
        return
    for info in infos:
        if not _is_public(info[4][0]):
            raise UnsafeUrl(
                _("The host %(host)s resolves to a private or local address.")
                % {"host": parts.hostname},
                field=field,
            )


def _check_peer(sock) -> None:
    if settings.CHAIN_ALLOW_PRIVATE_URLS:
        return
    address = sock.getpeername()[0]
    if not _is_public(address):
        sock.close()
        raise UnsafeUrl(_("Connected to a private or local address: refused."))


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        _check_peer(self.sock)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        super().connect()
        _check_peer(self.sock)


class NetworkError(Exception):
    """No answer: refused, timed out, reset, TLS failure, or an unsafe address."""


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self):
        return json.loads(self.body)


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers=None,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> Answer:
    """One request, no redirects; NetworkError when there is no HTTP answer, or when the
    body is longer than `max_bytes` (at most max_bytes + 1 bytes are read)."""
    check_url(url, resolve=False)  # the scheme; the address is checked on connect
    parts = urlsplit(url)
    connection_class = (
        _GuardedHTTPSConnection if parts.scheme == "https" else _GuardedHTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request(
            method,
            path,
            body=body,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
        )
        response = connection.getresponse()
        data = response.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise NetworkError(
                f"The answer from {parts.hostname} is larger than {max_bytes} bytes."
            )
        return Answer(response.status, data, {k.lower(): v for k, v in response.getheaders()})
    except (OSError, http.client.HTTPException, UnsafeUrl) as error:
        raise NetworkError(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
