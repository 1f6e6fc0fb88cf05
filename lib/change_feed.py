"""Telling the API's change feed that a law or an organisation was saved or deleted.

The feed's entries are campaigns' rows, which the apps of laws and organisations do not
know; settings.RECORD_CHANGED names who records them. Called from the models' own
`save()` and `delete()`, so that a change made anywhere (the admin, an import, a
management command, the shell) reaches mirrors alike. (`QuerySet.update()` and
`QuerySet.delete()` skip them, as they skip `save()` and `delete()`: a caller of those
records the change itself.)

A law's answer also shows rows of its own (its timeline, provisions and their penalties,
sources, implementations): saving or deleting one is a change of the law, told once its
transaction commits, and once per transaction however many of its rows it changed (an
import of a timeline, the admin's inlines), not at all if the law's own save told the
feed in that transaction already (the admin saves the law, then its inlines). So are the
many-to-many links an answer shows (a law's rights, an organisation's parents), which
`add()`, `remove()`, `set()` and `clear()` change without any save(): see follow_relation.

The feed is not all that follows: the public pages show laws and organisations, and so do
statements (their API answers, the text search finds them by). A change told here also
changes the public pages (operations.changes.public_pages_changed()), and once the
transaction commits, once per transaction and resource, settings.RECORD_CHANGE_COMMITTED
names what follows for the statements: a change made from the shell, an import or a
management command is followed as one made in the admin.
"""

from collections.abc import Callable, Iterable
from functools import partial
from operator import attrgetter
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.fields.related import lazy_related_operation
from django.db.models.signals import m2m_changed, pre_delete
from django.utils.module_loading import import_string

from operations.changes import follow, once_after_commit, public_pages_changed

UPDATED = "updated"
DELETED = "deleted"


def tell_change_feed(resource: str, object_id: int, kind: str) -> None:
    """In the transaction of the change; for a deletion, before the row is deleted, so
    that who records it can still read what it was (whether it was public)."""
    for record in settings.RECORD_CHANGED:
        import_string(record)(resource, object_id, kind)
    if transaction.get_connection().in_atomic_block:
        # Its rows saved after it in this transaction have nothing more to tell.
        transaction.on_commit(EntryAfterCommit(resource, object_id, told=True))
    follow_after_commit(resource, object_id)


def tell_change_feed_of_rows(resource: str, object_id: int) -> None:
    """A row that this resource's answer shows was saved or deleted: the resource is
    updated, told once the transaction commits (at once outside one)."""
    if not already_told(resource, object_id):
        transaction.on_commit(EntryAfterCommit(resource, object_id, told=False))
    follow_after_commit(resource, object_id)


def follow_after_commit(resource: str, object_id: int) -> None:
    """The public pages change, and what settings.RECORD_CHANGE_COMMITTED names follows
    once the transaction commits (at once outside one): once per transaction, however
    many times the resource and its rows were saved in it."""
    public_pages_changed()
    once_after_commit(
        ("change followed", resource, object_id),
        partial(follow, settings.RECORD_CHANGE_COMMITTED, resource, object_id),
    )


class EntryAfterCommit:
    """A resource changed in the current transaction, as a callback run on its commit:
    tells the feed it was updated, unless it was `told` in the transaction itself."""

    def __init__(self, resource: str, object_id: int, told: bool) -> None:
        self.resource, self.object_id, self.told = resource, object_id, told
        self.has_run = False

    def __call__(self) -> None:
        self.has_run = True
        if not self.told:
            tell_change_feed(self.resource, self.object_id, UPDATED)


def already_told(resource: str, object_id: int) -> bool:
    """Whether the current transaction has told, or will tell on commit, that this
    resource changed. Read from the callbacks Django keeps for the commit, which it drops
    with a savepoint rolled back (and all of them with the transaction): a change undone
    is never taken for one told."""
    return any(
        isinstance(entry[1], EntryAfterCommit)
        and not entry[1].has_run
        and (entry[1].resource, entry[1].object_id) == (resource, object_id)
        for entry in transaction.get_connection().run_on_commit
    )


class ShownInAnswer(Model):
    """A row that a resource's answer shows (a law's source, an organisation's
    identifier): saving or deleting it, wherever that is done, is a change of the
    resource, told as tell_change_feed_of_rows() tells it. `shown_in` names the resource
    and the attribute that holds its id ("law", "provision.law_id")."""

    shown_in: ClassVar[tuple[str, str]]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self.tell_change_feed()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self.tell_change_feed()
        return super().delete(*args, **kwargs)

    def tell_change_feed(self) -> None:
        resource, attribute = self.shown_in
        tell_change_feed_of_rows(resource, attrgetter(attribute)(self))


def follow_relation(
    relation: Any, model: type[Model], shown_by: Callable[[set[int], set[int]], Iterable[int]]
) -> None:
    """A many-to-many relation (`relation`: the descriptor, `Law.rights`) that the answers
    of `model`'s rows (the resource named after it: "law") show: each link added or
    removed, from either side, is a change of the rows `shown_by(owners, related)` names,
    given the ids of the rows on the side that declares the field and of those on the
    other side."""
    resource = model._meta.model_name or ""
    field = relation.field
    through = relation.through

    def changed(
        instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
    ) -> None:
        if action in {"pre_clear", "pre_remove"}:
            # The links there are, read before they go: remove() names ids whether they
            # are linked or not (add() names only those it adds).
            mine, theirs = field.m2m_field_name(), field.m2m_reverse_field_name()
            if reverse:
                mine, theirs = theirs, mine
            links = through.objects.filter(**{mine: instance.pk})
            if action == "pre_remove":
                links = links.filter(**{f"{theirs}__in": pk_set or ()})
            pk_set = set(links.values_list(theirs, flat=True))
        elif action != "post_add":
            return
        if not pk_set:
            return
        owners, related = (set(pk_set), {instance.pk}) if reverse else ({instance.pk}, pk_set)
        for object_id in set(shown_by(owners, related)):
            tell_change_feed_of_rows(resource, object_id)

    def deleting(instance: Any, origin: Any = None, **kwargs: Any) -> None:
        """A row at either end is deleted: its links go with it, with no m2m_changed.
        Not told of the rows of `model` deleted with it: their deletion is their entry
        (told by their delete() or the admin's, or by whoever deletes a queryset)."""
        owners: set[int] = set()
        related: set[int] = set()
        if isinstance(instance, field.model):
            related |= linked(field.m2m_field_name(), field.m2m_reverse_field_name(), instance)
        if isinstance(instance, field.related_model):
            owners |= linked(field.m2m_reverse_field_name(), field.m2m_field_name(), instance)
        if not (owners or related):
            return
        if isinstance(instance, field.model):
            owners.add(instance.pk)
        if isinstance(instance, field.related_model):
            related.add(instance.pk)
        gone = deleted_with(origin, model)
        if isinstance(instance, model):
            gone.add(instance.pk)
        for object_id in set(shown_by(owners, related)) - gone:
            tell_change_feed_of_rows(resource, object_id)

    def linked(mine: str, theirs: str, instance: Any) -> set[int]:
        return set(through.objects.filter(**{mine: instance.pk}).values_list(theirs, flat=True))

    label = through._meta.label
    m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=label)

    def connect_deletions(*models: Any) -> None:
        for model in set(models):
            uid = f"{label}:{model._meta.label}"
            pre_delete.connect(deleting, sender=model, weak=False, dispatch_uid=uid)

    # Once the model at the other end is loaded (it may be named by a string).
    lazy_related_operation(connect_deletions, field.model, field.remote_field.model)


def deleted_with(origin: Any, model: type[Model]) -> set[int]:
    """The rows of `model` a deletion started from (Django's `origin`: the instance or the
    queryset whose delete() it is), read once per deletion, before anything is deleted."""
    if isinstance(origin, model):
        return {origin.pk}
    if not (isinstance(origin, QuerySet) and issubclass(origin.model, model)):
        return set()
    if "deleted_ids" not in origin.__dict__:
        origin.__dict__["deleted_ids"] = set(origin.values_list("pk", flat=True))
    return set(origin.__dict__["deleted_ids"])
