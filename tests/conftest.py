"""Shared test set-up: real services, required in CI, and data built through factories and services."""

import os
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Fixtures shared by the portal's test modules.
pytest_plugins = ["tests.portal_world"]


def _missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def uses_postgres() -> bool:
    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


def redis_answers() -> bool:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(monkeypatch):
    """Debian's headless Chromium driven by Playwright (tests marked `browser`)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=BROWSER_ARGS)
        yield browser
        browser.close()
        # The test's ORM calls ran inside Playwright's context, on a database connection of their own: closed
        # here, or it would keep the test database open when the run drops it.
        connections.close_all()


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not uses_postgres():
        _missing("PostgreSQL is not the configured database (set DATABASE_URL=postgres://…)")
    if item.get_closest_marker("redis") and not redis_answers():
        _missing("no Redis broker answers at CELERY_BROKER_URL/REDIS_URL")
    if item.get_closest_marker("browser") and not chromium_path():
        _missing("headless Chromium is not installed (Debian package 'chromium')")


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache. A test's transaction is rolled back, and the version of the portal's
    filter options with it: what one test cached under a version number is not the next test's data."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def cache_server_down(settings):
    """Django's cache on a Redis where nothing listens: every read and write fails after a short timeout."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def missions(db):
    """The 94 missions of the reference fixture, and the themes."""
    from missions.models import Mission

    if not Mission.objects.exists():
        call_command("loaddata", "fixtures/missions.json", "fixtures/themes.json", verbosity=0)
    return Mission.objects.all()


@pytest.fixture
def committee_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="committee", is_staff=True, is_superuser=True)


@pytest.fixture
def artifacts_dir():
    path = settings.BASE_DIR / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
