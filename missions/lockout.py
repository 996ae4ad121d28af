"""Sign-in throttling (django-axes): who is signing in, and the page shown when a sign-in is refused."""

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "portal/locked_out.html", context, status=429)


def client_address(request) -> str:
    """The address a sign-in or an API call comes from: REMOTE_ADDR, or behind PROXY_COUNT reverse proxies the
    address the nearest one appended to X-Forwarded-For. Anything before it is the client's own words and is not
    trusted. The lockout (AXES_CLIENT_IP_CALLABLE) and the API's throttles (`tracker.api.base`) both ask here."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not settings.PROXY_COUNT or not forwarded:
        return remote
    addresses = [a.strip() for a in forwarded.split(",")]
    return addresses[-min(settings.PROXY_COUNT, len(addresses))] or remote
