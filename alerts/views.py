"""The subscriber's pages: subscribe, confirm, manage, unsubscribe. No account: signed links.

None of these pages is cached or shared (`never_cache`): they carry a CSRF token or a
personal link. Subscribing answers the same whatever the address's state, so the form
tells nobody who subscribes to what.
"""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from campaigns.models import Campaign
from campaigns.public import public_organisations
from legislation.models import Law
from lib.client_address import client_address

from .forms import ManageLinkForm, SubscribeForm
from .messages import confirmation, manage_link
from .models import Subscriber, Subscription, request_subscription

HOUR = 60 * 60


def over_limit(scope: str, who: str, limit: int) -> bool:
    """Count one more request by `who` this hour; whether that is over `limit`."""
    key = "alerts:" + scope + ":" + hashlib.sha256(who.encode()).hexdigest()
    cache.add(key, 0, timeout=HOUR)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=HOUR)
        count = 1
    return count > limit


def too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "alerts/too_many.html", status=429)
    response["Retry-After"] = str(HOUR)
    return response


def page_topic(request: HttpRequest) -> dict[str, Any]:
    """The topic a page's small form asked for (?law=…, ?campaign=…), if it is public."""
    initial: dict[str, Any] = {"kind": Subscription.Kind.ALL}
    sources: list[tuple[str, QuerySet[Any]]] = [
        ("campaign", Campaign.objects.all()),
        ("organisation", public_organisations()),
        ("law", Law.objects.all()),
    ]
    for name, queryset in sources:
        value = request.GET.get(name, "")
        if value.isdigit():
            found = queryset.filter(pk=int(value)).first()
            if found is not None:
                return {"kind": name, name: found}
    country = request.GET.get("country", "").upper()
    if country:
        initial.update(kind=Subscription.Kind.COUNTRY, country=country)
    return initial


@method_decorator(never_cache, name="dispatch")
class SubscribeView(View):
    template_name = "alerts/subscribe.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        topic = page_topic(request)
        form = SubscribeForm(initial={**topic, "language": translation.get_language()})
        return self.page(request, form, topic)

    def page(
        self, request: HttpRequest, form: SubscribeForm, topic: dict[str, Any], status: int = 200
    ) -> HttpResponse:
        page_object = next(
            (topic[name] for name in ("campaign", "organisation", "law") if topic.get(name)), None
        )
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page_object": page_object,
                "page_kind": topic["kind"] if page_object else None,
                "manage_form": ManageLinkForm(),
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if over_limit(
            "client", client_address(request), settings.ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT
        ):
            return too_many(request)
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            topic = {
                "kind": form.data.get("kind", Subscription.Kind.ALL),
                **{
                    name: form.cleaned_data.get(name)
                    for name in ("campaign", "organisation", "law")
                },
            }
            return self.page(request, form, topic, status=400)
        email = Subscriber.normalise(form.cleaned_data["email"])
        if not form.is_bot and not over_limit(
            "email", email, settings.ALERTS_SUBSCRIBE_LIMIT_PER_EMAIL
        ):
            subscription = request_subscription(
                email,
                form.cleaned_data["language"],
                form.cleaned_data["frequency"],
                form.topic(),
            )
            if subscription.confirmed_at is None:
                confirmation(subscription).send()
            else:
                # Already confirmed: remind the holder where to manage it, and say
                # nothing different to whoever typed the address in.
                manage_link(subscription.subscriber).send()
        return HttpResponseRedirect(reverse("alerts:requested"))


@never_cache
def requested(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/requested.html")


@never_cache
def request_manage_link(request: HttpRequest) -> HttpResponse:
    """Send the manage page's link to an address that has confirmed alerts."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("alerts:subscribe"))
    if over_limit("client", client_address(request), settings.ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT):
        return too_many(request)
    form = ManageLinkForm(request.POST)
    if form.is_valid() and not form.cleaned_data["website"]:
        email = Subscriber.normalise(form.cleaned_data["email"])
        if not over_limit("email", email, settings.ALERTS_SUBSCRIBE_LIMIT_PER_EMAIL):
            subscriber = Subscriber.objects.filter(
                email=email, subscriptions__confirmed_at__isnull=False
            ).first()
            if subscriber is not None:
                manage_link(subscriber).send()
    return HttpResponseRedirect(reverse("alerts:requested"))


def link_not_valid(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/link_not_valid.html", status=404)


@method_decorator(never_cache, name="dispatch")
class ConfirmView(View):
    """GET shows a button, POST confirms: mail scanners that follow every link in a
    message must not confirm on the holder's behalf."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        subscription = Subscription.from_confirm_token(token)
        if subscription is None:
            return link_not_valid(request)
        return render(request, "alerts/confirm.html", {"subscription": subscription})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        subscription = Subscription.from_confirm_token(token)
        if subscription is None:
            return link_not_valid(request)
        subscription.confirm()
        return render(
            request,
            "alerts/confirmed.html",
            {
                "subscription": subscription,
                "manage_url": reverse(
                    "alerts:manage", kwargs={"token": subscription.subscriber.manage_token()}
                ),
            },
        )


@method_decorator(never_cache, name="dispatch")
class ManageView(View):
    template_name = "alerts/manage.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        subscriber = Subscriber.from_manage_token(token)
        if subscriber is None:
            return link_not_valid(request)
        return self.page(request, subscriber)

    def page(self, request: HttpRequest, subscriber: Subscriber, **context: Any) -> HttpResponse:
        subscriptions = subscriber.subscriptions.select_related("campaign", "organisation", "law")
        return render(
            request,
            self.template_name,
            {
                "subscriber": subscriber,
                "subscriptions": subscriptions,
                "frequencies": Subscription.Frequency.choices,
                "languages": settings.LANGUAGES,
                **context,
            },
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        subscriber = Subscriber.from_manage_token(token)
        if subscriber is None:
            return link_not_valid(request)
        action = request.POST.get("action", "")
        subscriptions = subscriber.subscriptions.all()
        chosen = subscriptions.filter(pk=request.POST.get("subscription") or 0).first()
        if action == "export":
            response = HttpResponse(
                json.dumps(subscriber.exported(), indent=2, ensure_ascii=False),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="alerts-data.json"'
            return response
        if action == "erase":
            subscriber.erase()
            return render(request, "alerts/erased.html")
        if action == "language" and request.POST.get("language") in dict(settings.LANGUAGES):
            subscriber.language = request.POST["language"]
            subscriber.save(update_fields=["language"])
            return self.page(request, subscriber, done=_("Your alerts will be in this language."))
        if action == "frequency" and chosen is not None:
            frequency = request.POST.get("frequency")
            if frequency in Subscription.Frequency.values:
                chosen.frequency = frequency
                chosen.save(update_fields=["frequency"])
                return self.page(request, subscriber, done=_("Saved."))
        if action == "remove" and chosen is not None:
            chosen.delete()
            return self.page(request, subscriber, done=_("Those alerts have stopped."))
        if action == "unsubscribe":
            subscriber.unsubscribe()
            return self.page(request, subscriber, done=_("All your alerts have stopped."))
        return self.page(request, subscriber)


@method_decorator(never_cache, name="dispatch")
class UnsubscribeView(View):
    """RFC 8058 one-click unsubscribe: a mail client POSTs `List-Unsubscribe=One-Click` to
    the address in the List-Unsubscribe header, without a cookie or a CSRF token (the
    signed address is the proof). A person following the link gets a page with a button."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        subscriber = Subscriber.from_unsubscribe_token(token)
        if subscriber is None:
            return link_not_valid(request)
        return render(request, "alerts/unsubscribe.html", {"subscriber": subscriber})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        subscriber = Subscriber.from_unsubscribe_token(token)
        if subscriber is None:
            return link_not_valid(request)
        subscriber.unsubscribe()
        return render(
            request,
            "alerts/unsubscribed.html",
            {"manage_url": reverse("alerts:manage", kwargs={"token": subscriber.manage_token()})},
        )


# Exempt from CSRF, and only this view: see the docstring.
unsubscribe = csrf_exempt(UnsubscribeView.as_view())
