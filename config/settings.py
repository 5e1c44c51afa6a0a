"""softpark settings: one module, driven by the environment (see README, "Deploy").

Every variable is optional for `make run`; production sets `SECRET_KEY`, `DATABASE_URL`,
`ALLOWED_HOSTS` and friends and passes `manage.py check --deploy`.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# pytest (8.2+) sets PYTEST_VERSION: the suite runs with DEBUG off, as production does,
# but over plain http on the test client and with a throwaway key.
TESTING = "PYTEST_VERSION" in os.environ

# Commands that read only code and the migration files (never sign, serve or send anything)
# may run without a key, so that `makemigrations --check` works in any shell or hook.
KEYLESS_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}
RUNNING_KEYLESS_COMMAND = (
    len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" and sys.argv[1] in KEYLESS_COMMANDS
)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING or RUNNING_KEYLESS_COMMAND):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-softpark-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "tenants",
    "park",
    "incubator",
    "chain",
    "bookings",
    "billing",
    "import_export",
    "imports",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "api.base.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# The embedded default is a SQLite file. IMMEDIATE transactions make writers queue at BEGIN,
# so the services' read-check-write sequences hold (SQLite ignores SELECT ... FOR UPDATE).
# Its test database is a file too, so that tests with parallel threads share it.
# A process keeps its connection between requests for CONN_MAX_AGE seconds (0: a new one per
# request), which saves PostgreSQL's handshake and `SET TimeZone` on each (4 of 24 ms for a
# list). Health checks ping a kept connection once at the start of each request before reusing
# it, so a connection that PostgreSQL dropped (a restart, an idle timeout) is replaced rather
# than failing the request; while the database is down, requests still get the 503 of
# api/base/errors.py. db_worker and Django's handlers close obsolete connections themselves.
CONN_MAX_AGE = int(env("CONN_MAX_AGE", "300"))
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'softpark.sqlite3'}",
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30}
    # One file per test process, so that two suites running at once never share one.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Cache: Redis when given, else the database, so every process shares throttle counts ----
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        # Django's RedisCache, its redis-py client built once (core/cache.py).
        "default": {"BACKEND": "core.cache.ReusedClientRedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            # Django's DatabaseCache with a `set` in one statement, the table counted for
            # culling on one set in 100 rather than on each (core/cache.py): two queries per
            # throttled request instead of six.
            "BACKEND": "core.cache.CheapSetDatabaseCache",
            "LOCATION": "softpark_cache",
            # Django's default of 300 entries would have the 301st caller's throttle count
            # cull a third of everyone's (throttling undone by a crowd of addresses); expired
            # counts are still swept when the table passes this size.
            "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_CHECK_EVERY": 100},
        }
    }

# --- Email ----------------------------------------------------------------------------------
_email = dj_email_url.parse(env("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "softpark <noreply@softpark.local>")

# --- Background tasks (django-tasks; the database backend, run by `manage.py db_worker`) -----
TASKS_IMMEDIATE = env_bool("TASKS_IMMEDIATE", False)
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASKS_IMMEDIATE
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("vi", _("Vietnamese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our additions to Django's per-language formats: day-first date boxes in Vietnamese.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT") or VAR_DIR / "media")
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Pitch decks: outside MEDIA_ROOT, so no URL serves them; the API streams them to the few
# who may read them (api.md, Files).
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")

# --- Request limits ----------------------------------------------------------------------------
JSON_BODY_MAX_BYTES = 1024 * 1024  # api.md: JSON bodies at most 1 MB -> 413
UPLOAD_BODY_MAX_BYTES = 11 * 1024 * 1024  # the largest upload (a 10 MB pitch deck) plus form
DATA_UPLOAD_MAX_MEMORY_SIZE = JSON_BODY_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- REST framework -------------------------------------------------------------------------
TOKEN_TTL_DAYS = int(env("TOKEN_TTL_DAYS", "30"))
REST_KNOX = {"TOKEN_TTL": timedelta(days=TOKEN_TTL_DAYS), "AUTH_HEADER_PREFIX": "Token"}

THROTTLE_RATES = {
    "anon": env("THROTTLE_ANON", "120/min"),
    "user": env("THROTTLE_USER", "600/min"),
    "manager": env("THROTTLE_MANAGER", "1200/min"),
    "partner": env("THROTTLE_PARTNER", "600/min"),
    "register": env("THROTTLE_REGISTER", "10/hour"),
}
# Wrong passwords per account (from any address) before its logins are refused for the window.
LOGIN_FAILURES_MAX = int(env("LOGIN_FAILURES_MAX", "10"))
LOGIN_FAILURES_WINDOW = timedelta(minutes=int(env("LOGIN_FAILURES_WINDOW_MINUTES", "15")))

# The tax code of the park's licensed e-invoice provider (the XML's `MSTTCGP`); empty: the
# provider fills it in when it signs.
EINVOICE_PROVIDER_TAX_CODE = env("EINVOICE_PROVIDER_TAX_CODE", "")
IDEMPOTENCY_TTL = timedelta(hours=24)
# SQLite only (one machine): the lock files that tie an Idempotency-Key to its running request.
IDEMPOTENCY_LOCK_DIR = Path(env("IDEMPOTENCY_LOCK_DIR") or VAR_DIR / "idempotency-locks")

REST_FRAMEWORK = {
    # Token first: a request with no credentials is answered 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.base.authentication.TokenAuthentication",  # knox in one query
        # A partner key (Bearer) outside the directory endpoints: 401 (api/partner_auth.py).
        "api.chain.authentication.PartnerKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.base.throttles.RoleRateThrottle"],
    # The proxies in front of the app: a throttle trusts X-Forwarded-For only that far (the
    # address the last proxy added). 0: the connecting address, whatever the header says.
    "NUM_PROXIES": int(env("NUM_PROXIES", "0")),
    "DEFAULT_PAGINATION_CLASS": "api.base.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.base.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "api.base.parsers.LimitedJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "api.base.errors.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "softpark API",
    "DESCRIPTION": "Space, tenants, incubator and partner chain of a software park.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, wherever a serializer or filter reuses it.
    "ENUM_NAME_OVERRIDES": {
        "CompanyStatusEnum": "tenants.models.CompanyStatus",
        "SectorEnum": "tenants.models.Sector",
        "ApplicationStateEnum": "incubator.models.ApplicationState",
        "VatRateEnum": "billing.models.VatRate",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.base.schema.add_problem_responses",
    ],
}

# --- Security: production defaults, relaxed only by DEBUG or the test run --------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain http
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG or TESTING else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = not (DEBUG or TESTING)
CSRF_COOKIE_SECURE = not (DEBUG or TESTING)
X_FRAME_OPTIONS = "DENY"

# --- Chain ----------------------------------------------------------------------------------
CHAIN_ALLOW_PRIVATE_URLS = env_bool("CHAIN_ALLOW_PRIVATE_URLS", False)
CHAIN_KEY_ENCRYPTION_KEY = env("CHAIN_KEY_ENCRYPTION_KEY")
DIRECTORY_RETENTION_DAYS = int(env("DIRECTORY_RETENTION_DAYS", "180"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
