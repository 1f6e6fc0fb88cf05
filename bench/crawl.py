"""The leak crawl: everything the public can reach, read for what it may not see.

It starts from the home page in every language, the sitemap, robots.txt, the Atom feeds,
the API schema and the change feed, and follows every same-origin link: href and src in
HTML (and every GET form, one choice at a time), <loc> in sitemaps, <link> in Atom, every
address in a JSON answer (so every `next` and `previous` cursor page). Every list endpoint
the OpenAPI schema declares is walked with each ordering and each filter, with values
taken from the seeded objects, hidden ones included. It searches the site for every
marker, and asks for each hidden thing's own address, which must answer 404 (a withdrawn
statement 410 with its notice).

Every answer is read for markers (see bench/leak_world.py). What an answer repeats of its
own request is not a leak: the address of the page (which a 404 page carries in its
language links) and the values of its query (which the search page shows) are taken out
before reading. A marker of a withdrawn statement's notice may appear only in a 410
answer and in the change feed.

The core takes `get(path, headers) -> (status, headers, body)`, so the same crawl runs
over HTTP against the running stack (bench/drill_leaks.py, with `fetch_many` running
requests side by side) and through Django's test client (tests/site/test_leak_crawl.py).
"""

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit
from xml.etree import ElementTree

type Answer = tuple[int, Mapping[str, str], bytes]
type Get = Callable[[str, dict[str, str]], Answer]
# Fetches many addresses at once (over HTTP, side by side); answers in the same order.
type GetMany = Callable[[list[str]], list[Answer]]

LEAK = re.compile(r"leakmark\d{5}", re.IGNORECASE)
NOTICE = re.compile(r"tombmark\d{5}", re.IGNORECASE)
LANGUAGE_PREFIXES = ("", "/ru", "/fr")
LANGUAGE_PREFIX = re.compile(r"^/(ru|fr)(?=/)")
# Not public (the admin) or not content (static files, the API's documentation scripts).
SKIPPED = ("/admin/", "/static/", "/media/")
API = "/api/v1/"
SCHEMA = "/api/v1/schema/?format=json"
CHANGES = "/api/v1/changes/"
# Query parameters a crawl sets itself rather than tries as filters.
PAGING = {"cursor", "page_size", "ordering", "since", "format", "page"}
# A select with more choices than this (countries) is tried with the seeded values only.
MAX_CHOICES = 12
FILTER_PAGE_SIZE = 50
CURSOR_PAGE_SIZE = 7


@dataclass
class Finding:
    path: str
    status: int
    marker: str
    what: str
    context: str


@dataclass
class CrawlResult:
    requests: int = 0
    bound: int = 0
    truncated: bool = False
    kinds: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    server_errors: list[tuple[str, int]] = field(default_factory=list)
    probe_failures: list[tuple[str, list[int], int]] = field(default_factory=list)
    probes: int = 0
    searches: int = 0

    def summary(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.kinds.items()))
        return (
            f"{self.requests} requests (bound {self.bound}{', REACHED' if self.truncated else ''});"
            f" {kinds}; markers found {len(self.findings)}; 5xx {len(self.server_errors)};"
            f" probes answered wrongly {len(self.probe_failures)} of {self.probes}"
        )


def kind_of(path: str) -> str:
    address = urlsplit(path).path
    address = LANGUAGE_PREFIX.sub("", address)
    if address.startswith("/api/v1/schema/"):
        return "api schema"
    if address.startswith(CHANGES):
        return "api change feed"
    if address.startswith(API):
        return "api detail" if re.search(r"/\d+/$", address) else "api list"
    if address.endswith("/feed/"):
        return "atom feed"
    if address.startswith("/sitemap"):
        return "sitemap"
    if address.startswith("/search/"):
        return "search"
    if address.startswith("/statements/preview/"):
        return "preview link"
    if address == "/robots.txt":
        return "robots.txt"
    return "html page"


class LinkParser(HTMLParser):
    """The links of a page, and its GET forms with the choices each field offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        for name in ("href", "src", "action"):
            if attributes.get(name):
                self.links.append(attributes[name])
        if tag == "meta" and attributes.get("property") == "og:image" and attributes.get("content"):
            # A statement's social card: a picture only the page names.
            self.links.append(attributes["content"])
        if tag == "form" and attributes.get("method", "get").lower() == "get":
            self.forms.append({"action": attributes.get("action", ""), "fields": {}})
        elif tag == "form":
            self.forms.append({"action": None, "fields": {}})
        elif tag == "select" and self.forms:
            self.select = attributes.get("name", "")
            self.forms[-1]["fields"].setdefault(self.select, [])
        elif tag == "option" and self.forms and self.select is not None:
            self.forms[-1]["fields"][self.select].append(attributes.get("value", ""))
        elif tag == "input" and self.forms and attributes.get("name"):
            kind = attributes.get("type", "text")
            if kind not in {"hidden", "submit", "checkbox", "radio"}:
                self.forms[-1]["fields"].setdefault(f"input:{attributes['name']}", [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


class Crawler:
    def __init__(
        self,
        get: Get,
        manifest: Mapping[str, Any],
        *,
        origin: str,
        max_requests: int,
        get_many: GetMany | None = None,
        headers: dict[str, str] | None = None,
        cross_orderings: bool = True,
        other_language_searches: int | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """`cross_orderings`: try every filter value in every ordering (else each value in
        the first ordering, and each ordering with the first value of each filter).
        `other_language_searches`: how many statements' markers to search for in the
        languages other than English too (None: every one); all are searched in English."""
        self.get = get
        self.get_many = get_many
        self.headers = headers or {}
        self.manifest = manifest
        self.origin = origin.rstrip("/")
        self.result = CrawlResult(bound=max_requests)
        self.seen: set[str] = set()
        self.queue: list[str] = []
        self.markers: dict[str, str] = {k.lower(): v for k, v in manifest["markers"].items()}
        self.notices: dict[str, str] = {k.lower(): v for k, v in manifest["notice_markers"].items()}
        self.cross_orderings = cross_orderings
        self.other_language_searches = other_language_searches
        self.progress = progress or (lambda message: None)
        self.forms_tried: set[tuple[str, str]] = set()

    # --- reading answers ---------------------------------------------------------------

    def scan(self, path: str, status: int, body: bytes, notice_allowed: bool = False) -> None:
        text = body.decode("utf-8", "replace")
        parts = urlsplit(path)
        # What the answer repeats of its own request: its address (in any language) and
        # the values of its query.
        echoes = [LANGUAGE_PREFIX.sub("", parts.path)]
        echoes += [value for _name, value in parse_qsl(parts.query)]
        for echo in sorted(set(echoes), key=len, reverse=True):
            if LEAK.search(echo) or NOTICE.search(echo):
                text = text.replace(echo, " ").replace(urlencode({"": echo})[1:], " ")
        allowed = notice_allowed or status == 410 or parts.path.startswith(CHANGES)
        for match in LEAK.finditer(text):
            self.finding(path, status, match, text, self.markers)
        if not allowed:
            for match in NOTICE.finditer(text):
                self.finding(path, status, match, text, self.notices)

    def finding(
        self, path: str, status: int, match: re.Match[str], text: str, known: dict[str, str]
    ) -> None:
        marker = match.group(0)
        start = max(0, match.start() - 80)
        self.result.findings.append(
            Finding(
                path=path,
                status=status,
                marker=marker,
                what=known.get(marker.lower(), "unknown marker"),
                context=text[start : match.end() + 80].replace("\n", " "),
            )
        )

    def local(self, link: str, base: str) -> str | None:
        """The same-origin address a link points at, without its fragment; None if elsewhere."""
        link = link.strip()
        if not link or link.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
            return None
        absolute = urljoin(self.origin + base, link)
        if not absolute.startswith(self.origin + "/"):
            return None
        address = absolute[len(self.origin) :].split("#", 1)[0]
        if address.startswith(SKIPPED):
            return None
        return address

    def links_in(self, path: str, content_type: str, body: bytes) -> list[str]:
        text = body.decode("utf-8", "replace")
        found: list[str] = []
        if "html" in content_type:
            parser = LinkParser()
            parser.feed(text)
            found += parser.links
            found += self.form_addresses(path, parser.forms)
        elif "xml" in content_type:
            try:
                # The site's own sitemap and feeds, read on loopback.
                root = ElementTree.fromstring(body)  # noqa: S314
            except ElementTree.ParseError:
                return []
            for element in root.iter():
                if element.tag.endswith("}loc") and element.text:
                    found.append(element.text)
                if element.get("href"):
                    found.append(element.get("href", ""))
        elif "json" in content_type:
            try:
                found += list(strings_in(json.loads(text)))
            except ValueError:
                return []
            if path.startswith(CHANGES):
                # The feed always offers a `next` to poll; read on only while it has more.
                page = json.loads(text)
                if not page.get("has_more"):
                    found = [link for link in found if link != page.get("next")]
        elif path.endswith("robots.txt"):
            found += [line.split(":", 1)[1] for line in text.splitlines() if ":" in line]
            found = [link.strip() for link in found if "/" in link]
        base = urlsplit(path).path
        addresses = [self.local(link, base) for link in found]
        return [address for address in addresses if address]

    def form_addresses(self, path: str, forms: list[dict[str, Any]]) -> list[str]:
        """Each choice of each GET form's selects, one at a time, with the seeded values."""
        addresses = []
        for form in forms:
            if form["action"] is None:
                continue
            action = urljoin(urlsplit(path).path, form["action"] or urlsplit(path).path)
            for name, choices in form["fields"].items():
                if name.startswith("input:"):
                    continue  # the search box: searched for every marker elsewhere
                wanted = self.manifest["form_values"].get(name, [])
                values = choices if len(choices) <= MAX_CHOICES else wanted + choices[:2]
                for value in dict.fromkeys([*values, *wanted]):
                    if not value or (action, f"{name}={value}") in self.forms_tried:
                        continue
                    self.forms_tried.add((action, f"{name}={value}"))
                    addresses.append(f"{action}?{urlencode({name: value})}")
        return addresses

    # --- the API schema ----------------------------------------------------------------

    def api_walks(self, body: bytes) -> list[str]:
        """Every list endpoint, with each ordering and each filter value, from the schema."""
        schema = json.loads(body)
        addresses = []
        values = self.manifest["filter_values"]
        for route, item in schema.get("paths", {}).items():
            operation = item.get("get")
            if operation is None or "{" in route or route.startswith("/api/v1/schema"):
                continue
            parameters = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            orderings: list[str | None] = [None]
            filters: list[tuple[str, str]] = []
            for parameter in parameters:
                name, kind = parameter["name"], parameter.get("schema", {})
                if name == "ordering":
                    orderings = list(kind.get("enum", [])) or [None]
                    continue
                if name in PAGING:
                    continue
                enum = [str(value) for value in kind.get("enum", []) if value is not None]
                chosen = enum if enum and len(enum) <= MAX_CHOICES else []
                chosen += values.get(name, [])
                if not chosen and kind.get("format") == "date-time":
                    chosen = ["2000-01-01T00:00:00Z"]
                if not chosen and kind.get("format") == "date":
                    chosen = ["2000-01-01"]
                filters += [(name, value) for value in dict.fromkeys(chosen)]
            first_values = list({name: (name, value) for name, value in reversed(filters)}.values())
            for number, ordering in enumerate(orderings):
                order = {"ordering": ordering} if ordering else {}
                # Every page of the whole list, in small pages to walk the cursors.
                addresses.append(f"{route}?{urlencode({**order, 'page_size': CURSOR_PAGE_SIZE})}")
                tried = filters if self.cross_orderings or number == 0 else first_values
                for name, value in tried:
                    query = {name: value, **order, "page_size": FILTER_PAGE_SIZE}
                    addresses.append(f"{route}?{urlencode(query)}")
        return addresses

    # --- the crawl ---------------------------------------------------------------------

    def enqueue(self, addresses: Iterable[str]) -> None:
        for address in addresses:
            if address not in self.seen:
                self.seen.add(address)
                self.queue.append(address)

    def fetch(self, addresses: list[str]) -> list[Answer]:
        room = self.result.bound - self.result.requests
        if len(addresses) > room:
            self.result.truncated = True
            addresses = addresses[:room]
        self.result.requests += len(addresses)
        if self.get_many is not None:
            return self.get_many(addresses)
        return [self.get(address, self.headers) for address in addresses]

    def record(self, address: str, status: int, kind: str | None = None) -> None:
        self.result.kinds[kind or kind_of(address)] += 1
        self.result.statuses[status] += 1
        if status >= 500:
            self.result.server_errors.append((address, status))

    def probe(self) -> None:
        probes = self.manifest["probes"]
        answers = self.fetch([probe["path"] for probe in probes])
        for probe, (status, _headers, body) in zip(probes, answers, strict=False):
            self.result.probes += 1
            self.record(probe["path"], status, "probe of a hidden address")
            self.scan(probe["path"], status, body)
            if status not in probe["expect"]:
                self.result.probe_failures.append((probe["path"], probe["expect"], status))
            notice = probe.get("notice")
            if notice and notice.encode() not in body:
                # 410 without the notice: it must say what was withdrawn, when and why.
                self.result.probe_failures.append((probe["path"] + " (no notice)", [410], status))

    def search(self) -> None:
        terms = self.manifest["search_terms"]
        others = self.manifest["search_terms_every_language"]
        if self.other_language_searches is not None:
            others = others[: self.other_language_searches]
        addresses = [f"/search/?{urlencode({'q': term})}" for term in terms]
        addresses += [
            f"{prefix}/search/?{urlencode({'q': term})}"
            for term in others
            for prefix in LANGUAGE_PREFIXES
            if prefix
        ]
        self.seen.update(addresses)
        for address, (status, _headers, body) in zip(
            addresses, self.fetch(addresses), strict=False
        ):
            self.result.searches += 1
            self.record(address, status)
            self.scan(address, status, body)

    def crawl(self, batch: int = 64) -> None:
        starts = [f"{prefix}/" for prefix in LANGUAGE_PREFIXES]
        starts += [
            "/robots.txt",
            "/sitemap.xml",
            "/feed/",
            SCHEMA,
            CHANGES,
            f"{CHANGES}?page_size=3",
        ]
        self.enqueue(starts)
        while self.queue and not self.result.truncated:
            wave, self.queue = self.queue[:batch], self.queue[batch:]
            for address, (status, headers, body) in zip(wave, self.fetch(wave), strict=False):
                self.record(address, status)
                self.scan(address, status, body)
                if status != 200:
                    continue
                content_type = header(headers, "Content-Type")
                if address == SCHEMA:
                    self.enqueue(self.api_walks(body))
                self.enqueue(self.links_in(address, content_type, body))

    def run(self) -> CrawlResult:
        for phase in (self.probe, self.search, self.crawl):
            phase()
            self.progress(f"after {phase.__name__}: {self.result.summary()}")
        return self.result


def header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""


def strings_in(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        if value.startswith(("http://", "https://", "/")):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
