"""The SSRF guard of chain/net.py: which addresses count as public, and that an unsafe one is
refused before any connection is made."""

import socket
import threading

import pytest

from chain.exceptions import UnsafeUrl
from chain.net import Answer, NetworkError, check_url, is_public_address, request


@pytest.fixture
def private_urls_refused(settings):
    settings.CHAIN_ALLOW_PRIVATE_URLS = False  # as in production (conftest allows them)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "169.254.169.254",
        "::1",
        "::",
        "fe80::1",
        "fd00::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "::127.0.0.1",  # IPv4-compatible
        "::10.0.0.1",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b:1::808:808",  # local-use NAT64: never public
        "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "2001:0:808:808::7f00:1",  # Teredo to a public server
    ],
)
def test_private_local_and_ipv4_embedding_addresses_are_not_public(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",  # NAT64 of a public address: an IPv6-only host reaching 8.8.8.8
        "2002:808:808::1",
    ],
)
def test_public_addresses_and_ipv6_forms_of_public_ipv4_addresses_are_public(address):
    assert is_public_address(address) is True


@pytest.mark.parametrize(
    "url",
    [
        "https://[::127.0.0.1]/",
        "https://[64:ff9b::a9fe:a9fe]/latest/",
        "https://[2002:a9fe:a9fe::]/",
    ],
)
def test_urls_at_ipv6_addresses_embedding_a_private_ipv4_are_refused(private_urls_refused, url):
    with pytest.raises(UnsafeUrl) as refusal:
        check_url(url, field="base_url")
    assert refusal.value.field == "base_url"


@pytest.mark.parametrize("url", ["https://qtsc.example:99999/", "https://qtsc.example:port/"])
def test_a_url_with_an_impossible_port_is_refused_on_its_field(url):
    with pytest.raises(UnsafeUrl) as refusal:
        check_url(url, field="base_url")
    assert (refusal.value.field, refusal.value.detail) == (
        "base_url",
        "The URL's port is not a number from 1 to 65535.",
    )


class RecordingListener:
    """A loopback TCP listener that counts the connections it receives, then drops them."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self):
        self.sock.close()


@pytest.fixture
def listener():
    listener = RecordingListener()
    yield listener
    listener.close()


def test_a_host_resolving_to_a_private_address_is_refused_before_connecting(
    private_urls_refused, listener
):
    with pytest.raises(NetworkError) as refusal:
        request("GET", f"https://localhost:{listener.port}/")
    assert str(refusal.value) == (
        "UnsafeUrl: The host localhost resolves to a private or local address."
    )
    assert listener.connections == 0  # not even a TCP handshake, let alone TLS


def test_the_request_goes_to_the_resolved_address_with_the_urls_host(settings):
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.client_address[0], self.headers["Host"], self.path))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.handle_request, daemon=True).start()
    try:
        answer = request("GET", f"http://localhost:{server.server_port}/ping?x=1")
    finally:
        server.server_close()
    assert answer.status == 204
    assert seen == [("127.0.0.1", f"localhost:{server.server_port}", "/ping?x=1")]


def test_an_answer_nested_too_deep_to_parse_is_not_json_rather_than_a_crash():
    answer = Answer(status=200, body=b"[" * 100_000 + b"]" * 100_000, headers={})

    with pytest.raises(ValueError, match="nested too deep"):
        answer.json()
