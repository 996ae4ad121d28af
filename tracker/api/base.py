"""The API's plumbing: pagination, throttling, filtering and ordering shared by every list."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import authentication, exceptions, filters, pagination, throttling
from rest_framework.settings import api_settings

from missions.lockout import client_address


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=2&page_size=100` (at most 200 a page); the answer carries `count`, `next`, `previous`, `results`."""

    page_size_query_param = "page_size"
    max_page_size = 200


class _RatesFromSettings:
    """Reads the rate when the request comes, so operators (and tests) can change it in the settings; a caller is
    told apart by the same address as a sign-in (`missions.lockout.client_address`, PROXY_COUNT)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_address(request)


class UserThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """Requests per signed-in user (per client address for anonymous callers)."""


class AnonThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """Anonymous requests per client address (on what answers them: DRF checks throttles after permissions)."""


class KeyGuessThrottle(_RatesFromSettings, throttling.SimpleRateThrottle):
    """Failed API keys per client address, at the anonymous rate: past it, no key from that address is looked at
    until the window has passed. Keeps key guessing slow (a wrong key is refused before any throttle runs)."""

    scope = "anon"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": "key_guess", "ident": self.get_ident(request)}

    def blocked(self, request) -> bool:
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return self.num_requests is not None and len(self.history) >= self.num_requests


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, with failed keys counted per client address (KeyGuessThrottle)."""

    def authenticate(self, request):
        if not authentication.get_authorization_header(request).split():
            return None
        guard = KeyGuessThrottle()
        if guard.blocked(request):
            raise exceptions.Throttled(guard.wait())
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            guard.throttle_success()  # DRF's name for adding this request (a failed key) to the history
            raise


class FilterBackend(DjangoFilterBackend):
    """django-filter, with the missions' time zones of the request passed to FilterSets that take them."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        zones = getattr(view, "zones", None)
        if zones is not None:
            kwargs["zones"] = zones
        return kwargs

    def filter_queryset(self, request, queryset, view):
        queryset = super().filter_queryset(request, queryset, view)
        return stable_order(queryset)


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=-issued_on`; ties are broken by id so that pages neither repeat nor skip rows."""

    def filter_queryset(self, request, queryset, view):
        return stable_order(super().filter_queryset(request, queryset, view))


def stable_order(queryset):
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if not any(field.lstrip("-") in ("id", "pk") for field in ordering if isinstance(field, str)):
        ordering.append("id")
    return queryset.order_by(*ordering)
