"""Links between the API's resources, as absolute URLs."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def absolute(path: str, context: Mapping[str, Any]) -> str:
    """The full URL of a path: on the host asked, or on SITE_URL without a request (webhooks)."""
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
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        identifier = getattr(value, self.id_attribute)
        if identifier is None:
            return None
        return absolute(reverse(f"api:{self.route}", kwargs={"pk": identifier}), self.context)


@extend_schema_field(OpenApiTypes.URI)
class PageLinkField(serializers.Field):
    """The public page of an object (its get_absolute_url), as a full URL."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return absolute(value.get_absolute_url(), self.context)
