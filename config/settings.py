"""One settings module, driven by the environment (django-environ).

Embedded defaults (SQLite under var/, a SQLite-backed Celery broker) need no servers; DATABASE_URL
and CELERY_BROKER_URL switch to PostgreSQL and Redis. With DEBUG off a missing SECRET_KEY stops
start-up: there is no fallback secret outside development.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from core.logs import LOG_FORMATS, logging_config, unraisable_through_logging
from core.ratelimit import parse_rate

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example the output of `python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'`), or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-used-only-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "qsessions",  # Django's sessions, with the user, address and browser of each (the account page lists them)
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "django_tables2",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # The project's own apps, in the order their imports point (each imports only from those above
    # it; tests/test_architecture.py holds the contract).
    "core",
    "accounts",
    "audit",
    "notifications",
    "forces",
    "users",
    "inspections",
    "oversight",
    "reporting",
    "imports",
    "api",
    "demo",
    "register",
    "calendars",
]

MIDDLEWARE = [
    # First: every later step (the register, sessions, axes, rate limits, the audit) reads the real
    # client address.
    "core.middleware.ClientAddressMiddleware",
    # The public register's requests lose their cookies before the session sees them.
    "register.http.PublicRegisterMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qsessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
                "accounts.context_processors.navigation",
            ],
        },
    },
]
# Django's own form templates, overridden in templates/django/forms, render GOV.UK fields.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# The embedded database (no DATABASE_URL): the only one `make run` loads the demo into whatever
# it holds (demo/services.py).
EMBEDDED_DATABASE = VAR_DIR / "tracker.sqlite3"
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{EMBEDDED_DATABASE}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# A connection kept between requests is checked before reuse, so the first request after a
# database restart (or failover) reconnects instead of failing.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
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
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions are stored with their user, address and browser (django-qsessions), so a user can see
# and end their own.
SESSION_ENGINE = "accounts.sessions"
# Sessions end after SESSION_IDLE_MINUTES of inactivity: every request renews the cookie.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: five failed sign-ins (wrong passwords or codes) for one username from one address
# lock it out for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Not reset by the password alone: a sign-in succeeds once the code is given too
# (accounts.views resets the count then), so wrong codes count however often the password is given.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address as core.http.client_address reads it (behind TRUSTED_PROXY_COUNT proxies).
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"

# How many reverse proxies (load balancer, CDN) stand in front of the web processes and append to
# X-Forwarded-For. 0: the address is the connection's own (REMOTE_ADDR) and X-Forwarded-For is
# ignored, since any client can write it. N: the N-th address from the right of X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front.")

# Rate limits ("count/window", window in s, m or h), counted per client address in the shared cache
# (core/ratelimit.py): sign-in attempts (passwords and codes) whatever the username, and password
# reset emails per email address and per client.
RATE_LIMIT_SIGN_IN_PER_CLIENT = parse_rate(
    env.str("RATE_LIMIT_SIGN_IN_PER_CLIENT", default="30/15m"), setting="RATE_LIMIT_SIGN_IN_PER_CLIENT"
)
RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS = parse_rate(
    env.str("RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS", default="3/1h"), setting="RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS"
)
RATE_LIMIT_PASSWORD_RESET_PER_CLIENT = parse_rate(
    env.str("RATE_LIMIT_PASSWORD_RESET_PER_CLIENT", default="10/1h"), setting="RATE_LIMIT_PASSWORD_RESET_PER_CLIENT"
)

# Two-factor sign-in (django-otp): an authenticator app's code after the password, for staff and
# managers always, for liaison officers when TWO_FACTOR_FOR_LIAISON is on (the default outside
# DEBUG). TWO_FACTOR_REQUIRED=0 turns the requirement off, for local development only.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
TWO_FACTOR_FOR_LIAISON = env.bool("TWO_FACTOR_FOR_LIAISON", default=not DEBUG)
if not TWO_FACTOR_REQUIRED and not DEBUG:
    raise ImproperlyConfigured(
        "TWO_FACTOR_REQUIRED=0 is for local development only: it is refused with DEBUG off. "
        "Unset it (two-factor sign-in stays on), or set DEBUG=1 on a development machine."
    )
OTP_TOTP_ISSUER = "Recommendation Tracker"
# After each wrong code the next is refused for 1, 2, 4, 8... seconds (django-otp's throttle).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Evidence files on many machines: with EVIDENCE_S3_BUCKET set they are stored in S3-compatible
# object storage (django-storages) that every web process and worker shares; without it, on local
# disk under MEDIA_ROOT (one machine). Either way they are private and served only by the
# service's own download view, after its access checks. Credentials come from AWS_ACCESS_KEY_ID
# and AWS_SECRET_ACCESS_KEY, or from the machine's role.
EVIDENCE_S3_BUCKET = env.str("EVIDENCE_S3_BUCKET", default="")
if EVIDENCE_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": env.str("EVIDENCE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("EVIDENCE_S3_REGION", default="") or None,
            "location": env.str("EVIDENCE_S3_PREFIX", default=""),
            "addressing_style": env.str("EVIDENCE_S3_ADDRESSING_STYLE", default="") or None,
            "default_acl": None,  # the bucket's own policy: private
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
# Evidence files: the largest upload accepted (bytes), and how many one update may carry. Their
# type is read from their bytes.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=10)

# Request limits (README, Security). The whole body: REQUEST_MAX_BYTES below, refused from its
# Content-Length before it is read (core.middleware). Fields other than files: Django's own limit.
# Files in one request: a form refuses more than EVIDENCE_MAX_FILES with a message; a request with
# more than twice that is refused outright. Uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE are
# spooled to a temporary file, never held in memory. Each of these answers the "too large" page.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FILES = 2 * EVIDENCE_MAX_FILES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Email. The console backend prints every email (set-password links included) to the log: fine
# for development, refused with DEBUG off unless ALLOW_CONSOLE_EMAIL=1 says it is meant.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# For the file-based backend (the end-to-end Celery test reads the emails a real worker writes).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="recommendation-tracker@example.gov.uk")
ALLOW_CONSOLE_EMAIL = env.bool("ALLOW_CONSOLE_EMAIL", default=False)
# The address in emails. `make run` serves on 127.0.0.1:APP_PORT and sets it to match; with DEBUG
# off there is no default (a wrong host in a set-password link is worse than no start).
APP_PORT = env.int("APP_PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{APP_PORT}" if DEBUG else "").rstrip("/")


def _cache_from_url(name: str, default: str) -> dict:
    """A cache from its URL; Redis through the backend that treats an outage as a miss."""
    config = env.cache(name, default=default)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "core.cache_backends.FailSafeRedisCache"
    return config


# Shared by every web process and the worker (the dashboard's figures, core/cache.py): files under
# var/cache on one machine, CACHE_URL=redis://host:6379/1 in production. An optimisation only:
# with Redis down pages compute and writes skip it (core/cache_backends.py).
CACHES = {
    "default": _cache_from_url("CACHE_URL", f"filecache://{VAR_DIR / 'cache' / 'default'}"),
}
# Every process runs on this one machine (allows the file-based caches with DEBUG off).
SINGLE_MACHINE = env.bool("SINGLE_MACHINE", default=False)

# Celery: JSON only, time limits, the site's time zone (config/celery.py reads CELERY_*).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task running when the broker connection drops finishes (every task is safe to run twice and
# an import claims its batch once); cancelling it would leave an import claimed and never saved.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# A web request that publishes a task waits at most this long for a dead broker (default 4 s).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The beat schedule lives here, in code; exactly one beat process runs it. Crontab times are
# London times (CELERY_TIMEZONE), so 07:00 stays 07:00 across BST and GMT. Each entry expires
# before its next run, so a backlog after an outage does not pile up identical sweeps.
SWEEP_INTERVAL_SECONDS = env.int("SWEEP_INTERVAL_SECONDS", default=15 * 60)
CELERY_BEAT_SCHEDULE: dict = {
    "overdue-sweep": {
        "task": "inspections.tasks.sweep_overdue",
        "schedule": SWEEP_INTERVAL_SECONDS,
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    },
    # Just after midnight London time, when yesterday's targets become overdue.
    "overdue-sweep-after-midnight": {
        "task": "inspections.tasks.sweep_overdue",
        "schedule": crontab(minute=1, hour=0),
        "options": {"expires": 30 * 60},
    },
    "daily-digest": {
        "task": "inspections.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=7),
        "options": {"expires": 3 * 60 * 60},
    },
    "weekly-digest": {
        "task": "inspections.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
        "options": {"expires": 3 * 60 * 60},
    },
    # Messages enqueued while the broker was down (or that failed and are due a retry) go out.
    "deliver-messages": {
        "task": "notifications.tasks.deliver_messages",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    # The record of exports keeps EXPORT_RECORD_RETENTION_DAYS; older records go at 03:30.
    "prune-export-records": {
        "task": "audit.tasks.prune_export_records",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 3 * 60 * 60},
    },
    # Committee papers the worker wrote are kept PAPER_JOB_KEEP_DAYS for whoever asked.
    "prune-paper-jobs": {
        "task": "reporting.tasks.prune_paper_jobs",
        "schedule": crontab(minute=40, hour=3),
        "options": {"expires": 3 * 60 * 60},
    },
}

# Who exported what (audit app): kept this many days, then pruned by beat's daily job.
EXPORT_RECORD_RETENTION_DAYS = env.int("EXPORT_RECORD_RETENTION_DAYS", default=2 * 365)
if EXPORT_RECORD_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("EXPORT_RECORD_RETENTION_DAYS must be at least 1.")

# Committee papers with more open items than this are written by the worker, not in the request.
COMMITTEE_PAPER_INLINE_MAX_ITEMS = env.int("COMMITTEE_PAPER_INLINE_MAX_ITEMS", default=1_000)
PAPER_JOB_KEEP_DAYS = env.int("PAPER_JOB_KEEP_DAYS", default=7)
if PAPER_JOB_KEEP_DAYS < 1:
    raise ImproperlyConfigured("PAPER_JOB_KEEP_DAYS must be at least 1.")

# Managers' review queue: an overdue item is due a review when its last one is older than this;
# an open item with no progress update for STALE_PROGRESS_DAYS is flagged "no recent progress".
OVERDUE_REVIEW_INTERVAL_DAYS = env.int("OVERDUE_REVIEW_INTERVAL_DAYS", default=30)
STALE_PROGRESS_DAYS = env.int("STALE_PROGRESS_DAYS", default=90)

# Imports of a report's findings (imports app): limits, and when the Celery worker takes over.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=10_000)
IMPORT_INLINE_MAX_ROWS = env.int("IMPORT_INLINE_MAX_ROWS", default=1_000)
# The largest request body accepted at all (bytes), refused before it is read with the "too large"
# page (core.middleware.RequestSizeLimitMiddleware). 0: the larger of the two upload limits above
# plus 1 MB for the rest of the form.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=0)
# The worker writes an import's progress where the web process can read it: the shared cache
# (CACHE_URL) when there is one, files under var/ otherwise (one machine), or a cache of its own
# (IMPORT_PROGRESS_CACHE_URL=redis://...).
CACHES["imports"] = _cache_from_url(
    "IMPORT_PROGRESS_CACHE_URL", env.str("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache' / 'imports'}")
)
IMPORT_PROGRESS_CACHE = "imports"

# The public register (register app, /register/): how long a page may be kept by us and by any
# proxy or CDN (seconds), and how many requests a minute one client may make (0: no limit; the
# client's address as core.http.client_address reads it, TRUSTED_PROXY_COUNT).
REGISTER_CACHE_SECONDS = env.int("REGISTER_CACHE_SECONDS", default=300)
REGISTER_RATE_LIMIT = env.int("REGISTER_RATE_LIMIT", default=120)

# The read-only API (api app): tokens for scripts, the session for the browsable documentation.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Recommendation Tracker API",
    "DESCRIPTION": (
        "Read-only access to inspections, findings and each force's tracked items, under the same "
        "rules as the pages: a force liaison officer sees only their forces' items. Authenticate with "
        "a token: send the header Authorization with the word Token, a space and your key. Get a token from the API token page of your account."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

DJANGO_TABLES2_TEMPLATE = "tables/govuk_table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "govuk-table"}

# Logs go to stderr; LOG_FORMAT=json gives one JSON object a line for a log collector. The same
# configuration serves the Celery worker and beat (config/celery.py) and gunicorn (gunicorn.conf.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not one of: {', '.join(LOG_FORMATS)}.")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO").upper())
if LOG_FORMAT == "json":
    unraisable_through_logging()

# /healthz shows each check's details (error text, timings) to staff signed in and to callers that
# send "Authorization: Bearer <HEALTH_TOKEN>"; everyone else sees only ok or failing.
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")

# Security headers. Strict by default outside DEBUG; a deployment behind a TLS-terminating proxy
# sets SECURE_PROXY_SSL_HEADER=1 so that Django knows the original request was HTTPS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks come from the load balancer over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy (django-csp): no inline script or style, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}


def _unsafe_for_production() -> list[str]:
    """What a DEBUG-off start refuses: defaults that are fine on a laptop and wrong in production."""
    problems = []
    if not SITE_URL:
        problems.append(
            "SITE_URL is not set. Set it to the address users reach the service at (for example "
            "https://tracker.example.gov.uk): every link in an email starts with it."
        )
    if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend" and not ALLOW_CONSOLE_EMAIL:
        problems.append(
            "EMAIL_BACKEND is the console backend, which writes every email (set-password links "
            "included) to the log. Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with "
            "EMAIL_HOST and its settings, or ALLOW_CONSOLE_EMAIL=1 if the log is really where email "
            "should go."
        )
    caches_to_check = [("default", "CACHE_URL")]
    if env.str("IMPORT_PROGRESS_CACHE_URL", default=""):  # otherwise it follows CACHE_URL
        caches_to_check.append(("imports", "IMPORT_PROGRESS_CACHE_URL"))
    for alias, variable in caches_to_check:
        backend = CACHES[alias]["BACKEND"]
        if backend.endswith("LocMemCache"):
            problems.append(
                f"{variable} is a local-memory cache: each process would have its own, so the web "
                "processes and the worker would not see each other's writes. Use redis://host:6379/1."
            )
        elif backend.endswith("FileBasedCache") and not SINGLE_MACHINE:
            problems.append(
                f"{variable} is a file-based cache (the default), which only processes on this machine "
                "share. Set it to a Redis shared by every machine (redis://host:6379/1), or "
                "SINGLE_MACHINE=1 if every web, worker and beat process runs on this one machine."
            )
    if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
        problems.append(f"SITE_URL={SITE_URL!r} must start with https:// (or http://).")
    return problems


if not DEBUG and (_problems := _unsafe_for_production()):
    raise ImproperlyConfigured(
        "Refusing to start with DEBUG off:\n- " + "\n- ".join(_problems) + "\n(Or set DEBUG=1 for local development.)"
    )
