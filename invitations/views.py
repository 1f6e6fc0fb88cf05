"""The page an invitation links to: the text to sign, and the answer.

Public, reached only through the invitation's signed token, and never kept by a browser
or a shared cache, nor indexed. It shows the statement's own text to the person invited,
as it stands, and nothing else of a statement that may not be public yet: no other
signatory, no link to the statement's page.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_http_methods

from .forms import DeclineForm, SignForm
from .models import Invitation

type View = Callable[..., HttpResponse]


def private(view: View) -> View:
    """The answer is for the person invited only: not stored anywhere, not indexed."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


@private
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.from_token(token)
    if invitation is None:
        return render(request, "invitations/unknown.html", status=404)
    if not invitation.is_open:
        return closed(request, invitation)
    text = invitation.text_to_sign()
    sign_form = SignForm(initial={"name": invitation.name, "text": text.digest})
    decline_form = DeclineForm()
    if request.method == "POST":
        try:
            if "decline" in request.POST:
                decline_form = DeclineForm(request.POST)
                if decline_form.is_valid():
                    invitation.decline(decline_form.cleaned_data["reason"])
                    return render(request, "invitations/answered.html", {"invitation": invitation})
            else:
                sign_form = SignForm(request.POST)
                if sign_form.is_valid():
                    data = sign_form.cleaned_data
                    invitation.sign(data["text"], data["name"], data["title"])
                    return render(request, "invitations/answered.html", {"invitation": invitation})
        except ValidationError as refusal:
            invitation.refresh_from_db()
            if not invitation.is_open:
                return closed(request, invitation)
            # The answer typed is kept; the page is of the text as it stands now.
            sign_form = SignForm({**request.POST.dict(), "text": text.digest})
            sign_form.is_valid()
            sign_form.add_error(None, refusal)
    context = {
        "invitation": invitation,
        "text": text,
        "sign_form": sign_form,
        "decline_form": decline_form,
    }
    return render(request, "invitations/answer.html", context, status=200)


def closed(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """An invitation that takes no answer any more: why, and nothing of the text."""
    return render(request, "invitations/closed.html", {"invitation": invitation}, status=410)
