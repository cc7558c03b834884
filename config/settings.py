"""Settings, read once from the environment.

Production is the default: DEBUG is off, SECRET_KEY and ALLOWED_HOSTS must come from the environment.
`make run` turns DEBUG on; the test suite (pytest) gets a throw-away key and plain HTTP.
"""

import os
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
RUNNING_TESTS = "pytest" in sys.modules

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdefghijklmnop"
if DEBUG or RUNNING_TESTS:
    SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (it has no default when DEBUG is off).")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "testserver"] if (DEBUG or RUNNING_TESTS) else [],
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Two-factor sign-in for council and provider staff: on unless the environment says otherwise
# (`make run` turns it off so a newcomer can sign in with the demo accounts straight away).
REQUIRE_STAFF_2FA = env.bool("REQUIRE_STAFF_2FA", default=True)

INSTALLED_APPS = [
    "organisations.apps.PlatformAdminConfig",  # django.contrib.admin for platform administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "govuk_frontend_django",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_email",  # only the one-time code that proves the address before set-up
    "axes",
    "auditlog",
    "csp",
    "organisations",
    "budgets",
    "providers",
    "providers.ledger",
    "brokerage",
    "advice",
    "oversight",
    "surveys",
    "nhs",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "organisations.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django_otp's OTPMiddleware, with the device check, roles and family answer kept in the session.
    "organisations.access.RememberedAccessMiddleware",
    "organisations.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organisations.input_guard.RejectNulBytesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "organisations.middleware.NoStoreForPersonalDataMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "config.navigation.navigation",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]
FORM_RENDERER = "config.forms.GovukFormRenderer"

# Every upload page refuses a file over this size (organisations.input_guard.UploadField).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=20) * 1024 * 1024

_DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/personalised_support"
DATABASES = {"default": env.db_url("DATABASE_URL", default=_DEFAULT_DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection (CONN_MAX_AGE, set for the web container) is checked before a request reuses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The planner's price of reading a page out of order (issue 14). PostgreSQL's default, 4.0, is for
# spinning disks: with it a provider's list of 392 accounts read all 20,000 people of the council to
# join their names (7 ms, growing with the council) rather than look 392 of them up (1.9 ms). 1.1 is
# PostgreSQL's own advice for SSDs and data held in memory, which is how this database runs.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c random_page_cost=" + env.str(
    "DATABASE_RANDOM_PAGE_COST", default="1.1"
)
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL: one database engine everywhere.")
# The role the app runs as (DATABASE_URL's user in production), which `migrate`, run as the tables'
# owner, grants its rights to (organisations/database_roles.py). The test suite creates `ps_app`.
DATABASE_RUNTIME_ROLE = env.str("DATABASE_RUNTIME_ROLE", default="ps_app" if RUNNING_TESTS else "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# organisations/kept_queries.py: under the tests every kept query is also compiled afresh and compared.
KEPT_QUERIES_CHECK = env.bool("KEPT_QUERIES_CHECK", default=RUNNING_TESTS)

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lock-out after repeated failures (django-axes): five tries for one email from one address,
# then an hour's wait; a successful sign-in resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "organisations/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# The same email in another case or with spaces is the same account, so the same lock-out count; and
# behind the proxy the client's own address counts, not the proxy's (organisations/signin.py).
AXES_USERNAME_CALLABLE = "organisations.signin.axes_username"
AXES_CLIENT_IP_CALLABLE = "organisations.signin.client_ip"
AXES_VERBOSE = False  # no banner on every manage.py command (it would mix with error lines)

# Sessions: closed with the browser and after 30 minutes without activity. The expiry is pushed back
# by saving the session again at most once a minute, not on every request
# (organisations.middleware.SessionIdleRefreshMiddleware).
# Sessions are read from the cache (Redis, shared by every process) and written through to the
# database, so a signed-in request makes no session query; the database copy is the one that lasts,
# and an unreachable cache falls back to it (organisations.sessions).
SESSION_ENGINE = "organisations.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_AFTER = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Transport security: secure cookies and HSTS outside development. Plain HTTP is allowed for the
# test suite's live server only.
SECURE_COOKIES = not DEBUG
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not (DEBUG or RUNNING_TESTS))
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind our TLS proxy: it says whether the request came over HTTPS and appends the client's address to
# X-Forwarded-For. Without the proxy both headers are ignored, as anyone could write them.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp) with a nonce for each page's own scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or RUNNING_TESTS)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / ".data" / "media"


def _redis_url() -> str:
    """REDIS_URL; under `pytest -n N` (pytest-xdist: processes gw0, gw1, …, each with a test database of
    its own) a Redis database of its own for each process too, as the Redis tests flush theirs and start
    Celery workers on it that must not take another process's jobs. Process i of n uses database
    (base + i * 16 // n) mod 16, so test runs on databases 0-7 with 2 processes never share one."""
    url = env.str("REDIS_URL", default="")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not (url and RUNNING_TESTS and worker.startswith("gw")):
        return url
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)
    db = (base + int(worker[2:]) * (16 // max(count, 1))) % 16
    return parts._replace(path=f"/{db}").geturl()


# The cache holds rate-limit counts (organisations/throttle.py): Redis when there is one, so every
# process shares one count; otherwise (`make run`, one process) in memory.
_CACHE_URL = _redis_url()
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": "cache",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: a real broker when REDIS_URL is set; otherwise (`make run` on a new machine) tasks run
# in-process, so a newcomer needs no Redis.
REDIS_URL = _CACHE_URL
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Every job's outcome is in the database (job rows, returns, statements); nothing reads task results,
# so a finished task does not depend on Redis being up to record one.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Asking for a job while Redis is down must answer at once (the job waits in the database instead):
# connect within 2 seconds, and publish without kombu's retries (services.send_job).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
# Keep retrying the broker for ever when it goes away after start-up (the worker must survive a
# Redis restart), and at start-up too.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Two queues, each with its own worker process(es) (docker-compose: worker and worker-imports), so a
# long return never holds up an import and a big import never holds up a return. Everything else
# (beat's jobs) goes to the default queue, which the returns worker also takes.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "monitoring.tasks.produce_return": {"queue": "returns"},
    "*.import_*": {"queue": "imports"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The beat schedule lives in code; each app adds its entries here.
CELERY_BEAT_SCHEDULE: dict = {
    "monitoring-returns-after-each-period": {
        "task": "monitoring.tasks.produce_returns_for_ended_periods",
        "schedule": crontab(minute=15, hour=2),
    },
    # A return whose worker died (its heartbeat stopped) is made by another within about half a
    # minute, not after the broker's visibility timeout (an hour).
    "monitoring-resume-abandoned-jobs": {
        "task": "monitoring.tasks.resume_abandoned_jobs",
        "schedule": 15.0,
    },
    # Returns asked for while Redis was down start as soon as it is back.
    "monitoring-send-queued-jobs": {
        "task": "monitoring.tasks.send_queued_jobs",
        "schedule": 15.0,
    },
    # Just after midnight: people whose move date has come move (with their unspent ISF balance), and
    # agreements whose last day has passed end. Before the statements run.
    "providers-complete-due-moves": {
        "task": "providers.tasks.complete_due_moves",
        "schedule": crontab(minute=20, hour=0),
    },
    "isf-statements-every-four-weeks": {
        "task": "providers.ledger.tasks.produce_due_statements",
        "schedule": crontab(minute=30, hour=3),
    },
    "isf-council-payments-daily": {
        "task": "providers.ledger.tasks.post_due_council_payments",
        "schedule": crontab(minute=5, hour=3),
    },
    # After the day's payments and statements are posted: every council's direct-payment checks
    # (issue 19). A check only starts a conversation; one open check of each kind at a time.
    "oversight-daily-checks": {
        "task": "oversight.tasks.run_all_councils_checks",
        "schedule": crontab(minute=0, hour=4),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous call is told 401 with how to authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The browsable API (HTML forms listing choices) only in development; JSON everywhere else.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Personalised support platform API",
    "DESCRIPTION": "Personal budgets, provider choices, Individual Service Funds and monitoring returns.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# Email (password reset links, statement notices): EMAIL_URL such as smtp+tls://user:pass@host:587;
# without it, messages are written to the log.
# Without it, messages are written to the log: fine for development, a startup error (system check
# organisations.E001) when DEBUG is off, as reset links and sign-in codes must not sit in a log.
EMAIL_CONFIGURED = bool(env.str("EMAIL_URL", default=""))
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# How many emails of each kind, (count, seconds): per address asked for, and per client asking
# (organisations/throttle.py).
EMAIL_RATE_LIMITS = {
    "password-reset-per-address": (3, 60 * 60),
    "password-reset-per-client": (10, 60 * 60),
    "statement-email-per-address": (5, 24 * 60 * 60),
    "statement-request-per-client": (20, 60 * 60),
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@personalised-support.example.org")
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60  # a link works for one day
# Where people reach the site: every link in an email is this plus a path (an email has no request to
# take a host from). Production sets it; development and tests use the local address.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if (DEBUG or RUNNING_TESTS) else "").rstrip(
    "/"
)
if not SITE_URL:
    raise ImproperlyConfigured("Set SITE_URL in the environment, like https://support.example.org.")

OTP_TOTP_ISSUER = "Personalised support"
# The code emailed before someone sets up an authenticator app (organisations/two_factor.py).
OTP_EMAIL_SUBJECT = "Your code to set up two-factor sign-in"
OTP_EMAIL_BODY_TEMPLATE_PATH = "organisations/two_factor_code_email.txt"
OTP_EMAIL_TOKEN_VALIDITY = 15 * 60  # seconds
OTP_EMAIL_COOLDOWN_DURATION = 60  # seconds between two emails
SERVICE_NAME = "Personalised support"
CSRF_FAILURE_VIEW = "organisations.views.csrf_failure"
