"""Links between the API's resources, as absolute URLs."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def absolute(path: str, context: Mapping[str, Any]) -> str:
    """The full URL of a path: on the host asked, or on SITE_URL without a request (webhooks).

    An `origin` in the context is put before the path instead: a stored answer is built
    with a stand-in for the host, which each request's own host replaces.
    """
    origin = context.get("origin")
    if origin is not None:
        return f"{origin}{path}"
    request = context.get("request")
    if request is not None:
        return str(request.build_absolute_uri(path))
    return settings.SITE_URL.rstrip("/") + path


@extend_schema_field(OpenApiTypes.URI)
class ApiLinkField(serializers.Field):
    """The API address of a resource, from the id the object already holds (no query).

    `id_attribute` names the attribute holding the id: "pk" for the object itself,
    "campaign_id" for what a foreign key points to.
    """

    def __init__(self, route: str, id_attribute: str = "pk", **kwargs: Any) -> None:
        self.route = route
        self.id_attribute = id_attribute
        kwargs.update(read_only=True, source="*")
        kwargs.setdefault("help_text", "Its address in this API: GET it for the whole record.")
        super().__init__(**kwargs)

    # Stands for the id while the route is reversed once; the router's ids match any
    # text without "/" or ".", and this text is never quoted by reverse().
    ID_PLACEHOLDER = "0id0"

    def to_representation(self, value: Any) -> str | None:
        identifier = getattr(value, self.id_attribute)
        if identifier is None:
            return None
        prefix, suffix = self.link_parts()
        return f"{prefix}{int(identifier)}{suffix}"

    def link_parts(self) -> tuple[str, str]:
        """The full URL before and after the id, reversed once per serializer, not per link.

        A list of statements links to thousands of resources; reversing and making each
        link absolute one by one was most of the time its answer took. The field lives
        as long as the serializer that owns it (one answer), so the host asked is the same.
        """
        parts: tuple[str, str] | None = getattr(self, "_link_parts", None)
        if parts is None:
            path = reverse(f"api:{self.route}", kwargs={"pk": self.ID_PLACEHOLDER})
            prefix, suffix = absolute(path, self.context).split(self.ID_PLACEHOLDER)
            parts = self._link_parts = (prefix, suffix)
        return parts


@extend_schema_field(OpenApiTypes.URI)
class PageLinkField(serializers.Field):
    """The public page of an object (its get_absolute_url), as a full URL."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(read_only=True, source="*")
        kwargs.setdefault("help_text", "Its public page on the site, for people to read.")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return absolute(value.get_absolute_url(), self.context)


def help_texts(**texts: str) -> dict[str, dict[str, str]]:
    """A ModelSerializer's `extra_kwargs` describing the fields it takes from its model.

    A model's own help_text is written for the editors in the admin; the API's
    descriptions are written for a partner's developer, and say when a value is null.
    """
    return {name: {"help_text": text} for name, text in texts.items()}


# What these mean wherever a model gives them.
RECORD_HELP_TEXTS = help_texts(
    id="Its id: a whole number that never changes.",
    slug=(
        "A readable name for it, unique among its kind: lowercase letters, digits and "
        "hyphens. It may change when the name does; the id never does."
    ),
    created_at="When it was first entered here (UTC).",
    updated_at="When it was last changed here (UTC); lists filter on it with `updated_since`.",
)
