"""One's own API tokens: list, create (the token is shown once, on the answer to the
form), revoke. Thin: the services write, the selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cchc.lib.http import AuthenticatedHttpRequest

from . import selectors, services
from .forms import TokenCreateForm

# The new token waits in the session for the page after the redirect, which takes it out:
# shown once, and a reload neither shows it again nor makes another.
NEW_TOKEN = "api_new_token"  # noqa: S105 - a session key, not a secret


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            __, plain = services.token_create(
                actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            request.session[NEW_TOKEN] = plain
            return redirect("tokens:list")
    context = {
        "form": form,
        "plain": request.session.pop(NEW_TOKEN, None) if request.method == "GET" else None,
        "tokens": selectors.token_list(user=request.user),
        "nav_section": "account",
    }
    return render(request, "api/token_list.html", context)


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get(user=request.user, pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect("tokens:list")
