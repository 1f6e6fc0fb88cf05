"""Alerts in the admin: subscriptions counted by topic, the log of what was sent, the next
digest, and an address's data exported or erased.

Addresses are personal data that most staff have no need to see: they appear, and the
subscribers' list opens, only to staff with the permission "Can see subscribers' e-mail
addresses" (alerts.view_address). Everyone else with the view permissions sees topics,
counts and the log without them.
"""

import json
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.models import Campaign
from legislation.models import Law
from organisations.models import Organisation

from .models import AlertEvent, Delivery, Subscriber, Subscription
from .sending import digest_preview

ADDRESS_PERMISSION = "alerts.view_address"


def may_see_addresses(request: HttpRequest) -> bool:
    return request.user.has_perm(ADDRESS_PERMISSION)


def address_or_hidden(request: HttpRequest, subscriber: Subscriber) -> str:
    return subscriber.email if may_see_addresses(request) else str(_("(hidden)"))


class SubscriptionInline(admin.TabularInline[Subscription, Subscriber]):
    model = Subscription
    fields = readonly_fields = ["kind", "topic", "frequency", "created_at", "confirmed_at"]  # type: ignore[assignment]
    extra = 0
    can_delete = False

    @admin.display(description=_("topic"))
    def topic(self, subscription: Subscription) -> str:
        return subscription.topic_label()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin[Subscriber]):
    """The addresses: open only to staff who may see them."""

    list_display = ["email", "language", "created_at", "subscription_count", "disabled_at"]
    list_filter = ["language", ("disabled_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    fields = readonly_fields = [  # type: ignore[assignment]
        "email",
        "language",
        "created_at",
        "disabled_at",
        "disabled_reason",
    ]
    inlines = [SubscriptionInline]
    actions = ["export_data", "erase"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscriber]:
        return super().get_queryset(request).annotate(subscription_total=Count("subscriptions"))

    @admin.display(description=_("subscriptions"), ordering="subscription_total")
    def subscription_count(self, subscriber: Subscriber) -> int:
        return int(getattr(subscriber, "subscription_total", 0))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_see_addresses(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Subscriber | None = None) -> bool:
        return may_see_addresses(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Only the address's holder subscribes it, through the confirmation link.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Subscriber | None = None) -> bool:
        return False

    @admin.action(description=_("Export the selected addresses' data (JSON)"))
    def export_data(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> HttpResponse:
        data = [subscriber.exported() for subscriber in queryset]
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="alerts-subscribers.json"'
        return response

    @admin.action(
        description=_("Erase the selected addresses and everything about them"),
        permissions=["delete"],
    )
    def erase(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        count = 0
        for subscriber in queryset:
            subscriber.erase()
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d address erased, with its alerts and their log.",
                "%(count)d addresses erased, with their alerts and their log.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    """Who follows what: the counts per topic above the list, addresses only by permission."""

    change_list_template = "admin/alerts/subscription/change_list.html"
    list_display = ["topic", "frequency", "address", "created_at", "confirmed_at"]
    list_filter = [
        "kind",
        "frequency",
        ("confirmed_at", admin.EmptyFieldListFilter),
        "subscriber__language",
    ]
    list_select_related = ["subscriber", "campaign", "organisation", "law"]
    fields = readonly_fields = [  # type: ignore[assignment]
        "kind",
        "campaign",
        "organisation",
        "law",
        "country",
        "frequency",
        "created_at",
        "confirmed_at",
    ]

    @admin.display(description=_("topic"))
    def topic(self, subscription: Subscription) -> str:
        return subscription.topic_label()

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = list(super().get_list_display(request))
        return shown if may_see_addresses(request) else [f for f in shown if f != "address"]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return ["subscriber__email"] if may_see_addresses(request) else []

    @admin.display(description=_("e-mail address"), ordering="subscriber__email")
    def address(self, subscription: Subscription) -> str:
        return subscription.subscriber.email

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Subscription | None = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().changelist_view(
            request, {**(extra_context or {}), "topic_counts": topic_counts()}
        )


def topic_counts() -> list[dict[str, Any]]:
    """Confirmed subscriptions per topic, most followed first (the first 200 topics)."""
    rows = list(
        Subscription.objects.filter(confirmed_at__isnull=False)
        .values("kind", "campaign", "organisation", "law", "country")
        .annotate(count=Count("pk"))
        .order_by("-count", "kind")[:200]
    )
    # One query per kind of topic for the names, whatever the number of topics.
    campaigns = Campaign.objects.in_bulk([row["campaign"] for row in rows if row["campaign"]])
    organisations = Organisation.objects.in_bulk(
        [row["organisation"] for row in rows if row["organisation"]]
    )
    laws = Law.objects.in_bulk([row["law"] for row in rows if row["law"]])
    counted = []
    for row in rows:
        topic = Subscription(
            kind=row["kind"],
            campaign=campaigns.get(row["campaign"]),
            organisation=organisations.get(row["organisation"]),
            law=laws.get(row["law"]),
            country=row["country"],
        )
        counted.append(
            {
                "kind": Subscription.Kind(row["kind"]).label,
                "topic": topic.topic_label(),
                "count": row["count"],
            }
        )
    return counted


@admin.register(AlertEvent)
class AlertEventAdmin(admin.ModelAdmin[AlertEvent]):
    """What happened that subscribers were told of, with how many were told."""

    list_display = ["__str__", "kind", "occurred_at", "matched_at", "sent", "waiting"]
    list_filter = ["kind"]
    list_select_related = ["statement", "law_event__law"]
    date_hierarchy = "occurred_at"
    fields = readonly_fields = [  # type: ignore[assignment]
        "kind",
        "statement",
        "law_event",
        "occurred_at",
        "matched_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AlertEvent]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
                waiting_count=Count(
                    "deliveries", filter=Q(deliveries__status__in=Delivery.WAITING)
                ),
            )
        )

    @admin.display(description=_("sent"))
    def sent(self, event: AlertEvent) -> int:
        return int(getattr(event, "sent_count", 0))

    @admin.display(description=_("waiting"))
    def waiting(self, event: AlertEvent) -> int:
        return int(getattr(event, "waiting_count", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AlertEvent | None = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    """The log of what was sent: each message, its fate, and why not."""

    change_list_template = "admin/alerts/delivery/change_list.html"
    list_display = ["event", "address", "status", "attempt_count", "created_at", "sent_at"]
    list_filter = ["status", "event__kind"]
    list_select_related = ["event__statement", "event__law_event__law", "subscriber"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [  # type: ignore[assignment]
        "event",
        "subscription",
        "status",
        "attempt_count",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "error",
    ]

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = list(super().get_list_display(request))
        return shown if may_see_addresses(request) else [f for f in shown if f != "address"]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return ["subscriber__email"] if may_see_addresses(request) else []

    @admin.display(description=_("e-mail address"))
    def address(self, delivery: Delivery) -> str:
        return delivery.subscriber.email

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "digest-preview/",
                self.admin_site.admin_view(self.digest_preview_view),
                name="alerts_delivery_digest_preview",
            ),
            *super().get_urls(),
        ]

    def digest_preview_view(self, request: HttpRequest) -> HttpResponse:
        """The next weekly digest, as an address following every topic waiting would get it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        languages = dict(settings.LANGUAGES)
        language = request.GET.get("language", "en")
        if language not in languages:
            language = "en"
        composed = digest_preview(language)
        if request.GET.get("format") == "html":
            # The message as sent: its own page, under the admin's security headers.
            return HttpResponse(composed.html)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Next weekly digest"),
            "opts": self.opts,
            "composed": composed,
            "language": language,
            "languages": languages.items(),
        }
        return TemplateResponse(request, "admin/alerts/delivery/digest_preview.html", context)
