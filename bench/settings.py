"""Settings for `make bench`: the product's settings, DEBUG off, with the baseline admin mounted beside the real one."""

import warnings

from config.settings.base import *  # noqa: F403

# WhiteNoise warns that staticfiles/ is missing: the bench serves no static file.
warnings.filterwarnings("ignore", message="No directory at")

DEBUG = False
ROOT_URLCONF = "bench.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Static URLs without a manifest, so the bench needs no collectstatic.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# Connections kept between requests, as a production server would (CONN_MAX_AGE); the product's default of 0
# opens one per request, which costs each timed call a few milliseconds of connecting. See BENCHMARKS.md.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=300)  # noqa: F405
