"""Signing in and out, and the language switch."""

import datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from missions.services import user_set_language

LANGUAGE_COOKIE_MAX_AGE = int(datetime.timedelta(days=365).total_seconds())


def _set_language_cookie(response, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )


class PortalLoginView(auth_views.LoginView):
    """Django's log-in; afterwards the portal speaks the language the person chose in their profile."""

    template_name = "portal/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language in dict(settings.LANGUAGES):
            _set_language_cookie(response, language)
        return response


@require_POST
def set_language(request):
    """Switches the language; a signed-in person's choice is remembered for their next log-in and e-mails."""
    code = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = resolve_url("portal:home")
    response = HttpResponseRedirect(target)
    if code not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        try:
            user_set_language(user=request.user, language=code)
        except ValidationError:
            return response
    _set_language_cookie(response, code)
    return response
