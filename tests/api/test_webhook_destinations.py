"""Webhooks go only to public http(s) addresses, to the address checked, within a deadline."""

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
import trustme
from django.test import Client

from organisations import webhook_destinations
from organisations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from organisations.webhooks import RESPONSE_KEPT
from tests.admin_pages import admin_url, form_data
from tests.api.receiver import Receiver
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def send_test_event(admin_client: Client, endpoint: WebhookEndpoint, capture: Any) -> Any:
    """Press "Send a test event" in the admin; the delivery it made, tried once."""
    with capture(execute=True):
        admin_client.post(
            admin_url(WebhookEndpoint, "changelist"),
            {"action": "send_test_event", "index": "0", "_selected_action": [endpoint.pk]},
        )
    return WebhookDelivery.objects.get(endpoint=endpoint)


def port_of(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


# --- the URL as staff type it ----------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["ftp://partner.example.org/hook", "ftps://partner.example.org/hook"]
)
def test_the_admin_refuses_an_endpoint_url_that_is_not_http(admin_client: Client, url: str) -> None:
    organisation = OrganisationFactory()
    page = admin_client.get(admin_url(WebhookEndpoint, "add"))
    data = {**form_data(page, "webhookendpoint"), "organisation": organisation.pk, "url": url}

    response = admin_client.post(admin_url(WebhookEndpoint, "add"), data)

    assert response.status_code == 200
    assert "Enter an http:// or https:// address." in response.text
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_accepts_an_https_endpoint_url(admin_client: Client) -> None:
    organisation = OrganisationFactory()
    page = admin_client.get(admin_url(WebhookEndpoint, "add"))
    data = {
        **form_data(page, "webhookendpoint"),
        "organisation": organisation.pk,
        "url": "https://partner.example.org/hook",
    }

    response = admin_client.post(admin_url(WebhookEndpoint, "add"), data)

    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().url == "https://partner.example.org/hook"


def test_a_stored_ftp_url_is_refused_at_send_time_and_not_retried(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # Saved before the admin checked the scheme, or written around the admin.
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url="ftp://partner.example.org/hook"
    )

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.next_attempt_at is None
    (attempt,) = delivery.attempts.all()
    assert attempt.status_code is None
    assert attempt.error == "Refused: only http and https URLs are sent to, not 'ftp'"


def test_a_stored_url_that_cannot_be_parsed_is_refused_at_send_time(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url="http://partner.example.org:99999/hook"
    )

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts.get().error.startswith("Refused: the URL is not valid: ")


# --- where the host resolves to ---------------------------------------------------------


@pytest.fixture
def public_only(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False


@pytest.mark.usefixtures("public_only")
@pytest.mark.parametrize(
    ("host", "address", "kind"),
    [
        ("127.0.0.1", "127.0.0.1", "loopback"),
        ("[::1]", "::1", "loopback"),
        ("localhost", "127.0.0.1", "loopback"),
        ("10.0.0.1", "10.0.0.1", "private"),
        ("192.168.1.20", "192.168.1.20", "private"),
        ("169.254.169.254", "169.254.169.254", "link-local"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "0.0.0.0", "unspecified"),  # noqa: S104 - the address refused
        ("224.0.0.1", "224.0.0.1", "multicast"),
        ("240.0.0.1", "240.0.0.1", "reserved"),
        ("100.64.0.1", "100.64.0.1", "not public"),
    ],
)
def test_a_webhook_to_an_internal_address_is_refused_logged_and_not_retried(
    receiver: str,
    admin_client: Client,
    django_capture_on_commit_callbacks: Any,
    host: str,
    address: str,
    kind: str,
) -> None:
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url=f"http://{host}:{port_of(receiver)}/hook"
    )

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert Receiver.received == []
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.next_attempt_at is None
    (attempt,) = delivery.attempts.all()
    assert attempt.status_code is None
    # "localhost" may resolve to ::1 first; either way it is a loopback address.
    assert attempt.error.startswith("Refused: ")
    assert f"a {kind} address: webhooks are only sent to public addresses" in attempt.error
    if host != "localhost":
        assert f"resolves to {address}," in attempt.error
    log = admin_client.get(admin_url(delivery, "change"))
    assert f"a {kind} address" in log.text


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Host names and the addresses DNS gives for them; the look-ups made are counted."""
    answers: dict[str, list[str]] = {"lookups": []}
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            answers["lookups"].append(host)
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                for address in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(webhook_destinations.socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.mark.usefixtures("public_only")
def test_a_host_with_one_internal_address_among_public_ones_is_refused(
    admin_client: Client, django_capture_on_commit_callbacks: Any, fake_dns: dict[str, list[str]]
) -> None:
    fake_dns["partner.example.org"] = ["93.184.215.14", "127.0.0.1"]
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url="http://partner.example.org/hook"
    )

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts.get().error == (
        "Refused: partner.example.org resolves to 127.0.0.1, a loopback address: "
        "webhooks are only sent to public addresses"
    )


@pytest.mark.usefixtures("public_only")
@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("fec0::1", "site-local"),
        ("fc00::7", "private"),
        ("2001:db8::1", "private"),
        ("2002:a9fe:a9fe::1", "link-local"),
        ("2002:7f00:1::1", "loopback"),
        ("64:ff9b::a00:1", "reserved"),
        ("198.18.0.1", "private"),
    ],
)
def test_every_address_that_is_not_global_is_refused(
    admin_client: Client,
    django_capture_on_commit_callbacks: Any,
    fake_dns: dict[str, list[str]],
    address: str,
    kind: str,
) -> None:
    fake_dns["partner.example.org"] = [address]
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url="http://partner.example.org/hook"
    )

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts.get().error == (
        f"Refused: partner.example.org resolves to {address}, a {kind} address: "
        "webhooks are only sent to public addresses"
    )


def test_the_connection_goes_to_the_address_checked_with_the_host_name_in_the_request(
    receiver: str,
    admin_client: Client,
    django_capture_on_commit_callbacks: Any,
    fake_dns: dict[str, list[str]],
) -> None:
    # Private addresses allowed (tests/api/conftest.py): the receiver is on loopback.
    fake_dns["partner.example.org"] = ["127.0.0.1"]
    port = port_of(receiver)
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url=f"http://partner.example.org:{port}/hook?a=1"
    )

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == WebhookDelivery.Status.DELIVERED
    (received,) = Receiver.received
    assert received["headers"]["Host"] == f"partner.example.org:{port}"
    # Resolved once, when checked: no second look-up that DNS could answer differently.
    assert fake_dns["lookups"] == ["partner.example.org"]


def test_link_local_stays_refused_when_private_addresses_are_allowed(
    admin_client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    assert settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url="http://169.254.169.254/latest/meta-data/"
    )

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "a link-local address" in delivery.attempts.get().error


@pytest.fixture
def tls_receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Serve the receiver over TLS with a certificate for the host name given; trust its CA."""
    authority = trustme.CA()
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    monkeypatch.setattr(webhook_destinations.ssl, "create_default_context", lambda: client_context)
    servers = []

    def serve(certified_host: str) -> int:
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        authority.issue_cert(certified_host).configure_cert(server_context)
        server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        server.socket = server_context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return int(server.server_address[1])

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_https_goes_to_the_address_checked_and_verifies_the_host_name(
    receiver: str,
    tls_receiver: Any,
    admin_client: Client,
    django_capture_on_commit_callbacks: Any,
    fake_dns: dict[str, list[str]],
) -> None:
    fake_dns["partner.example.org"] = ["127.0.0.1"]
    port = tls_receiver("partner.example.org")
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url=f"https://partner.example.org:{port}/hook"
    )

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == WebhookDelivery.Status.DELIVERED
    (received,) = Receiver.received
    assert received["headers"]["Host"] == f"partner.example.org:{port}"
    assert fake_dns["lookups"] == ["partner.example.org"]


def test_https_refuses_a_certificate_for_another_host(
    receiver: str,
    tls_receiver: Any,
    admin_client: Client,
    django_capture_on_commit_callbacks: Any,
    fake_dns: dict[str, list[str]],
) -> None:
    # The address is checked by IP; the certificate must still be the host name's.
    fake_dns["partner.example.org"] = ["127.0.0.1"]
    port = tls_receiver("elsewhere.example.org")
    endpoint = WebhookEndpoint.objects.create(
        organisation=OrganisationFactory(), url=f"https://partner.example.org:{port}/hook"
    )

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert Receiver.received == []
    assert delivery.status == WebhookDelivery.Status.PENDING
    error = delivery.attempts.get().error
    assert error.startswith("SSLCertVerificationError:")
    assert "partner.example.org" in error


# --- what is kept of the answer ---------------------------------------------------------


def test_only_the_start_of_a_refusal_is_kept_and_nothing_of_an_acceptance(
    receiver: str, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)
    Receiver.failures_left = 1
    Receiver.failure_body = b"e" * RESPONSE_KEPT + b"SECRET-FROM-BEYOND-THE-EXCERPT"

    first = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)
    WebhookDelivery.objects.update(next_attempt_at=first.created_at)
    from organisations.webhooks import deliver_due

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_due() == 1

    refused, accepted = WebhookAttempt.objects.filter(delivery=first)
    assert (refused.status_code, refused.response_body) == (500, "e" * RESPONSE_KEPT)
    assert (accepted.status_code, accepted.response_body) == (200, "")
    log = admin_client.get(admin_url(first, "change"))
    assert "SECRET-FROM-BEYOND-THE-EXCERPT" not in log.text


# --- the deadline -----------------------------------------------------------------------


class Dripping(BaseHTTPRequestHandler):
    """An endpoint that answers a byte at a time, each in time for a socket time-out."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(100):  # 20 seconds at most, if the sender never gives up
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the sender hung up, as it should

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def dripping() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Dripping)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_a_slow_drip_answer_is_cut_at_the_deadline_and_retried_later(
    dripping: str, admin_client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    endpoint = WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=dripping)

    delivery = send_test_event(admin_client, endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == WebhookDelivery.Status.PENDING
    (attempt,) = delivery.attempts.all()
    assert attempt.status_code is None
    assert attempt.error == "DeadlinePassed: no complete answer within 1 seconds in all"
