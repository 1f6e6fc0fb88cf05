"""The public pages' cache: the one door every public page goes through.

Shaped like Django's own cache middleware, and knowing no app. A view says that it is
a public page with one decorator, naming the query parameters it reads:

    @public_page(query={"page": page_number, "q": ""})
    class SearchView(TemplateView): ...

Its anonymous GETs are then kept, keyed by the host, the path, the language and only
those parameters, normalised (sorted, defaults and empty values dropped, every other
parameter ignored): `?utm_source=x` is the bare page, served from its entry, and the
view itself is given the normalised query, so that what it renders is what the key
says. A member of staff is never served a kept page, and gets a private one.

What the cache needs of the project it learns through functions named in settings
(PUBLIC_PAGES): the content state — the database's count of changes and the next
publish time — and how to count a change. Content changes call
operations.changes.public_pages_changed() where they happen; after commit it calls
pages_changed() here, which sets a new content version and bans every page the
reverse proxy in front (Varnish) holds.

Every kept page is keyed by that content version, and is never kept past the next
scheduled publish time, so a statement appears the moment its time comes, and nothing
is ever served from before a withdrawal. Browsers are told to revalidate every time
(`max-age=0`, cheap with the ETag and Last-Modified); a shared cache in front may keep a
page for `s-maxage` seconds, which never reaches past the next publish time, and is
banned on every change.

Each process also keeps the pages it served last in its own memory, under the same
versioned key, and holds the content version itself until Redis pushes word that it
changed; so a warm page costs no round trip at all. That copy is used only when the
shared content version is known: a change made in another process, or a Redis outage,
can never bring back a page the shared cache would not serve.
"""

import hashlib
import logging
import math
import time
import urllib.request
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache, wraps
from typing import Any, NamedTuple, TypedDict, cast, overload
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
    QueryDict,
)
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date, parse_etags
from django.utils.module_loading import import_string
from django.utils.translation import get_language

logger = logging.getLogger("chorus.pages")

CONTENT_VERSION_KEY = "public-pages:content-version"
# The longest a page is kept even when nothing changes: a bound on any mistake.
PAGE_LIFETIME = timedelta(minutes=10)
# The tag a shared cache in front finds on every page it may keep, and bans on a change.
CACHE_TAG = "public-pages"

type View = Callable[..., HttpResponseBase]


# --- what the cache learns from the project (settings.PUBLIC_PAGES) ---------------------


class ContentState(NamedTuple):
    """What the project says of its public content, read in one query."""

    # The database's count of changes the public may see: raised by every change, and
    # never lost to a cache outage.
    number: int
    # The next publish time: the one change that happens with no save.
    next_change: datetime | None
    # Whether something became public after the time asked about (False when none was).
    published_since: bool


def content_state(published_after: datetime | None = None) -> ContentState:
    """The project's content state (settings.PUBLIC_PAGES["CONTENT_STATE"])."""
    read = import_string(str(settings.PUBLIC_PAGES["CONTENT_STATE"]))
    return cast(ContentState, read(published_after))


def count_change() -> int:
    """Count a change in the database; the count now (this change's, or a later one's)."""
    return int(import_string(str(settings.PUBLIC_PAGES["COUNT_CHANGE"]))())


# --- the content version ----------------------------------------------------------------


class CachedPage(TypedDict):
    content: bytes
    content_type: str
    etag: str
    rendered_at: datetime
    expires_at: datetime


class CacheContact:
    """When this process last checked the shared version against the database, and
    whether it must do so before it trusts the pages kept under that version again.

    A change saved while Redis was unreachable could not set a new version, and Redis,
    when it is back (not restarted: a network cut, a failover to a replica), still
    holds the old one and the pages made under it. The change did raise the database's
    number (ContentState.number), and each version carries the number it was set
    under; whenever the database's is higher, a new version is set, and every cached
    page is made again. A process that was without Redis (it found it unreachable, or
    could not set a version) compares the two the first time it reaches Redis again.
    Every process holding the version in memory (the watched value of a Redis cache)
    also compares them at least once every CHECK_EVERY seconds: a process that saw no
    outage at all (idle meanwhile, or just started in place of the one that saved the
    change, or cut off from Redis while the others were not) never goes on serving a
    page from before a change for longer than that.
    """

    CHECK_EVERY = 1.0

    def __init__(self) -> None:
        self.lost = False
        self.checked_at = float("-inf")

    def must_check(self, watched: bool) -> bool:
        return self.lost or (watched and time.monotonic() - self.checked_at >= self.CHECK_EVERY)


cache_contact = CacheContact()


def new_content_version(number: int) -> str:
    """Set a new version, made under the database's `number`."""
    version = f"{number}.{uuid4().hex}"
    # Through this process's cache: a version this process holds is dropped at once.
    cache.set(CONTENT_VERSION_KEY, version, timeout=None)
    return version


def content_version() -> str:
    """The version every cached page is keyed by; empty when the cache cannot say.

    Redis is not asked on every request: each process holds the version, and Redis
    pushes a note to every process the moment it changes (operations/cache.py,
    WatchedValue). Other caches (tests, local development) are simply read.
    """
    watched = getattr(cache, "get_watched", None)
    version = (watched or cache.get)(CONTENT_VERSION_KEY)
    if version is None:
        # A new or emptied cache: no page is kept under any number yet, so 0 will do.
        cache.add(CONTENT_VERSION_KEY, f"0.{uuid4().hex}", timeout=None)
        version = cache.get(CONTENT_VERSION_KEY, "")
    if not version:
        cache_contact.lost = True
        return ""
    if cache_contact.must_check(watched is not None):
        return checked_against_database(str(version))
    return str(version)


def version_number(version: str) -> int:
    """The database's number a version was set under (0 for a version without one)."""
    number, _, _ = version.partition(".")
    return int(number) if number.isdigit() else 0


def checked_against_database(version: str) -> str:
    """`version`, or a new one if the database counted a change after it was set; empty
    when the cache or the database cannot say (to be checked again next time)."""
    try:
        number = content_state().number
    except DatabaseError:
        return ""
    if version_number(version) < number:
        new_content_version(number)
        version = cache.get(CONTENT_VERSION_KEY, "")
        if not version:  # gone again
            return ""
    cache_contact.lost = False
    cache_contact.checked_at = time.monotonic()
    return str(version)


def pages_changed() -> None:
    """Make every kept public page obsolete, here and in the shared cache in front.

    Called after commit by operations.changes.public_pages_changed(), which names it in
    settings.PUBLIC_CONTENT_CHANGED. The API's remembered ETags are made obsolete
    through the database's number, which a Redis outage cannot lose.
    """
    version = new_content_version(count_change())
    if cache.get(CONTENT_VERSION_KEY) != version:
        # Not set (Redis unreachable), or already replaced by another process's change:
        # either way the next request checks the version against the database.
        cache_contact.lost = True
    # After the new version: a page the proxy fetches again is made under it.
    ban_shared_pages()


def ban_shared_pages() -> None:
    """Ask each reverse proxy in front (settings.PUBLIC_PAGES["PURGE_URLS"]) to drop every
    public page it keeps: an HTTP BAN of the pages' tag, answered by its VCL.

    A proxy that does not answer in time is logged, not waited for: what it keeps then
    lives until its s-maxage, which never outlives the next publish time nor
    PAGE_LIFETIME.
    """
    for url in settings.PUBLIC_PAGES.get("PURGE_URLS", []):
        request = urllib.request.Request(  # noqa: S310 - an address from settings, http(s) only
            url, method="BAN", headers={"Cache-Tag": CACHE_TAG}
        )
        try:
            with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS):  # noqa: S310
                pass
        except OSError as error:
            logger.error(
                "Shared cache not purged",
                extra={"purge_url": url, "error_type": type(error).__name__},
            )


PURGE_TIMEOUT_SECONDS = 1.0


# --- pages in this process's memory -----------------------------------------------------


class ProcessPages:
    """The pages this process served last, least recently used first out, within a budget
    of bytes (each gunicorn worker has its own; 16 MB keeps a worker well under its
    memory target). It also knows the paths it holds pages for, with the query
    parameters their view reads, so that a request for anything else is told so
    without hashing its address."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.pages: OrderedDict[str, CachedPage] = OrderedDict()
        self.path_of: dict[str, str] = {}
        self.paths: Counter[str] = Counter()
        self.reads_of: dict[str, QueryReads] = {}

    def get(self, key: str) -> CachedPage | None:
        page = self.pages.get(key)
        if page is not None:
            self.pages.move_to_end(key)
        return page

    def reads_at(self, path: str) -> "QueryReads | None":
        """The parameters the view at `path` reads, when a page of it is held."""
        return self.reads_of.get(path)

    def holds_path(self, path: str) -> bool:
        return path in self.paths

    def put(self, key: str, page: CachedPage, path: str, reads: "QueryReads | None" = None) -> None:
        if len(page["content"]) > self.budget // 4:
            return
        self.discard(key)
        self.pages[key] = page
        self.path_of[key] = path
        self.paths[path] += 1
        self.reads_of[path] = reads or NO_QUERY
        self.size += len(page["content"])
        while self.size > self.budget:
            self.discard(next(iter(self.pages)))

    def discard(self, key: str) -> None:
        page = self.pages.pop(key, None)
        if page is not None:
            self.size -= len(page["content"])
            path = self.path_of.pop(key)
            self.paths[path] -= 1
            if not self.paths[path]:
                del self.paths[path]
                del self.reads_of[path]

    def clear(self) -> None:
        self.pages.clear()
        self.path_of.clear()
        self.paths.clear()
        self.reads_of.clear()
        self.size = 0


process_pages = ProcessPages(budget=16 * 1024 * 1024)


class NextPublishTime:
    """The next publish time, as this process last read it, and under which content version.

    Until that time comes, only a change can bring another one forward (a statement
    scheduled, rescheduled or withdrawn), and every change sets a new version: so a
    process reads it once per version, and again once the time it read has come (the
    next one after it is then the next). Without a version (the cache cannot say) it is
    read every time.
    """

    def __init__(self) -> None:
        # The version it was read under, and what was read: one tuple, replaced whole.
        self.known: tuple[str, datetime | None] = ("", None)

    def under(self, version: str, now: datetime) -> datetime | None:
        known_version, next_change = self.known
        if not version or known_version != version or (next_change and next_change <= now):
            next_change = content_state().next_change
            self.known = (version, next_change)
        return next_change


next_publish_time = NextPublishTime()


def page_expiry(now: datetime, version: str) -> datetime:
    """When a page rendered now, under `version`, stops being true: at the latest, the
    next publish time."""
    next_change = next_publish_time.under(version, now)
    expiry = now + PAGE_LIFETIME
    return min(expiry, next_change) if next_change else expiry


# Where a request keeps the expiry of what it renders, read once for the page and its parts.
PAGE_EXPIRY = "public_pages.expiry"


def request_page_expiry(request: HttpRequest, now: datetime, version: str) -> datetime:
    """page_expiry() for what this request renders, read once for the page and the parts
    it keeps (operations.fragments): at most one query, however many parts."""
    expiry = request.META.get(PAGE_EXPIRY)
    if expiry is None:
        expiry = request.META[PAGE_EXPIRY] = page_expiry(now, version)
    return cast(datetime, expiry)


# --- the query parameters a view reads --------------------------------------------------

# A parameter's default (dropped when given), or a function that normalises a given
# value: None drops it.
type QueryValue = str | Callable[[str], str | None]


def page_number(value: str) -> str | None:
    """A ListView's page: a number, the first by default, or "last". Anything else is
    kept as given, and answered 404 (which is never kept)."""
    if value.isdigit():
        return None if int(value) == 1 else str(int(value))
    return value


def lenient_page_number(value: str) -> str | None:
    """A page Paginator.get_page() finds: a number, the first by default. Anything else
    shows the first page, so it keeps no entry of its own."""
    return str(int(value)) if value.isdigit() and int(value) != 1 else None


class QueryReads:
    """The query parameters a view reads, and how each is normalised."""

    def __init__(self, parameters: Mapping[str, QueryValue]) -> None:
        self.parameters = dict(parameters)

    def normalised(self, query: QueryDict) -> str:
        """The query as the view reads it, urlencoded: its parameters in the order the
        view names them, each one's values normalised and sorted, defaults and empty
        values dropped, unknown parameters ignored."""
        if not query:
            return ""
        kept = QueryDict(mutable=True)
        for name in [name for name in self.parameters if name in query]:
            normalise = self.parameters[name]
            values = []
            for value in query.getlist(name):
                if callable(normalise):
                    value = normalise(value) or ""
                elif value == normalise:
                    value = ""
                if value:
                    values.append(value)
            if values:
                kept.setlist(name, sorted(set(values)))
        return kept.urlencode()


NO_QUERY = QueryReads({})


# Where the query a request came with is kept once the view is given the normalised one.
GIVEN_QUERY = "public_pages.given_query"


def read_as_view_reads(request: HttpRequest, reads: QueryReads) -> bool:
    """Give the view the normalised query: what it renders is then what its key says.
    Whether the request came with that query already (at the page's canonical address)."""
    meta = request.META
    given = meta.setdefault(GIVEN_QUERY, meta.get("QUERY_STRING", ""))
    current = meta.get("QUERY_STRING", "")
    # Most requests come with no query, and most views read none: a query that can only
    # normalise to nothing is not parsed (a warm page is answered thousands of times a
    # second).
    query = reads.normalised(request.GET) if current and reads.parameters else ""
    if query != current:
        meta["QUERY_STRING"] = query
        request.GET = QueryDict(query)
    return query == given


def given_query(request: HttpRequest) -> str:
    """The query string a request came with, before a public page normalised it (for a
    redirect, which keeps it as it was)."""
    return str(request.META.get(GIVEN_QUERY, request.META.get("QUERY_STRING", "")))


def address_of(request: HttpRequest, *varying: str) -> str:
    """A digest of what a request's answer is for: its host (answers carry absolute links
    built from it), its path and query, and whatever else `varying` names."""
    text = "\n".join((f"{request.get_host()}{request.get_full_path()}", *varying))
    return hashlib.sha256(text.encode()).hexdigest()


def page_key(request: HttpRequest, version: str) -> str:
    return f"public-pages:{version}:{get_language()}:{address_of(request)}"


# Browsers may keep a public page, and must ask again before each use; a shared cache in
# front keeps it for s-maxage seconds, until the page's expiry.
PAGE_CACHE_CONTROL = "public, max-age=0, must-revalidate"
CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"}
)


@lru_cache(maxsize=1024)
def last_modified(rendered_at: datetime) -> tuple[int, str]:
    """A page's Last-Modified, as a timestamp and as the header says it (pages are served
    thousands of times a second, and made seldom)."""
    timestamp = int(rendered_at.timestamp())
    return timestamp, http_date(timestamp)


def page_response(request: HttpRequest, page: CachedPage, *, canonical: bool) -> HttpResponseBase:
    """The kept page as an answer. The reverse proxy in front, when there is one, may keep
    it, for whole seconds that end before the page's expiry (so never past the next
    publish time), and only at its canonical address: an address with parameters the
    view does not read would keep a copy of its own there."""
    response = HttpResponse(page["content"], content_type=page["content_type"])
    timestamp, header = last_modified(page["rendered_at"])
    response["ETag"] = page["etag"]
    response["Last-Modified"] = header
    shared_seconds = 0
    # Only a proxy the site bans on every change may keep a page: any other shared cache
    # would go on serving a withdrawn statement.
    if canonical and settings.PUBLIC_PAGES["PURGE_URLS"]:
        remaining = (page["expires_at"] - timezone.now()).total_seconds()
        shared_seconds = max(0, math.floor(remaining))
    if shared_seconds:
        response["Cache-Control"] = f"{PAGE_CACHE_CONTROL}, s-maxage={shared_seconds}"
        response["Cache-Tag"] = CACHE_TAG
    else:
        response["Cache-Control"] = PAGE_CACHE_CONTROL
    if not CONDITIONAL_HEADERS.isdisjoint(request.META):
        conditional = get_conditional_response(
            request, etag=page["etag"], last_modified=timestamp, response=response
        )
        if conditional is not None:
            return conditional
    return response


def kept_by_nobody(response: HttpResponseBase) -> bool:
    """The view said that this answer is for this request only (a preview, say)."""
    control = response.get("Cache-Control", "")
    return "private" in control or "no-store" in control


def serve(
    request: HttpRequest, reads: QueryReads, respond: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    """A public page: kept, or made by `respond` (the view) and kept."""
    if request.method not in {"GET", "HEAD"}:
        return respond()
    canonical = read_as_view_reads(request, reads)
    if request.user.is_authenticated:
        response = respond()
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, max_age=0)
        return response

    now = timezone.now()
    version = content_version()
    key = page_key(request, version)
    # This process's own copy was looked for by PagesInProcessMemory, before the
    # address was resolved; here the shared cache is asked. Without a version (Redis
    # unreachable) it is not: the page is built from the database.
    page: CachedPage | None = cache.get(key) if version else None
    if page is not None and page["expires_at"] > now:
        process_pages.put(key, page, request.path, reads)
    if page is None or page["expires_at"] <= now:
        if version:
            # Read before anything of the page is: a page whose reads straddle a publish
            # time, made of what was read before it, is then not kept past it.
            request_page_expiry(request, now, version)
        response = respond()
        render = getattr(response, "render", None)
        if render is not None:
            response = render()
        if (
            response.status_code != 200
            or not isinstance(response, HttpResponse)
            or kept_by_nobody(response)
        ):
            patch_cache_control(response, max_age=0)
            return response
        page = {
            "content": response.content,
            "content_type": response["Content-Type"],
            "etag": f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
            "rendered_at": now,
            "expires_at": request_page_expiry(request, now, version),
        }
        lifetime = (page["expires_at"] - now).total_seconds()
        # Never kept without a version: a page kept under none could come back
        # after a change that no version recorded.
        if lifetime >= 1 and version:
            cache.set(key, page, timeout=int(lifetime))
            process_pages.put(key, page, request.path, reads)
    return page_response(request, page, canonical=canonical)


def cached_view(view: View, reads: QueryReads) -> View:
    @wraps(view)
    def public_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return serve(request, reads, lambda: view(request, *args, **kwargs))

    return public_view


@overload
def public_page[V](view: V, /) -> V: ...
@overload
def public_page[V](*, query: Mapping[str, QueryValue] = ...) -> Callable[[V], V]: ...
def public_page(view: Any = None, /, *, query: Mapping[str, QueryValue] | None = None) -> Any:
    """Declare a view a public page: its anonymous GETs are kept (see the module's
    docstring). `query` names every query parameter the view reads, each with its
    default (dropped when given) or a function that normalises it (page_number); any
    other parameter is dropped before the view sees it.

    Decorates a view function, a class-based view (what its as_view() makes is then a
    public page), or a class whose instances are views (a syndication Feed). A subclass
    is a public page too, reading the same parameters unless decorated again; one that
    sets `public_page_reads = None` is not (a preview of a public page, say).
    """
    reads = QueryReads(query or {})

    def decorate(view: Any) -> Any:
        if not isinstance(view, type):
            return cached_view(view, reads)
        wrapped = hasattr(view, "public_page_reads")
        setattr(view, "public_page_reads", reads)  # noqa: B010 - any class
        if wrapped:
            return view
        if hasattr(view, "as_view"):
            as_view = view.as_view.__func__

            def public_as_view(cls: Any, **initkwargs: Any) -> View:
                view = as_view(cls, **initkwargs)
                # A subclass that sets public_page_reads = None is not a public page.
                reads = cls.public_page_reads
                return view if reads is None else cached_view(view, reads)

            view.as_view = classmethod(wraps(as_view)(public_as_view))
        else:
            call = view.__call__

            @wraps(call)
            def __call__(self: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                return serve(
                    request, self.public_page_reads, lambda: call(self, request, *args, **kwargs)
                )

            setattr(view, "__call__", __call__)  # noqa: B010 - any class
        return view

    return decorate if view is None else decorate(view)


class PagesInProcessMemory:
    """A page this process holds is answered before its address is even resolved.

    The last middleware: every other one has seen the request and sees the response, so
    the answer is the one the page's view would give from this process's memory (see
    serve()), minus the work of finding the view. Only pages a public_page view kept
    are here, under the current content version, so a miss, a staff member or a change
    goes on to the view as before.

    An anonymous conditional GET to the API whose ETag this process checked last is
    answered 304 here too (see api_not_modified_in_process).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        reads = process_pages.reads_at(request.path)
        if (
            reads is not None
            and request.method in {"GET", "HEAD"}
            and not request.user.is_authenticated
        ):
            version = content_version()
            canonical = read_as_view_reads(request, reads)
            page = process_pages.get(page_key(request, version)) if version else None
            if page is not None and page["expires_at"] > timezone.now():
                return page_response(request, page, canonical=canonical)
        elif process_etags and "HTTP_IF_NONE_MATCH" in request.META:
            not_modified = api_not_modified_in_process(request)
            if not_modified is not None:
                return not_modified
        return self.get_response(request)


def never_cached(response: HttpResponseBase) -> HttpResponseBase:
    """For an answer that no one but its reader may keep (a preview)."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- the API's remembered ETags ---------------------------------------------------------

# How long an API answer's ETag is remembered. Its validity is checked in the database
# on every use (see api_validation); this only bounds what the cache holds.
API_ETAG_LIFETIME = timedelta(hours=1)


class RememberedETag(TypedDict):
    etag: str
    last_modified: int | None
    version: int
    rendered_at: datetime


class ProcessETag(NamedTuple):
    """An ETag this process checked, true until `expires_at` under the version in its key."""

    etag: str
    expires_at: datetime
    # What the view's 304 said: the same answer, however it is given.
    headers: tuple[tuple[str, str], ...]


class ProcessETags:
    """The ETags of anonymous API answers this process checked last: at most `limit`,
    least recently used first out (10,000 take about 3 MB)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.etags: OrderedDict[str, ProcessETag] = OrderedDict()

    def __bool__(self) -> bool:
        return bool(self.etags)

    def get(self, key: str) -> ProcessETag | None:
        etag = self.etags.get(key)
        if etag is not None:
            self.etags.move_to_end(key)
        return etag

    def put(self, key: str, etag: ProcessETag) -> None:
        self.etags[key] = etag
        self.etags.move_to_end(key)
        while len(self.etags) > self.limit:
            self.etags.popitem(last=False)

    def clear(self) -> None:
        self.etags.clear()


process_etags = ProcessETags(limit=10_000)


def process_etag_key(request: HttpRequest, version: str) -> str:
    """The raw Accept and Accept-Language headers stand for the format and language a
    view would choose from them: as finely as the answer can vary, or more."""
    meta = request.META
    address = address_of(request, meta.get("HTTP_ACCEPT", ""), meta.get("HTTP_ACCEPT_LANGUAGE", ""))
    return f"api-etags:{version}:{get_language()}:{address}"


def validators(etag: str, last_modified: int | None) -> tuple[tuple[str, str], ...]:
    if last_modified is None:
        return (("ETag", etag),)
    return (("ETag", etag), ("Last-Modified", http_date(last_modified)))


def not_modified(
    request: HttpRequest, etag: str, headers: tuple[tuple[str, str], ...]
) -> HttpResponseBase | None:
    """304 with `headers` when the client holds `etag` and asks nothing else of it; None
    for anything else, which the view answers in full (If-Match and the like included)."""
    meta = request.META
    held = meta.get("HTTP_IF_NONE_MATCH")
    if held is None or "HTTP_IF_MATCH" in meta or "HTTP_IF_UNMODIFIED_SINCE" in meta:
        return None
    tags = parse_etags(held)
    if tags != ["*"] and etag not in {tag.removeprefix("W/") for tag in tags}:
        return None
    response = HttpResponseNotModified()
    for name, value in headers:
        response[name] = value
    return response


def api_not_modified_in_process(request: HttpRequest) -> HttpResponseBase | None:
    """An anonymous conditional GET answered 304 from this process's memory.

    Before the API's views are even found: no key to check, no throttle to count (a
    revalidation answered from memory costs less than counting it), no cache read, no
    query. The ETag is used only under the current public content version, which every
    change replaces (see content_version), and never past the next scheduled publish
    time, as a cached page. A request with any Authorization header goes on to the view:
    what a key may see differs from what anyone may see.
    """
    if request.method not in {"GET", "HEAD"} or "HTTP_AUTHORIZATION" in request.META:
        return None
    version = content_version()
    etag = process_etags.get(process_etag_key(request, version)) if version else None
    if etag is None or etag.expires_at <= timezone.now():
        return None
    return not_modified(request, etag.etag, etag.headers)


# What a view's 304 says beside its validators.
KEPT_HEADERS = ("Vary", "Allow", "Cache-Control")


@dataclass
class ApiValidation:
    """What a conditional GET to the API learnt before the answer was built."""

    key: str
    started_at: datetime
    version: int
    remembered: RememberedETag | None
    published_since: bool
    # The public content version (empty when the cache cannot say) and the next
    # scheduled publish time, both read before the answer's rows: what an ETag kept in
    # this process's memory is true under, and until.
    public_version: str
    next_publish: datetime | None

    def not_modified(self, request: HttpRequest) -> HttpResponseBase | None:
        """304 when the remembered ETag is still the answer's and the client holds it.

        Still the answer's: made under the current version (nothing changed since that
        staff or a workflow step saved) and no statement's publish time came since it
        was made (the one change that happens with no save). Anything else builds the
        answer in full.
        """
        remembered = self.remembered
        if remembered is None or remembered["version"] != self.version or self.published_since:
            return None
        etag = remembered["etag"]
        return not_modified(request, etag, validators(etag, remembered["last_modified"]))

    def remember(self, etag: str, last_modified: int | None) -> None:
        entry: RememberedETag = {
            "etag": etag,
            "last_modified": last_modified,
            "version": self.version,
            # The time before anything of the answer was read, so that a statement
            # published while it was built counts as published since.
            "rendered_at": self.started_at,
        }
        cache.set(self.key, entry, timeout=int(API_ETAG_LIFETIME.total_seconds()))

    def keep_in_process(
        self, request: HttpRequest, response: HttpResponseBase, etag: str, last_modified: int | None
    ) -> None:
        """Keep the answer's ETag, current as of this request, in this process's memory,
        with the headers its 304 gives (Vary and Allow among them)."""
        if not self.public_version:
            return  # kept under no version, it could outlive a change no version recorded
        expires_at = self.started_at + PAGE_LIFETIME
        if self.next_publish is not None:
            expires_at = min(expires_at, self.next_publish)
        process_etags.put(
            process_etag_key(request, self.public_version),
            ProcessETag(
                etag,
                expires_at,
                validators(etag, last_modified)
                + tuple((name, response[name]) for name in KEPT_HEADERS if name in response),
            ),
        )


def api_validation(request: HttpRequest, variant: str) -> ApiValidation:
    """Read what a conditional GET needs: the remembered ETag (cache) and, in one query,
    the current version, whether a statement was published since it was made, and when
    the next one will be.

    Read before the answer's rows, so that an ETag is never remembered under a version
    newer than the rows it hashes. A cache outage reads nothing: the answer is built.
    """
    public_version = content_version()
    started_at = timezone.now()
    key = f"api-etags:{get_language()}:{variant}:{address_of(request)}"
    remembered: RememberedETag | None = cache.get(key)
    state = content_state(published_after=remembered["rendered_at"] if remembered else None)
    return ApiValidation(
        key,
        started_at,
        state.number,
        remembered,
        state.published_since,
        public_version,
        state.next_change,
    )
