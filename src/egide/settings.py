"""Django settings for Égide, read from the environment (see .env.example)."""

from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from egide.environment import (
    SettingError,
    read_bool,
    read_cache_settings,
    read_file_storage,
    read_hour,
    read_int,
    read_list,
    read_log_format,
    read_networks,
    read_secret_key,
    read_string,
)
from egide.operations.logs import logging_config

PACKAGE_DIR = Path(__file__).resolve().parent
# django-ninja's folder, found without importing it: its templates and static files serve the API's documentation
# page, but it is not an installed app, since loading it (and pydantic with it) at start cost every command a sixth
# of a second; the web process loads it with the URLs.
_ninja = find_spec("ninja")
if _ninja is None or _ninja.origin is None:
    raise SettingError("django-ninja is not installed")
NINJA_DIR = Path(_ninja.origin).parent
BASE_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(read_string("EGIDE_DATA_DIR", default=str(BASE_DIR / "data"))).resolve()

DEBUG = read_bool("DEBUG", default=True)
# The platform served on this machine for its own user (`make start`): debug off as on a server, but with the
# generated secret key of the data folder and the local host names, without HTTPS.
LOCAL = read_bool("EGIDE_LOCAL", default=False)
SECRET_KEY = read_secret_key(debug=DEBUG or LOCAL, data_dir=DATA_DIR)
ALLOWED_HOSTS = read_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG or LOCAL else [])
CSRF_TRUSTED_ORIGINS = read_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    # Before staticfiles, whose `runserver` it extends: egide's starts the background worker beside the server.
    "egide.imports",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "egide.core",
    "egide.accounts",
    "egide.security",
    "egide.actors",
    "egide.audit",
    "egide.governance",
    "egide.maps",
    "egide.programmes",
    "egide.references",
    "egide.iati",
    "egide.results",
    "egide.money",
    "egide.context",
    "egide.coordination",
    "egide.assessments",
    "egide.duediligence",
    "egide.reports",
    "egide.operations",
    "egide.backup",
    "egide.portal",
    "egide.exports",
]

MIDDLEWARE = [
    # /health/live and /health/ready for a load balancer, before the host name is checked (egide.core.health).
    "egide.core.health_middleware.HealthMiddleware",
    # Then the request id, the access log and the metrics: they see every other request, static files included.
    "egide.operations.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "egide.audit.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "egide.api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "egide.security.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "egide.core.errors.ErrorPagesMiddleware",
]

ROOT_URLCONF = "egide.urls"
WSGI_APPLICATION = "egide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates", NINJA_DIR / "templates"],
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

_database_url = read_string("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'egide.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
except ValueError as error:
    raise SettingError(f"DATABASE_URL={_database_url!r}: {error}") from error
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # Write-ahead logging lets the pages read while an import writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        # A write waits up to this many seconds for another one to finish instead of failing "database is locked".
        "timeout": read_int("EGIDE_SQLITE_TIMEOUT_SECONDS", default=20, minimum=1),
        # A transaction takes the write lock when it starts: one that read first and wrote later could not get it
        # once another writer committed (SQLite then fails at once, whatever the timeout).
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# An optional read replica of the PostgreSQL primary: the public pages and the exports read from it, every write
# and every read after a write from the primary (egide.operations.routing; docs/operations.md).
_replica_url = read_string("DATABASE_REPLICA_URL", default="")
# How long a client that wrote keeps reading from the primary, while the replica catches up.
EGIDE_REPLICA_PIN_SECONDS = read_int("EGIDE_REPLICA_PIN_SECONDS", default=10, minimum=1)
if _replica_url:
    try:
        DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=60)
    except ValueError as error:
        raise SettingError(f"DATABASE_REPLICA_URL={_replica_url!r}: {error}") from error
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["egide.operations.routing.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "egide.operations.routing.ReplicaMiddleware",
    )

# PostgreSQL's own features (the reference documents' full-text search): on PostgreSQL only, so that a process on
# SQLite (the command line's start) does not import psycopg for them (egide.references.fields).
if DATABASES["default"]["ENGINE"] in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_otp"), "django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Log-in throttling (egide.security.throttle), per username and per IP address. Failures count within
# EGIDE_LOGIN_WINDOW_MINUTES, until a log-in completes. After EGIDE_LOGIN_SLOWDOWN_AFTER failures, each further
# attempt waits 1, 2, 4… seconds, at most EGIDE_LOGIN_DELAY_SECONDS; after EGIDE_LOGIN_LOCK_AFTER failures,
# attempts are refused for EGIDE_LOGIN_LOCK_MINUTES. One-time codes count like passwords.
EGIDE_LOGIN_SLOWDOWN_AFTER = read_int("EGIDE_LOGIN_SLOWDOWN_AFTER", default=2, minimum=1)
EGIDE_LOGIN_LOCK_AFTER = read_int("EGIDE_LOGIN_LOCK_AFTER", default=5, minimum=1)
EGIDE_LOGIN_LOCK_MINUTES = read_int("EGIDE_LOGIN_LOCK_MINUTES", default=15, minimum=1)
EGIDE_LOGIN_WINDOW_MINUTES = read_int("EGIDE_LOGIN_WINDOW_MINUTES", default=15, minimum=1)
EGIDE_LOGIN_DELAY_SECONDS = read_int("EGIDE_LOGIN_DELAY_SECONDS", default=4, minimum=0)
# The client's address, for the audit log and the log-in throttle alike (egide.core.client_ip). Empty: the
# connection's address (REMOTE_ADDR). Behind a reverse proxy every request comes from the proxy's address: name the
# header it sets (X-Forwarded-For: its right-most entry, the one the proxy added; or X-Real-IP), or throttling counts
# everyone together and the log records the proxy. Never set it without a proxy that sets the header: clients could
# then choose the address recorded for them.
# E-mail: password resets and invitations. By default messages are printed on the console (local use); set
# EGIDE_EMAIL_HOST to send them through an SMTP server.
_email_host = read_string("EGIDE_EMAIL_HOST", default="")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": read_int("EGIDE_EMAIL_PORT", default=587, minimum=1),
                "username": read_string("EGIDE_EMAIL_USER", default="") or None,
                "password": read_string("EGIDE_EMAIL_PASSWORD", default="") or None,
                "use_tls": read_bool("EGIDE_EMAIL_TLS", default=True),
                "timeout": 20,
            },
        }
        if _email_host
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = read_string("EGIDE_EMAIL_FROM", default="Égide <egide@localhost>")
# How long a password-reset link and an invitation link work (each works once).
PASSWORD_RESET_TIMEOUT = read_int("EGIDE_PASSWORD_RESET_HOURS", default=24, minimum=1) * 3600
EGIDE_INVITATION_DAYS = read_int("EGIDE_INVITATION_DAYS", default=7, minimum=1)

EGIDE_CLIENT_IP_HEADER = read_string("EGIDE_CLIENT_IP_HEADER", default="")

# Two-factor log-in with an authenticator app (django-otp's TOTP devices); required for superusers.
OTP_TOTP_ISSUER = "Égide"
# django-otp's own per-device back-off would refuse a right code typed just after a wrong one; the log-in
# throttling above counts wrong codes instead.
OTP_TOTP_THROTTLE_FACTOR = 0

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Collected static files: in the data folder by default; a container image keeps them in a folder of its own.
STATIC_ROOT = Path(read_string("EGIDE_STATIC_ROOT", default=str(DATA_DIR / "static"))).resolve()
STATICFILES_DIRS = [PACKAGE_DIR / "static", NINJA_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

# Uploads are read in memory up to this size; imports refuse larger files with a clear message.
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
EGIDE_IMPORT_MAX_BYTES = 20 * 1024 * 1024
# The largest IATI activity file an upload may hold (they are read as a stream, in bounded memory).
EGIDE_IATI_MAX_BYTES = read_int("EGIDE_IATI_MAX_MB", default=1024, minimum=1) * 2**20
# 2: the background import reads each uploaded file in a child process while it writes (two cores at work at once).
EGIDE_IATI_JOBS = read_int("EGIDE_IATI_JOBS", default=1, minimum=1)
# Caps on what an import file may hold, so that a small hostile file (a ZIP bomb, a sheet with a cell in its last
# row and column) is refused in seconds: rows per table, columns per sheet, megabytes unpacked from a ZIP or XLSX.
EGIDE_IMPORT_MAX_ROWS = read_int("EGIDE_IMPORT_MAX_ROWS", default=50_000, minimum=1)
EGIDE_IMPORT_MAX_COLUMNS = read_int("EGIDE_IMPORT_MAX_COLUMNS", default=64, minimum=32)
EGIDE_IMPORT_MAX_UNPACKED_BYTES = read_int("EGIDE_IMPORT_MAX_UNPACKED_MB", default=200, minimum=1) * 2**20
# A rejected import lists this many problems (the first ones) and counts all the others.
EGIDE_IMPORT_MAX_PROBLEMS = read_int("EGIDE_IMPORT_MAX_PROBLEMS", default=1_000, minimum=1)
# Files larger than this are imported by a background worker (`egide db_worker`), not in the web request.
EGIDE_IMPORT_INLINE_MAX_BYTES = read_int("EGIDE_IMPORT_INLINE_MAX_KB", default=256, minimum=0) * 1024
# List exports (egide.exports, docs/exports.md): a list of more rows than this is written by the background worker
# and downloaded from its page; its file is kept this many hours for its requester only, then deleted. Rows are
# read from the database this many at a time.
EGIDE_EXPORT_INLINE_MAX_ROWS = read_int("EGIDE_EXPORT_INLINE_MAX_ROWS", default=20_000, minimum=0)
EGIDE_EXPORT_KEEP_HOURS = read_int("EGIDE_EXPORT_KEEP_HOURS", default=24, minimum=1)
EGIDE_EXPORT_CHUNK_ROWS = read_int("EGIDE_EXPORT_CHUNK_ROWS", default=2_000, minimum=1)
# `egide runserver` starts a background worker beside the server unless this is off (run `egide db_worker` then).
EGIDE_RUNSERVER_WORKER = read_bool("EGIDE_RUNSERVER_WORKER", default=True)

# What is computed and kept between requests (the governance findings of each map version, docs/caching.md).
# The default, a folder of the data folder, is shared by every process of this machine with no other service;
# servers with several machines use Redis: CACHE_URL=redis://HOST:6379/0.
# REDIS_URL, when CACHE_URL is empty, is a shortcut for the same: the cache in Redis.
CACHES = read_cache_settings(default=f"file://{DATA_DIR / 'cache'}")
# Several platforms (or their tests) sharing one Redis keep apart by a prefix of their keys.
CACHES["default"]["KEY_PREFIX"] = read_string("EGIDE_CACHE_KEY_PREFIX", default="")
# How many of those answers each process also keeps in its memory, ready to use (a large map's take tens of MB).
EGIDE_FINDINGS_IN_MEMORY = read_int("EGIDE_FINDINGS_IN_MEMORY", default=4)

# How long browsers and shared caches may keep a page of the public portal without asking again; after that they
# ask with its ETag and get a 304 while nothing it shows has changed (egide.portal.caching, docs/portal.md).
EGIDE_PORTAL_MAX_AGE = read_int("EGIDE_PORTAL_MAX_AGE_SECONDS", default=60, minimum=0)

# Background tasks (imports of large files) are kept in the database and run by `egide db_worker`.
# The backend is django-tasks-db's, which also keeps the id of the request that queued each task, for its logs.
TASKS = {"default": {"BACKEND": "egide.operations.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
# Readiness (/health/ready, egide.core.health): not ready while more tasks than this wait for a worker, or one has
# waited longer than this many minutes (a worker stopped or far behind); 0 leaves either check out.
EGIDE_HEALTH_MAX_QUEUED_TASKS = read_int("EGIDE_HEALTH_MAX_QUEUED_TASKS", default=100)
EGIDE_HEALTH_MAX_TASK_WAIT_MINUTES = read_int("EGIDE_HEALTH_MAX_TASK_WAIT_MINUTES", default=30)
# A worker tells it is alive this often; a task whose worker stopped (its process is gone, or, on another machine,
# it has not been heard of for EGIDE_WORKER_LOST_SECONDS) or that has run longer than EGIDE_TASK_TIME_LIMIT_MINUTES is
# marked failed with the reason by the workers' reaper, run at each worker's start and every EGIDE_WORKER_REAP_SECONDS.
EGIDE_WORKER_HEARTBEAT_SECONDS = read_int("EGIDE_WORKER_HEARTBEAT_SECONDS", default=15, minimum=1)
EGIDE_WORKER_LOST_SECONDS = read_int("EGIDE_WORKER_LOST_SECONDS", default=120, minimum=2)
EGIDE_WORKER_REAP_SECONDS = read_int("EGIDE_WORKER_REAP_SECONDS", default=60, minimum=1)
EGIDE_TASK_TIME_LIMIT_MINUTES = read_int("EGIDE_TASK_TIME_LIMIT_MINUTES", default=240, minimum=1)
EGIDE_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# A reference document's uploaded PDF: its size, and how much of it is read for the full-text search (pages,
# characters and seconds), so that a large or crafted file never holds a request for long.
EGIDE_REFERENCE_MAX_BYTES = read_int("EGIDE_REFERENCE_MAX_MB", default=20, minimum=1) * 2**20
EGIDE_REFERENCE_TEXT_MAX_PAGES = read_int("EGIDE_REFERENCE_TEXT_MAX_PAGES", default=300, minimum=1)
EGIDE_REFERENCE_TEXT_MAX_CHARACTERS = read_int("EGIDE_REFERENCE_TEXT_MAX_CHARACTERS", default=1_000_000, minimum=1000)
EGIDE_REFERENCE_TEXT_MAX_SECONDS = read_int("EGIDE_REFERENCE_TEXT_MAX_SECONDS", default=10, minimum=1)

# Human-rights due diligence: people and the allegations against them are never public, whatever level an editor
# chose, unless a deployment allows publishing them at all (egide.duediligence.access).
EGIDE_PUBLISH_PEOPLE = read_bool("EGIDE_PUBLISH_PEOPLE", default=False)

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
HTTPS = read_bool("HTTPS", default=not DEBUG and not LOCAL)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# With debug off, static files get names that change with their content (cached for ever by browsers) once
# `collectstatic` (run by `egide setup`) has written them and their manifest. Until then, on a fresh clone, they are
# served under their own names from the package by WhiteNoise, so that no page fails for want of a manifest.
STATIC_COLLECTED = (STATIC_ROOT / "staticfiles.json").exists()
STORAGES = {
    # Uploaded documents: the data folder's `media` by default, an S3-compatible bucket with EGIDE_STORAGE=s3.
    "default": read_file_storage(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_COLLECTED
# Collecting writes a gzip and a Brotli copy of each file; the bundles' source maps (three quarters of the bytes,
# fetched only by a developer's browser tools) are kept as they are, which makes `egide setup` a minute faster.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

CSRF_FAILURE_VIEW = "egide.core.errors.csrf_failure"

LOG_LEVEL = read_string("LOG_LEVEL", default="WARNING")
# text (the default, for a laptop) or json (one object per line, for a server's log collector); every line holds the
# request id of its request or task (egide.operations; docs/operations.md).
LOG_FORMAT = read_log_format()
# One line per request (method, path without query, status, duration, user id, request id) on the logger
# egide.access; on by default with JSON logs.
EGIDE_ACCESS_LOG = read_bool("EGIDE_ACCESS_LOG", default=LOG_FORMAT == "json")
# The header a trusted reverse proxy sets with its own request id (kept when well formed); empty: always a new one.
EGIDE_REQUEST_ID_HEADER = read_string("EGIDE_REQUEST_ID_HEADER", default="X-Request-ID")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL, debug=DEBUG)

# Metrics in Prometheus's format at /metrics, off by default; readable from the networks listed (loopback by
# default; the client's address as EGIDE_CLIENT_IP_HEADER reads it) or with the bearer token, when one is set.
EGIDE_METRICS = read_bool("EGIDE_METRICS", default=False)
EGIDE_METRICS_NETWORKS = read_networks("EGIDE_METRICS_NETWORKS", default=["127.0.0.0/8", "::1/128"])
EGIDE_METRICS_TOKEN = read_string("EGIDE_METRICS_TOKEN", default="")

# The address of the site as its users reach it: the links of e-mails sent outside a request (the daily digest of
# due-diligence alerts) start with it.
EGIDE_SITE_URL = read_string("EGIDE_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The hour (UTC, 0-23) at which the background worker sends the daily digest of due-diligence alerts, or "off" to
# leave it to `egide duediligence digest` run from cron (egide.duediligence.digest_schedule).
EGIDE_DIGEST_HOUR = read_hour("EGIDE_DIGEST_HOUR", default=7)
