"""The one call that says the public may now see something else.

Called where content changes: the workflow's steps and the other model methods that
change what is public, the admin's saves and imports, management commands, the demo
data. It knows nothing of what follows; settings.PUBLIC_CONTENT_CHANGED names it, in
order: the public pages' cache counts the change and sets a new version (and bans the
pages the proxy in front keeps), then the bulk files are rebuilt.

Other changes are told the same way, to the functions other settings name (what follows
a statement's change, a correction, a decision on a sign-on request): `follow()` and
`follow_after_commit()` call them, so that the models that change need not import the
modules that act on the change, which read those models.
"""

from collections.abc import Callable, Hashable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string


def public_pages_changed() -> None:
    """After the current transaction commits (at once outside one): before, a request
    could cache the old content again under the new version. Once per transaction,
    however many of its changes call it (an import of many laws, the admin's log after
    the model's own save): one new version shows them all."""
    once_after_commit(follow_change, follow_change)


def once_after_commit(key: Hashable, function: Callable[[], None]) -> None:
    """Call `function` once the current transaction commits (at once outside one), once
    however many times the transaction asks for it under the same `key`."""
    pending = (
        entry[1]
        for entry in transaction.get_connection().run_on_commit
        if isinstance(entry[1], OnceAfterCommit) and entry[1].key == key and not entry[1].ran
    )
    transaction.on_commit(OnceAfterCommit(key, function, next(pending, None)))


class OnceAfterCommit:
    """One of the callbacks a transaction registered under the same key: the first of them
    to run calls the function, the others nothing. Each asking is registered, not only
    the first, so that one dropped with a savepoint rolled back leaves the others to run."""

    def __init__(
        self, key: Hashable, function: Callable[[], None], first: "OnceAfterCommit | None"
    ) -> None:
        self.key, self.function = key, function
        # Shared by the callbacks of the same key: whether one of them has run.
        self.runs: list[bool] = first.runs if first else [False]

    @property
    def ran(self) -> bool:
        return self.runs[0]

    def __call__(self) -> None:
        if not self.ran:
            self.runs[0] = True
            self.function()


def follow_change() -> None:
    follow(settings.PUBLIC_CONTENT_CHANGED)


def follow(functions: Iterable[str], *args: Any) -> None:
    """Call each function a setting names (by dotted path, in its order) with these
    arguments, now."""
    for path in functions:
        import_string(path)(*args)


def follow_after_commit(functions: Iterable[str], *args: Any) -> None:
    """Call each function a setting names with these arguments once the current
    transaction commits (at once outside one)."""
    for path in functions:
        transaction.on_commit(partial(import_string(path), *args))


class ChangesPublicPages:
    """For a ModelAdmin of what the public sees: each addition, change and deletion it
    saves (each one the admin logs, inlines with their parent), and each import it
    confirms, changes the public pages. An admin action that saves without the admin's
    log calls public_pages_changed() itself."""

    def log_addition(self, *args: Any, **kwargs: Any) -> Any:
        public_pages_changed()
        return super().log_addition(*args, **kwargs)  # type: ignore[misc]

    def log_change(self, *args: Any, **kwargs: Any) -> Any:
        public_pages_changed()
        return super().log_change(*args, **kwargs)  # type: ignore[misc]

    def log_deletions(self, *args: Any, **kwargs: Any) -> Any:
        public_pages_changed()
        return super().log_deletions(*args, **kwargs)  # type: ignore[misc]

    def process_result(self, *args: Any, **kwargs: Any) -> Any:
        """django-import-export's step after an import is confirmed."""
        public_pages_changed()
        return super().process_result(*args, **kwargs)  # type: ignore[misc]
