from collections.abc import Iterator
from itertools import count

import pytest
from django.http import HttpRequest

from operations import fragments, pages


@pytest.fixture
def page_cache_never_answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every request its own page key, as for a page whose entry has expired: the page
    is built by its view each time, and only the parts kept below the cache may answer."""
    page_key = pages.page_key
    requests = count()

    def own_page_key(request: HttpRequest, version: str) -> str:
        return f"{page_key(request, version)}:{next(requests)}"

    monkeypatch.setattr(pages, "page_key", own_page_key)
    fragments.forget()
    yield
    fragments.forget()
