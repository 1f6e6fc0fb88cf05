"""Where a webhook may be sent, and a connection that goes only there, within a deadline.

An endpoint URL is typed by staff, but the request is made from inside our network: left
unchecked it could reach the database, the cache, a cloud's metadata service or an admin
interface bound to loopback, and the delivery log would show what they answered. So the
host is resolved once, every address it resolves to must be public, and the connection is
made to the address that was checked (a second look-up, as urllib would do, could be
answered differently by a hostile DNS server). The Host header, TLS server name and
certificate check still use the host name of the URL.
"""

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

ALLOWED_SCHEMES = ("http", "https")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DestinationRefused(Exception):
    """The URL may not be delivered to; waiting will not change that, so don't retry."""


class DeadlinePassed(OSError):
    """The whole exchange took longer than the delivery's time limit."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def refusal(address: IPAddress) -> str | None:
    """Why a webhook may not go to this address, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv6 address that carries an IPv4 one reaches that one: 6to4 is judged by
        # both (2002:a9fe:a9fe:: is the metadata service), a mapped address by its IPv4.
        if address.sixtofour is not None and (embedded := refusal(address.sixtofour)):
            return embedded
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
    # Never useful for a partner's endpoint, whatever the deployment: link-local includes
    # the cloud metadata service (169.254.169.254), the classic target of this attack.
    if address.is_unspecified:
        return "unspecified"
    if address.is_multicast:
        return "multicast"
    if address.is_link_local:
        return "link-local"
    # ::1 is in a reserved block too: asked first, it is loopback. 240.0.0.0/4 is in
    # Python's private list too: asked before private, it stays refused.
    if address.is_loopback:
        kind = "loopback"
    elif address.is_reserved:
        return "reserved"
    elif isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        # fec0::/10, deprecated but still routed inside some networks: Python counts it
        # as global, so it is asked by name.
        kind = "site-local"
    elif address.is_private:
        kind = "private"
    elif not address.is_global:
        kind = "not public"  # shared address space (100.64.0.0/10) and the like
    else:
        return None
    # Addresses of a network of our own: allowed where the partners' endpoints are in it.
    return None if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES else kind


def resolve(url: str) -> Destination:
    """Check the URL and the addresses its host resolves to; raise DestinationRefused."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as failure:  # an unclosed "[", a port out of range
        raise DestinationRefused(f"the URL is not valid: {failure}") from failure
    if parts.scheme not in ALLOWED_SCHEMES:
        raise DestinationRefused(f"only http and https URLs are sent to, not {parts.scheme!r}")
    if not host:
        raise DestinationRefused("the URL has no host")
    # A look-up that fails may work later (DNS trouble): it raises socket.gaierror, an
    # OSError, and the delivery is retried.
    resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = []
    for *_, socket_address in resolved:
        # An IPv6 link-local address carries its zone ("fe80::1%eth0").
        text = str(socket_address[0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        reason = refusal(address)
        if reason:
            raise DestinationRefused(
                f"{host} resolves to {address}, a {reason} address: webhooks are only sent "
                "to public addresses"
            )
        addresses.append(text)
    if not addresses:
        raise DestinationRefused(f"{host} resolves to no address")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Destination(parts.scheme, host, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header still names the URL's host."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self.destination = destination

    def connect(self) -> None:
        self.sock = socket.create_connection((self.destination.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with the TLS server name and certificate checked against the URL's host."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(destination.host, destination.port, timeout=timeout, context=self.tls)
        self.destination = destination

    def connect(self) -> None:
        plain = socket.create_connection((self.destination.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(plain, server_hostname=self.host)


@dataclass
class Answer:
    status: int
    body: bytes


@contextmanager
def _deadline(connection: http.client.HTTPConnection, seconds: float) -> Iterator[list[bool]]:
    """Cut the connection when the time is up.

    A socket time-out bounds each read, not their sum: a server that sends a byte every
    few seconds would hold the delivery past its lease, and a second worker would send it
    again. Shutting the socket down ends whatever read is waiting.
    """
    expired = [False]

    def cut() -> None:
        expired[0] = True
        if connection.sock is not None:
            # The plain socket's shutdown, also for a TLS socket: its own would tear down
            # TLS state another thread is reading with. It may be closed already.
            with suppress(OSError):
                socket.socket.shutdown(connection.sock, socket.SHUT_RDWR)

    timer = threading.Timer(seconds, cut)
    timer.daemon = True
    timer.start()
    try:
        yield expired
    finally:
        timer.cancel()


def post(
    destination: Destination, body: bytes, headers: dict[str, str], seconds: float, keep: int
) -> Answer:
    """POST the body; the status and, for a refusal, at most `keep` bytes of what it said.

    The body of an accepted delivery is not read: it is of no use, and what an endpoint
    says is shown to staff in the delivery log.

    Redirects are not followed: they would resend the signed body somewhere the partner
    did not register.
    """
    started = time.monotonic()
    out_of_time = f"no complete answer within {seconds:g} seconds in all"
    connection_class = (
        _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    )
    connection = connection_class(destination, timeout=seconds)
    try:
        with _deadline(connection, seconds) as expired:
            try:
                connection.connect()
                if expired[0]:  # the time ran out while connecting, before there was a socket
                    raise TimeoutError("connecting took all the time")
                connection.request("POST", destination.path, body=body, headers=headers)
                response = connection.getresponse()
                accepted = 200 <= response.status < 300
                answer = Answer(response.status, b"" if accepted else response.read(keep))
            except (OSError, http.client.HTTPException) as failure:
                if expired[0] or time.monotonic() - started >= seconds:
                    raise DeadlinePassed(out_of_time) from failure
                raise
            # A cut connection can also look like an answer that ended early (headers
            # stop at the end of the stream): not one to trust.
            if expired[0]:
                raise DeadlinePassed(out_of_time)
        return answer
    finally:
        connection.close()
