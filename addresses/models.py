"""The earlier addresses of public pages, kept so that a link once given out never breaks.

A statement, law, organisation, campaign or coalition is found by its slug, beside (for a
statement) the year or (for a law) the country its address names. When any of that
changes, the address the object had is kept here, in the same transaction as the change,
and its pages answer there with a permanent redirect to where they are now (see
addresses/views.py). An address kept for one object is never taken by another of its kind.

What an address holds is read from the object's own `get_absolute_url()`, so it follows
whatever that method says: a statement's year is the one its address shows, however that
year is worked out.
"""

from collections.abc import Mapping
from typing import Any, Self
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, router, transaction
from django.urls import NoReverseMatch, get_script_prefix, resolve
from django.utils import translation
from django.utils.translation import gettext_lazy as _

type Address = tuple[str, str]


def scope_of(address: Mapping[str, object]) -> str:
    """What an address holds beside its slug, as one text: a statement's year ("2012"), a
    law's country ("ru"), nothing for the others. `address` is the address's URL arguments."""
    return "/".join(str(address[name]).lower() for name in sorted(address) if name != "slug")


def address_of(obj: models.Model) -> Address | None:
    """The scope and slug of the address `obj.get_absolute_url()` gives; None for an object
    that has no valid address (a law not yet given a country)."""
    try:
        url = urlsplit(obj.get_absolute_url()).path  # type: ignore[attr-defined]
    except NoReverseMatch:
        return None
    path = "/" + url.removeprefix(get_script_prefix())
    # The address may be in another language than the active one (a statement is linked
    # in a language it is written in), and only that language's prefix resolves.
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        arguments = resolve(path).kwargs
    return scope_of(arguments), str(arguments["slug"])


class FormerAddressQuerySet(models.QuerySet["FormerAddress"]):
    def at(self, model: type[models.Model], address: Mapping[str, object]) -> Self:
        """The earlier address of an object of `model` that these URL arguments name."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(model),
            scope=scope_of(address),
            slug=address["slug"],
        )

    def object_at[M: models.Model](
        self, objects: models.QuerySet[M], address: Mapping[str, object]
    ) -> M | None:
        """The one of `objects` whose earlier address this is, if any: one query."""
        earlier = self.at(objects.model, address).values("object_id")
        return next(iter(objects.filter(pk__in=earlier).order_by()[:1]), None)


class FormerAddress(models.Model):
    """An address an object's page had before its slug (or its year, or country) changed."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of page")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    scope = models.CharField(
        _("year or country"),
        max_length=16,
        blank=True,
        help_text=_("What the address held beside the slug: a statement's year, a law's country."),
    )
    # Looked up together with the kind: the unique constraint's index serves.
    slug = models.SlugField(_("slug"), max_length=150, db_index=False)
    created_at = models.DateTimeField(_("left on"), auto_now_add=True)

    objects = FormerAddressQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "object_id", "-created_at"]
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")
        constraints = [
            # An earlier address leads to one object. Its index answers the pages' look-up
            # of an address not found among current slugs (FormerAddressQuerySet.at), and,
            # by its first two columns, the check that a new slug is no one else's
            # earlier one (KeepsFormerAddresses.former_address_holder).
            models.UniqueConstraint(
                fields=["content_type", "slug", "scope"],
                name="former_address_unique_per_kind",
                violation_error_message=_("This address already leads to another page."),
            ),
        ]
        indexes = [
            # An object's own earlier addresses: taking one back, and deleting the object.
            models.Index(fields=["content_type", "object_id"], name="former_address_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}/{self.slug}" if self.scope else self.slug


class KeepsFormerAddresses(models.Model):
    """A model whose pages keep their earlier addresses.

    `save()` compares the address with the stored row's and, when it changed, keeps the
    earlier one in the same transaction: a slug changed in the admin, by an import, from
    the shell or by restoring a version from the history is kept alike. That is the
    integrity of the record, like a foreign key, not a side effect: nothing is sent or
    queued. (`QuerySet.update()` writes rows without `save()`, and keeps nothing: change
    slugs through the model.)
    """

    former_addresses = GenericRelation(FormerAddress)

    # Whether the slug is unique only within the rest of its address (a law's within its
    # country); otherwise an earlier slug is kept from every other object of the kind.
    slug_unique_within_scope = False

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            stored = (
                type(self)._base_manager.using(using).filter(pk=self.pk).first()
                if self.pk is not None
                else None
            )
            address = address_of(self)
            earlier = address_of(stored) if stored is not None else None
            if address == earlier or address is None:
                super().save(*args, **kwargs)
                return
            if (holder := self.former_address_holder()) is not None:
                # The admin and imports say so before saving (validate_unique); this is
                # the last guard, for a save that skipped validation.
                raise IntegrityError(str(self.taken_message(holder)))
            super().save(*args, **kwargs)
            if stored is None:
                return
            # An object may take back an address it had: it is no longer an earlier one.
            self.former_addresses.filter(scope=address[0], slug=address[1]).delete()
            if earlier is not None and stored.address_was_given_out():
                scope, slug = earlier
                self.former_addresses.create(scope=scope, slug=slug)

    def address_was_given_out(self) -> bool:
        """Whether anyone outside may hold this object's address: then it is kept when it
        changes. A page that was never public (a draft statement) has nothing to keep."""
        return True

    def former_address_holder(self) -> models.Model | None:
        """Another object of this kind that this one's address was an earlier address of."""
        address = address_of(self)
        if address is None:
            return None  # no valid address yet: the fields say what is wrong
        scope, slug = address
        earlier = FormerAddress.objects.filter(
            content_type=ContentType.objects.get_for_model(type(self)), slug=slug
        )
        if self.slug_unique_within_scope:
            earlier = earlier.filter(scope=scope)
        if self.pk is not None:
            earlier = earlier.exclude(object_id=self.pk)
        row = earlier.first()
        return row.content_object if row is not None else None

    def taken_message(self, holder: models.Model) -> str:
        return str(
            _(
                "This slug was an earlier address of the %(kind)s “%(name)s”, and links to "
                "that address still lead there. Choose another slug."
            )
            % {"kind": holder._meta.verbose_name, "name": holder}
        )

    def validate_unique(self, exclude: Any = None) -> None:
        super().validate_unique(exclude)
        if exclude and "slug" in exclude:
            return
        holder = self.former_address_holder()
        if holder is not None:
            raise ValidationError(
                {"slug": ValidationError(self.taken_message(holder), code="former_address")}
            )
