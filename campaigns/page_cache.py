"""Caching of public pages, and the one switch that makes every cached copy obsolete.

Every cached page is keyed by a site-wide content version. Saving anything in the admin
and every workflow step change the version, so a change shows at once; a cached copy
also never lives past the next scheduled publish time, so a statement appears the moment
its time comes, and nothing is ever served from before a withdrawal. Only anonymous GETs
are cached: staff see edit links and previews, which must never be shared.

Browsers and proxies are told to revalidate every time (`max-age=0`); the ETag and
Last-Modified make that cheap, answered with 304 from the cache without a query.

Each process also keeps the pages it served last in its own memory, under the same
versioned key, and holds the content version itself until Redis pushes word that it
changed; so a warm page costs no round trip at all. That copy is used only when the
shared content version is known: a change made in another process, or a Redis outage,
can never bring back a page the shared cache would not serve.
"""

import hashlib
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache, wraps
from typing import Any, NamedTuple, TypedDict, cast
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Exists, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date, parse_etags
from django.utils.module_loading import import_string
from django.utils.translation import get_language

from .models import PublicContentVersion, Statement

CONTENT_VERSION_KEY = "public-pages:content-version"
# The longest a page is kept even when nothing changes: a bound on any mistake.
PAGE_LIFETIME = timedelta(minutes=10)

type View = Callable[..., HttpResponseBase]


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
    number (PublicContentVersion), and each version carries the number it was set
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
    cache.set(CONTENT_VERSION_KEY, version, timeout=None)
    forget = getattr(cache, "forget_watched", None)
    if forget is not None:
        forget(CONTENT_VERSION_KEY)
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
        number = PublicContentVersion.current_number()
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


class ProcessPages:
    """The pages this process served last, least recently used first out, within a budget
    of bytes (each gunicorn worker has its own; 16 MB keeps a worker well under its
    memory target). It also counts the paths it holds pages for, so that a request for
    anything else is told so without hashing its address."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.pages: OrderedDict[str, CachedPage] = OrderedDict()
        self.path_of: dict[str, str] = {}
        self.paths: Counter[str] = Counter()

    def get(self, key: str) -> CachedPage | None:
        page = self.pages.get(key)
        if page is not None:
            self.pages.move_to_end(key)
        return page

    def holds_path(self, path: str) -> bool:
        return path in self.paths

    def put(self, key: str, page: CachedPage, path: str) -> None:
        if len(page["content"]) > self.budget // 4:
            return
        self.discard(key)
        self.pages[key] = page
        self.path_of[key] = path
        self.paths[path] += 1
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

    def clear(self) -> None:
        self.pages.clear()
        self.path_of.clear()
        self.paths.clear()
        self.size = 0


process_pages = ProcessPages(budget=16 * 1024 * 1024)


def refresh_public_pages() -> None:
    """Make every cached public page obsolete. Called where content changes, after commit.

    The API's remembered ETags are made obsolete through the database's number, which a
    Redis outage cannot lose (see PublicContentVersion).
    """
    number = PublicContentVersion.raise_number()
    # What else follows (the bulk files, rebuilt by the worker): named in settings, so
    # that the cache need not know it.
    for follow in settings.PUBLIC_CONTENT_CHANGED:
        import_string(follow)()
    version = new_content_version(number)
    if cache.get(CONTENT_VERSION_KEY) != version:
        # Not set (Redis unreachable), or already replaced by another process's change:
        # either way the next request checks the version against the database.
        cache_contact.lost = True


def page_expiry(now: datetime) -> datetime:
    """When a page rendered now stops being true: at the latest, the next publish time."""
    # The translation-aware manager's stubs lose the type of values_list().
    next_publish = cast(
        "datetime | None",
        Statement.objects.scheduled()
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first(),
    )
    expiry = now + PAGE_LIFETIME
    return min(expiry, next_publish) if next_publish else expiry


def address_of(request: HttpRequest, *varying: str) -> str:
    """A digest of what a request's answer is for: its host (answers carry absolute links
    built from it), its path and query, and whatever else `varying` names."""
    text = "\n".join((f"{request.get_host()}{request.get_full_path()}", *varying))
    return hashlib.sha256(text.encode()).hexdigest()


def page_key(request: HttpRequest, version: str) -> str:
    return f"public-pages:{version}:{get_language()}:{address_of(request)}"


# Browsers and proxies may keep a public page, and must ask again before each use.
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


def page_response(request: HttpRequest, page: CachedPage) -> HttpResponseBase:
    response = HttpResponse(page["content"], content_type=page["content_type"])
    timestamp, header = last_modified(page["rendered_at"])
    response["ETag"] = page["etag"]
    response["Last-Modified"] = header
    response["Cache-Control"] = PAGE_CACHE_CONTROL
    if not CONDITIONAL_HEADERS.isdisjoint(request.META):
        conditional = get_conditional_response(
            request, etag=page["etag"], last_modified=timestamp, response=response
        )
        if conditional is not None:
            return conditional
    return response


def cached_public_page(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in {"GET", "HEAD"}:
            return view(request, *args, **kwargs)
        if request.user.is_authenticated:
            response = view(request, *args, **kwargs)
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
            process_pages.put(key, page, request.path)
        if page is None or page["expires_at"] <= now:
            response = view(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if render is not None:
                response = render()
            if response.status_code != 200 or not isinstance(response, HttpResponse):
                patch_cache_control(response, max_age=0)
                return response
            page = {
                "content": response.content,
                "content_type": response["Content-Type"],
                "etag": f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
                "rendered_at": now,
                "expires_at": page_expiry(now),
            }
            lifetime = (page["expires_at"] - now).total_seconds()
            # Never kept without a version: a page kept under none could come back
            # after a change that no version recorded.
            if lifetime >= 1 and version:
                cache.set(key, page, timeout=int(lifetime))
                process_pages.put(key, page, request.path)
        return page_response(request, page)

    return wrapper


class PagesInProcessMemory:
    """A page this process holds is answered before its address is even resolved.

    The last middleware: every other one has seen the request and sees the response, so
    the answer is the one the page's view would give from this process's memory (see
    cached_public_page), minus the work of finding the view. Only pages a
    cached_public_page view kept are here, under the current content version, so a
    miss, a staff member or a change goes on to the view as before.

    An anonymous conditional GET to the API whose ETag this process checked last is
    answered 304 here too (see api_not_modified_in_process).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            process_pages.holds_path(request.path)
            and request.method in {"GET", "HEAD"}
            and not request.user.is_authenticated
        ):
            version = content_version()
            page = process_pages.get(page_key(request, version)) if version else None
            if page is not None and page["expires_at"] > timezone.now():
                return page_response(request, page)
        elif process_etags and "HTTP_IF_NONE_MATCH" in request.META:
            not_modified = api_not_modified_in_process(request)
            if not_modified is not None:
                return not_modified
        return self.get_response(request)


def never_cached(response: HttpResponseBase) -> HttpResponseBase:
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    return response


class AdminChangesRefreshPublicPages:
    """Any change made through the admin makes the cached public pages obsolete.

    Every admin write is a POST (forms, actions, deletions), so this is the admin's one
    save path for all models: laws, organisations and campaigns alike.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        if (
            request.method == "POST"
            and match is not None
            and match.namespace == "admin"
            and match.url_name not in {"login", "logout", "password_change"}
        ):
            refresh_public_pages()
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
    since = remembered["rendered_at"] if remembered else started_at
    next_publish = Statement.objects.scheduled().order_by("publish_at").values("publish_at")[:1]
    row = (
        PublicContentVersion.objects.filter(pk=1)
        .annotate(
            published_since=Exists(Statement.objects.published().filter(publish_at__gt=since)),
            next_publish=Subquery(next_publish),
        )
        .values_list("number", "published_since", "next_publish")
        .first()
    )
    if row is None:  # never raised yet (or the table was emptied): start it
        number = PublicContentVersion.objects.get_or_create(pk=1)[0].number
        return ApiValidation(key, started_at, number, remembered, True, "", None)
    version, published_since, next_publish_at = row
    return ApiValidation(
        key, started_at, version, remembered, published_since, public_version, next_publish_at
    )
