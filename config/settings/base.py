"""Settings shared by every environment, read from the environment (12-factor).

Real environment variables win over an optional `.env` file in the project root. With nothing set the
product runs on SQLite, kombu's filesystem broker and mail written to files, so a fresh machine needs
no services.
"""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_celery_beat",
    "simple_history",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "missions",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for one user name from one
# address, even the right password is refused until the cool-off ends. Locking the pair, not the user
# name alone, means nobody can lock a colleague out from elsewhere.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "missions.lockout.lockout_response"
# Behind PROXY_COUNT reverse proxies, the client's address is the one the nearest proxy appended to
# X-Forwarded-For (what comes before it is the client's own words); with none, REMOTE_ADDR. One rule for the
# lockout and the API's throttles (missions.lockout.client_address; DRF would otherwise take the whole header).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "missions.lockout.client_address"

# Content-Security-Policy (django-csp): scripts and styles only from the product's own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Inline style attributes (progress bars' widths) are allowed; inline scripts never are.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "missions.User"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The pages' queries are short aggregates: PostgreSQL's JIT compiler, which starts above a cost estimate,
    # spent longer compiling the dashboard's (about 40 ms) than running it. See BENCHMARKS.md.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache: the portal's filter options between requests (tracker.options_cache) and the API's throttle
# counts. Each process's own memory by default; one Redis for every process in production, e.g.
# CACHE_URL=rediscache://127.0.0.1:6379/1 (a database of its own, not the broker's).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that stops answering costs a request a second at most, not a hang (the portal's filter options
    # are then read from the database).
    for _option in ("socket_connect_timeout", "socket_timeout"):
        CACHES["default"].setdefault("OPTIONS", {}).setdefault(_option, 1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English second; Ha Noi time; aware datetimes everywhere.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Attachments are served only through views that check permissions, never from MEDIA_URL.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Mail: EMAIL_URL, e.g. smtp://host:25 or smtp+tls://user:password@host:587.
# By default every message is written as a file under var/mail/ where a person can read it.
MAIL_DIR = VAR_DIR / "mail"
EMAIL_URL = env.str("EMAIL_URL", default=f"filemail://{MAIL_DIR}")
vars().update(env.email_url_config(EMAIL_URL))
if EMAIL_URL.startswith("filemail:///"):
    # django-environ drops the leading "/" of filemail:///absolute/path (mail went to a relative directory).
    EMAIL_FILE_PATH = "/" + EMAIL_FILE_PATH.lstrip("/")  # noqa: F821 (set just above from EMAIL_URL)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Ban Chỉ đạo Ngoại giao Kinh tế <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Celery: Redis when CELERY_BROKER_URL or REDIS_URL is set, else kombu's filesystem transport.
BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),  # else kombu writes ./control in the working directory
        "store_processed": False,
    }
    # The transport neither creates its folders nor publishes without them: a fresh clone has none yet.
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    # A task not acknowledged within this time is delivered again (late ack): keep every
    # countdown, ETA and retry back-off well below it (tests/test_celery_timeouts.py checks it).
    # A broker that cannot be reached costs a web request seconds, not minutes (the outbox waits for it).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 5}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Attachments to progress reports.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# REST API (/api/v1/): per-user tokens (issued and revoked by the committee in the admin) or the browser's session;
# page-number pagination; per-user throttling; one error body for every error (tracker.api.errors).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.base.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.base.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["tracker.api.base.UserThrottle", "tracker.api.base.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="3000/hour"),
        "anon": env.str("API_THROTTLE_ANON", default="120/hour"),
    },
    "EXCEPTION_HANDLER": "tracker.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.AutoSchema",
    # ISO 8601 with the offset (Ha Noi time, e.g. 2024-05-02T09:30:00+07:00); dates as yyyy-mm-dd.
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Economic diplomacy task tracker API",
    "DESCRIPTION": (
        "Directives, commitments, tasks, each mission's assignments, progress reports and deadline extensions. "
        "Authenticate with `Authorization: Token <key>` (a key the steering committee issues in the admin). "
        "Mission members see their own mission's work only; another mission's objects answer 404."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStatusEnum": "tracker.models.Status",
        "TimelinessEnum": "tracker.models.Timeliness",
    },
    # The documentation page's JavaScript and CSS come from the project's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
