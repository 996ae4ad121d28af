"""Django's cache for work the product can always do again (the portal's filter options, the dashboard's figures).

A cache server that does not answer costs the work it would have spared, never the page: a failed read is a
miss, a failed write is forgotten, and both are logged.
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

T = TypeVar("T")


def read(key: str, *, what: str) -> Any:
    """The cached value, or None; `what` names the cached work in the log."""
    try:
        return cache.get(key)
    except Exception:  # the cache backend's own errors (e.g. Redis down): the caller does the work
        logger.warning("%s cache: read failed", what, exc_info=True)
        return None


def store(key: str, value: Any, *, timeout: int, what: str) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:  # as in `read`
        logger.warning("%s cache: write failed", what, exc_info=True)


def read_many(keys: list[str], *, what: str) -> dict[str, Any]:
    """The values cached under any of `keys`, by key (those missing left out), in one round trip."""
    try:
        return cache.get_many(keys)
    except Exception:  # as in `read`
        logger.warning("%s cache: read failed", what, exc_info=True)
        return {}


def store_many(values: dict[str, Any], *, timeout: int, what: str) -> None:
    try:
        cache.set_many(values, timeout=timeout)
    except Exception:  # as in `read`
        logger.warning("%s cache: write failed", what, exc_info=True)


def remember(key: str, compute: Callable[[], T], *, timeout: int, what: str) -> T:
    """The value cached under `key`, or `compute()`'s, then cached for `timeout` seconds."""
    value = read(key, what=what)
    if value is None:
        value = compute()
        store(key, value, timeout=timeout, what=what)
    return value
