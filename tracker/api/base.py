"""The API's plumbing: pagination, throttling, filtering and ordering shared by every list."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, pagination, throttling
from rest_framework.settings import api_settings


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=2&page_size=100` (at most 200 a page); the answer carries `count`, `next`, `previous`, `results`."""

    page_size_query_param = "page_size"
    max_page_size = 200


class _RatesFromSettings:
    """Reads the rate when the request comes, so operators (and tests) can change it in the settings."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """Requests per signed-in user (per client address for anonymous callers)."""


class AnonThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """Anonymous requests per client address: keeps key guessing slow."""


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
