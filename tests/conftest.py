import importlib
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import translation

from operations import fragments, pages
from operations.pages import process_etags, process_pages
from tests.factories import AuthorFactory, EditorFactory


def pytest_configure(config: pytest.Config) -> None:
    """What tests run with whatever the environment says (pyproject.toml gives the rest):
    the cache in this process's memory, fast password hashing, static files from the
    apps' folders (no collectstatic), e-mail to the console unless EMAIL_URL names a
    server (Django's test set-up then keeps it in mail.outbox)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Hashing passwords properly is most of the cost of creating a user in a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    if not settings.EMAIL_URL:
        settings.MAILERS = {
            "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
        }


@pytest.fixture
def author(db: None) -> User:
    return AuthorFactory(username="author")


@pytest.fixture
def editor(db: None) -> User:
    return EditorFactory(username="editor")


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test starts with no cached pages: the local-memory cache and this process's
    own copies outlive a test, and so does what this process knows of the cache (a
    test that ends with Redis away would have the next one check the version against
    the database)."""
    cache.clear()
    pages.cache_contact = pages.CacheContact()
    yield
    cache.clear()
    process_pages.clear()
    process_etags.clear()
    fragments.forget()


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language.

    A request made in another language leaves that language active in the thread: the
    addresses a test builds would be that language's, and translated fields (title, name,
    ...) written by factories would land in its columns.
    """
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def staff_groups(transactional_db: None) -> None:
    """The Authors and Editors groups, which a data migration creates and which loaddemo
    needs: a transactional test that ran earlier emptied every table, groups included."""
    migration = importlib.import_module("campaigns.migrations.0002_staff_groups")
    migration.create_groups(MigrationLoader(connection).project_state().apps, None)
