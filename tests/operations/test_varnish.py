"""Through real Varnish, with the site's own VCL (config/varnish.vcl), in front of the app.

Varnish keeps the public pages the app marks for sharing, the app bans them on every
change, and a page is never kept past the next publish time. Debian's varnish package
provides varnishd (`make test` and CI install it); without it these tests cannot run.
"""

import gzip
import http.client
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from campaigns.models import Statement
from tests.factories import EditorFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db(transaction=True)

VCL = Path(django_settings.BASE_DIR) / "config" / "varnish.vcl"
# Far above what starting varnishd takes; a guard against a test that would hang.
START_GUARD_SECONDS = 20


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]
    text: str

    @property
    def from_varnish(self) -> bool:
        """Served from what Varnish kept: X-Varnish then names this request and the one
        that fetched the page."""
        return len(self.headers.get("x-varnish", "").split()) == 2


class Varnish:
    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            headers = {name.lower(): value for name, value in response.getheaders()}
            body = response.read()
            if headers.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            return Answer(response.status, headers, body.decode())
        finally:
            connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def varnish(live_server: LiveServer, settings: Settings, tmp_path: Path) -> Iterator[Varnish]:
    varnishd = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")
    if varnishd is None:
        pytest.skip("varnishd is not installed (Debian's varnish package; `make varnish`)")
    backend = urlsplit(live_server.url)
    vcl = tmp_path / "varnish.vcl"
    vcl.write_text(
        VCL.read_text()
        .replace('.host = "web";', f'.host = "{backend.hostname}";')
        .replace('.port = "8000";', f'.port = "{backend.port}";')
    )
    varnish = Varnish(free_port())
    process = subprocess.Popen(  # noqa: S603 - our own arguments
        [
            *(varnishd, "-F", "-j", "none", "-n", str(tmp_path / "work")),
            *("-a", f"127.0.0.1:{varnish.port}", "-f", str(vcl), "-s", "malloc,32m"),
            *("-T", "none"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    started = time.monotonic()
    while True:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"varnishd did not start:\n{output}")
        try:
            socket.create_connection(("127.0.0.1", varnish.port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() - started > START_GUARD_SECONDS:
                process.kill()
                pytest.fail("varnishd did not listen in time")
            time.sleep(0.05)
    settings.PUBLIC_PAGES = {**settings.PUBLIC_PAGES, "PURGE_URLS": [f"{varnish.url}/"]}
    try:
        yield varnish
    finally:
        process.terminate()
        process.wait(timeout=START_GUARD_SECONDS)


def test_a_withdrawal_is_gone_through_varnish_at_once(varnish: Varnish, staff_groups: None) -> None:
    statement = StatementFactory(published=True, title="Read through Varnish")
    SignatureFactory(statement=statement)
    url = statement.get_absolute_url()
    for path in (url, "/"):
        first, kept = varnish.get(path), varnish.get(path)
        assert first.status == kept.status == 200
        assert "Read through Varnish" in kept.text
        assert kept.from_varnish
        assert "s-maxage" in first.headers["cache-control"]
        # The tag is for Varnish alone.
        assert "cache-tag" not in kept.headers

    # Withdrawn from the shell, through the model: the app bans what Varnish keeps.
    statement.withdraw(by=EditorFactory(), reason="Signed in error.")

    gone = varnish.get(url)
    assert gone.status == 410
    assert not gone.from_varnish
    assert "Read through Varnish" not in varnish.get("/").text


def test_varnish_keeps_only_what_the_app_marks_for_sharing(varnish: Varnish) -> None:
    draft = StatementFactory(title="Not yet public")
    StatementFactory(published=True)
    for path in (
        draft.get_absolute_url(),  # 404
        "/api/v1/statements/",
        # A parameter the page does not read: the app serves its page, Varnish keeps no
        # copy at that address.
        "/statements/?utm_source=newsletter",
    ):
        varnish.get(path)
        again = varnish.get(path)
        assert not again.from_varnish, path
        assert "s-maxage" not in again.headers.get("cache-control", ""), path
    assert varnish.get("/statements/").status == 200
    assert varnish.get("/statements/").from_varnish


def test_a_scheduled_statement_appears_through_varnish_at_its_publish_time(
    varnish: Varnish,
) -> None:
    StatementFactory(published=True, title="Already public")
    scheduled = StatementFactory(
        title="Embargoed for three seconds",
        status=Statement.Status.PUBLISHED,
        publish_at=timezone.now() + timedelta(seconds=3),
    )
    SignatureFactory(statement=scheduled)
    before, kept = varnish.get("/"), varnish.get("/")
    assert "Embargoed for three seconds" not in kept.text
    assert kept.from_varnish
    # Varnish may keep the page for whole seconds that end before the publish time.
    shared = int(before.headers["cache-control"].split("s-maxage=")[1].split(",")[0])
    assert 1 <= shared <= 2

    assert scheduled.publish_at is not None
    while timezone.now() < scheduled.publish_at:
        time.sleep(0.05)
    assert "Embargoed for three seconds" in varnish.get("/").text


def test_an_english_page_is_kept_once_whatever_language_browsers_ask_for(
    varnish: Varnish,
) -> None:
    StatementFactory(published=True, title="Kept once")
    first = varnish.get("/statements/", {"Accept-Language": "ru"})
    assert first.headers["content-language"] == "en"
    assert "Accept-Language" not in first.headers["vary"]
    assert "Cookie" in first.headers["vary"]
    for language in ("fr-FR,fr;q=0.9", "de", ""):
        again = varnish.get("/statements/", {"Accept-Language": language} if language else {})
        assert again.from_varnish, language
        assert again.text == first.text
    # A page in another language has an address of its own.
    russian = varnish.get("/ru/statements/", {"Accept-Language": "en"})
    assert russian.headers["content-language"] == "ru"
    assert not russian.from_varnish


def test_pages_are_kept_compressed_and_given_plain_to_who_does_not_accept_gzip(
    varnish: Varnish,
) -> None:
    StatementFactory(published=True, title="Kept compressed")
    plain = varnish.get("/")
    assert "content-encoding" not in plain.headers
    compressed = varnish.get("/", {"Accept-Encoding": "gzip"})
    assert compressed.from_varnish
    assert compressed.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["vary"]
    assert compressed.text == plain.text
    assert "Kept compressed" in compressed.text
