"""The test suite: same database and broker choice as base (SQLite by default, PostgreSQL in CI)."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Login throttling is switched on by the tests that exercise it (test client log-ins carry no request).
AXES_ENABLED = False
# Tasks enqueued after a commit (the outbox's sending) run in the test's own process, so a test sees their
# effect without a worker; the tests with real workers and brokers start them with config.settings.local.
CELERY_TASK_ALWAYS_EAGER = True
# Each test process's own memory, whatever CACHE_URL says (tests/conftest.py empties it before every test).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so that a Celery worker started by a test (tests/test_reminders_e2e.py) sees the
    # test database; pytest-django creates and removes it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}  # noqa: F405
