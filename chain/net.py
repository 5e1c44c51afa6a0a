"""Outgoing HTTP to partners, behind the SSRF guard (design/sync.md).

https only, and never to private, loopback, link-local or otherwise non-public addresses,
unless `CHAIN_ALLOW_PRIVATE_URLS` (development and tests). URLs are checked when saved, and
at every request the host is resolved once, every address it resolves to is vetted, and the
connection goes to those vetted addresses only (the Host header and TLS, SNI and certificate
check, stay the URL's host): a DNS answer that changes between the check and the request
(rebinding) reaches nothing, and a refused address never sees a TCP handshake. No redirects
are followed.
"""

import http.client
import ipaddress
import json
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from chain.exceptions import UnsafeUrl

TIMEOUT_SECONDS = 10
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
USER_AGENT = "softpark-chain/1"

# IPv6 ranges that carry an IPv4 address in their last 32 bits (RFC 4291 IPv4-compatible,
# RFC 6052 NAT64): the embedded address is what is really reached, so it is the one vetted.
_IPV4_IN_LAST_32_BITS = (ipaddress.ip_network("::/96"), ipaddress.ip_network("64:ff9b::/96"))
# Refused as whole ranges: local-use NAT64 (RFC 8215) is local by definition, and Teredo
# (RFC 4380) tunnels to a server and a client whose addresses we cannot both vouch for.
_REFUSED_IPV6 = (ipaddress.ip_network("64:ff9b:1::/48"), ipaddress.ip_network("2001::/32"))


def is_public_address(address: str) -> bool:
    """Whether `address` (an IP, IPv6 zone allowed) is a public unicast address; an IPv6
    address that embeds an IPv4 one (mapped, compatible, NAT64, 6to4) is judged by that."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in _REFUSED_IPV6):
            return False
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and any(ip in network for network in _IPV4_IN_LAST_32_BITS):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def _split(url: str, *, field: str) -> tuple[SplitResult, int]:
    """The URL's parts and port, or UnsafeUrl on `field` for a scheme, host or port we
    never call."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # "Port out of range 0-65535", a port that is not a number, bad [...]
        raise UnsafeUrl(_("The URL's port is not a number from 1 to 65535."), field=field) from None
    allow_private = settings.CHAIN_ALLOW_PRIVATE_URLS
    if parts.scheme not in ({"https", "http"} if allow_private else {"https"}):
        raise UnsafeUrl(_("Only https:// URLs are allowed."), field=field)
    if not parts.hostname:
        raise UnsafeUrl(_("The URL has no host."), field=field)
    if port == 0:
        raise UnsafeUrl(_("The URL's port is not a number from 1 to 65535."), field=field)
    return parts, port or (443 if parts.scheme == "https" else 80)


def _vet(host: str, infos: list, *, field: str) -> None:
    if settings.CHAIN_ALLOW_PRIVATE_URLS:
        return
    for info in infos:
        if not is_public_address(info[4][0]):
            raise UnsafeUrl(
                _("The host %(host)s resolves to a private or local address.") % {"host": host},
                field=field,
            )


def _resolve(host: str, port: int) -> list:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)


def check_url(url: str, *, field: str = "url", resolve: bool = True) -> None:
    """Refuse a URL that the SSRF rules forbid (400 on `field`)."""
    parts, port = _split(url, field=field)
    if settings.CHAIN_ALLOW_PRIVATE_URLS or not resolve:
        return
    try:
        infos = _resolve(parts.hostname, port)
    except (OSError, UnicodeError):
        # Not resolvable (yet): nothing to reach now; every request resolves and vets again.
        return
    _vet(parts.hostname, infos, field=field)


class _VettedAddressesMixin:
    """Connects to the addresses resolved and vetted before the request, never to a second
    DNS answer. http.client opens its socket through `_create_connection`; the Host header
    and (for https) the TLS server name and certificate check stay `self.host`."""

    def __init__(self, *args, addresses: list, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses = addresses
        self._create_connection = self._connect_vetted

    def _connect_vetted(self, _address, timeout, source_address=None):
        error: OSError = OSError("The host resolves to no address.")
        for family, kind, proto, _name, sockaddr in self._addresses:
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                return sock
            except OSError as failed:  # the next address, as socket.create_connection does
                sock.close()
                error = failed
        raise error


class _VettedHTTPConnection(_VettedAddressesMixin, http.client.HTTPConnection):
    pass


class _VettedHTTPSConnection(_VettedAddressesMixin, http.client.HTTPSConnection):
    pass


class NetworkError(Exception):
    """No answer: refused, timed out, reset, TLS failure, or an unsafe address."""


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self):
        """The body as JSON; ValueError for anything else, a body nested so deep that the
        parser runs out of stack included (a hostile or broken partner must not crash a sync)."""
        try:
            return json.loads(self.body)
        except RecursionError:
            raise ValueError("the JSON answer is nested too deep") from None


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers=None,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> Answer:
    """One request, no redirects; NetworkError when there is no HTTP answer, the URL or an
    address its host resolves to is refused by the guard, or the body is longer than
    `max_bytes` (at most max_bytes + 1 bytes are read)."""
    try:
        parts, port = _split(url, field="url")
        infos = _resolve(parts.hostname, port)
        _vet(parts.hostname, infos, field="url")  # before any connection is opened
    except (OSError, UnicodeError, UnsafeUrl) as error:
        raise NetworkError(f"{type(error).__name__}: {getattr(error, 'detail', error)}") from error
    connection_class = _VettedHTTPSConnection if parts.scheme == "https" else _VettedHTTPConnection
    connection = connection_class(
        parts.hostname, parts.port, timeout=TIMEOUT_SECONDS, addresses=infos
    )
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
    except (OSError, http.client.HTTPException) as error:
        raise NetworkError(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
