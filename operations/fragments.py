"""The parts of public pages a process keeps below the page cache, keyed by the content
version.

The page cache keys a whole page by its address; a page it does not hold (another query,
an entry past its lifetime or its publish time, another host or language) is built
afresh. Much of what such a page shows is the same as last time: a statement's article,
a law's record. A view keeps such a part here, made by a function that reads what the
part needs from the database and renders it:

    body = fragments.kept(request, "statement", statement.pk, statement.version,
                          make=lambda: render_to_string(...))

A part is kept under the current content version (operations.pages.content_version),
which every change the public may see replaces (a correction, a withdrawal, a signature,
a law's new status), the page's language and host, and whatever the view adds to its key
(a statement's id and version); and never past the next publish time, as a page is not.
So it is never served after a change, and a part made for one statement is never
another's. Nothing is kept when the content version cannot be read (Redis unreachable):
the part is made for this request only.

A view that reads less of the database when it has a part already (a statement's page,
which then asks the publication gate only whether the statement it shows is still public;
a list, which reads only the rows not kept) looks for it with `find()`, and keeps what it
made with `put()`.

Only what the public may see is ever kept: a view keeps a part only for a request that
is not a staff member's, of an object its public queryset found.
"""

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from . import pages

# Parts held by each process, least recently used first out, within a budget of
# characters (as the pages it keeps: a worker stays well under its memory target).
BUDGET = 8 * 1024 * 1024

# Where a request keeps the content version its parts are kept under.
CONTENT_VERSION = "public_pages.parts_version"

_kept: OrderedDict[str, tuple[datetime, object, int]] = OrderedDict()
_size = 0


def size_of(part: object) -> int:
    """About how much a part holds: its text, or its texts (a row's among them); a number;
    a list of them."""
    if isinstance(part, str):
        return len(part)
    if isinstance(part, int):
        return 36  # a Python int, and its place in a list
    if isinstance(part, list | tuple):
        if len(part) > 100 and isinstance(part[0], tuple):
            # A long list of like rows (a search's ranking: an id and a language each),
            # sized by its first: summing a thousand rows' sizes took most of a
            # millisecond of every search built afresh.
            return len(part) * size_of(part[0])
        return sum(size_of(item) for item in part)
    if isinstance(part, Model):
        return 1024 + sum(len(value) for value in vars(part).values() if isinstance(value, str))
    return 1024


def kept[T](request: HttpRequest, name: str, *key: object, make: Callable[[], T]) -> T:
    """The part `name` for `key`, as kept under the current content version, or made."""
    part = find(request, name, *key)
    if part is None:
        part = make()
        put(request, name, *key, part=part)
    return cast(T, part)


def find(request: HttpRequest, name: str, *key: object) -> Any:
    """The part `name` for `key` as kept under the current content version, or None: for
    a view that reads less of the database when it has the part already (it then makes
    the part itself, and puts it here)."""
    address = address_of(request, name, key)
    found = _kept.get(address) if address else None
    if found is None or found[0] <= timezone.now():
        return None
    _kept.move_to_end(address)
    return found[1]


def put(request: HttpRequest, name: str, *key: object, part: object) -> None:
    """Keep the part `name` for `key` under the current content version, in place of
    any kept before; not for a request that gets no kept part (see address_of)."""
    address = address_of(request, name, key)
    if address:
        now = timezone.now()
        keep(address, pages.request_page_expiry(request, now, request.META[CONTENT_VERSION]), part)


def address_of(request: HttpRequest, name: str, key: tuple[object, ...]) -> str:
    """Where the part `name` for `key` is kept for this request; empty when none is: for a
    member of staff, or when the content version cannot be read."""
    if request.user.is_authenticated:
        return ""
    # Read once a request, however many parts it asks for (a list's rows).
    version = request.META.get(CONTENT_VERSION)
    if version is None:
        version = request.META[CONTENT_VERSION] = pages.content_version()
    if not version:
        return ""
    return f"{version}:{get_language()}:{request.get_host()}:{name}:{':'.join(map(str, key))}"


def keep(address: str, expires_at: datetime, part: object) -> None:
    global _size
    size = size_of(part)
    if size > BUDGET // 4:
        return
    old = _kept.pop(address, None)
    if old is not None:
        _size -= old[2]
    _kept[address] = (expires_at, part, size)
    _size += size
    while _size > BUDGET:
        _size -= _kept.popitem(last=False)[1][2]


def forget() -> None:
    """Forget every part this process keeps (tests; the benchmark's coldest pages)."""
    global _size
    _kept.clear()
    _size = 0
