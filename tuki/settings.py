"""Tuki settings, read from the environment.

``TUKI_ENV`` chooses the mode: ``development`` (the default; SQLite under ``var/``, a generated secret key)
or ``production`` (refuses to start without an explicit secret key, allowed hosts and base URL). Every
variable is read through :class:`tuki.core.env.Env`, so a wrong value stops start-up with its name.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tuki.core.env import Env

env = Env()
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.get_str("TUKI_VAR_DIR") or BASE_DIR / "var")

TUKI_ENV = env.get_str("TUKI_ENV", "development")
if TUKI_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"TUKI_ENV must be 'development' or 'production'; got {TUKI_ENV!r}.")
PRODUCTION = TUKI_ENV == "production"
DEBUG = env.get_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when TUKI_ENV is 'production'.")


def _development_secret_key() -> str:
    """A key generated once into var/, so sessions survive restarts of a development server."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env.secret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when TUKI_ENV is 'production'.")
    SECRET_KEY = _development_secret_key()
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when TUKI_ENV is 'production'.")

if PRODUCTION and not env.get_str("TUKI_BASE_URL"):
    raise ImproperlyConfigured("TUKI_BASE_URL is required when TUKI_ENV is 'production'.")
TUKI_BASE_URL = env.url("TUKI_BASE_URL", "http://127.0.0.1:8000")
CSRF_TRUSTED_ORIGINS = [TUKI_BASE_URL]

# The supplier who runs this Tuki, shown on the public pages and in mail.
TUKI_SUPPLIER_NAME = env.get_str("TUKI_SUPPLIER_NAME", "Tuki Demo Oy")
TUKI_SUPPORT_EMAIL = env.get_str("TUKI_SUPPORT_EMAIL", "tuki@example.com")
TUKI_SUPPORT_PHONE = env.get_str("TUKI_SUPPORT_PHONE", "+358 9 4242 4242")
# Support request identifiers read PREFIX-number, e.g. SR-1042.
TUKI_REQUEST_PREFIX = env.get_str("TUKI_REQUEST_PREFIX", "SR")
if not TUKI_REQUEST_PREFIX.isalnum():
    raise ImproperlyConfigured(f"TUKI_REQUEST_PREFIX must be letters and digits only; got {TUKI_REQUEST_PREFIX!r}.")

# Change record identifiers likewise, e.g. CH-17.
TUKI_CHANGE_PREFIX = env.get_str("TUKI_CHANGE_PREFIX", "CH")
if not TUKI_CHANGE_PREFIX.isalnum():
    raise ImproperlyConfigured(f"TUKI_CHANGE_PREFIX must be letters and digits only; got {TUKI_CHANGE_PREFIX!r}.")

# The monthly reports are made on the first day of each month at this hour, in Europe/Helsinki.
TUKI_REPORT_HOUR = env.get_int("TUKI_REPORT_HOUR", 6)
# A consumer not heard from for this long has died: its jobs in hand go back on the queue (tuki.core.queue).
TUKI_JOBS_ORPHANED_AFTER = env.get_int("TUKI_JOBS_ORPHANED_AFTER", 60)
# A notification claimed but not marked sent for this long was being sent by a consumer that died: mailed again.
TUKI_MAIL_CLAIM_LEASE = env.get_int("TUKI_MAIL_CLAIM_LEASE", 600)
if not 0 <= TUKI_REPORT_HOUR <= 23:
    raise ImproperlyConfigured(f"TUKI_REPORT_HOUR must be an hour from 0 to 23; got {TUKI_REPORT_HOUR}.")
# The report's PDF goes with its mail up to this size; a larger one is only linked (mail servers refuse big mail).
TUKI_REPORT_PDF_MAIL_BYTES = env.get_int("TUKI_REPORT_PDF_MAIL_BYTES", 5 * 1024 * 1024)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "tuki.accounts.apps.LockoutConfig",  # django-axes, named in our languages
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Before huey's app: its run_huey command is replaced by ours (tuki/core/management/commands/run_huey.py).
    "tuki.core",
    "huey.contrib.djhuey",
    "tuki.audit",
    "tuki.accounts",
    "tuki.mfa",
    "tuki.apitokens",
    "tuki.environments",
    "tuki.agreements",
    "tuki.sla",
    "tuki.tickets",
    "tuki.timesheets",
    "tuki.changes",
    "tuki.reports",
    "tuki.mail",
    "tuki.mail.intake",
    "tuki.webhooks",
    "tuki.handbook",
    "tuki.catalogue",
    "tuki.portal",
    "tuki.desk",
    "tuki.demo",
    "tuki.ops",
]

MIDDLEWARE = [
    # First: every later line, error page and redirect carries the request id; latency counts the whole stack.
    "tuki.core.request_id.RequestIdMiddleware",
    "tuki.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tuki.mfa.middleware.SecondStepMiddleware",
    "tuki.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tuki.core.middleware.ContentSecurityPolicyMiddleware",
    # Last, so that a locked-out login gets our own page (see AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tuki.urls"
WSGI_APPLICATION = "tuki.wsgi.application"

# django-ninja's Swagger UI page and assets, found by path: as an installed app it would be imported by every
# process at start-up, and with it pydantic and django.test (about 10 MB a worker that never serves the API).
_NINJA_DIR = Path(importlib.util.find_spec("ninja").submodule_search_locations[0])  # type: ignore[union-attr,index]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [_NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuki.core.context_processors.site",
            ],
        },
    },
]

# Databases: SQLite under var/ unless DATABASE_URL says otherwise.
_database_url = env.get_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tuki.sqlite3'}"
try:
    # A kept connection is checked before each request reuses it: after a database restart the first request of
    # every thread would otherwise fail on its dead connection.
    _database = dj_database_url.parse(
        _database_url, conn_max_age=env.get_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Tuki understands: {exc}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL and immediate transactions let the web server and the worker write without "database is locked".
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not shared-cache memory: concurrency tests need SQLite's real locking with the busy timeout.
    # One file per test run, so that two runs in one checkout never share a database.
    _database["TEST"] = {"NAME": str(VAR_DIR / f"test-tuki-{os.getpid()}.sqlite3")}
elif _database["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare the statements a page repeats on every request (the request
    # page's wide join is planned once per connection instead of every time).
    if env.get_bool("TUKI_PG_PREPARED_STATEMENTS", default=True):
        _database["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2}
else:
    raise ImproperlyConfigured("DATABASE_URL must name a SQLite or PostgreSQL database.")
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.get_str("REDIS_URL")
if REDIS_URL:
    env.url("REDIS_URL", schemes=("redis", "rediss", "unix"))
    # A Redis that hangs must not hang the pages: a cache that does not answer in 2 s is away (tuki.core.cache).
    _redis_options = {"socket_connect_timeout": 2, "socket_timeout": 2}
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "tuki.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL, "OPTIONS": _redis_options},
        "versions": {
            "BACKEND": "tuki.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "versions",
            "OPTIONS": _redis_options,
        },
    }
    HUEY: dict[str, Any] = {"huey_class": "tuki.core.queue.JournalledRedisHuey", "name": "tuki", "url": REDIS_URL}
else:
    # Files, not each process's memory: the web workers and the job worker must see the same values. One host
    # only; several hosts share Redis instead. The version numbers of tuki.core.versioned have a folder of
    # their own: the default cache culls entries when it fills up, and a version must never be pushed out.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        },
        "versions": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "versions"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},  # a handful of keys: never culled
        },
    }
    HUEY = {"huey_class": "tuki.core.queue.WalSqliteHuey", "name": "tuki", "filename": str(VAR_DIR / "huey.sqlite3")}
HUEY |= {
    "immediate": env.get_bool("TUKI_HUEY_IMMEDIATE", default=False),
    "consumer": {"workers": env.get_int("TUKI_WORKERS", 2), "worker_type": "thread", "periodic": True},
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tuki.accounts.backends.UserBackend",
]
PASSWORD_HASHERS = [
    "tuki.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Two-step login (tuki.mfa): managers always need a second step after the password; agents when this is on.
TUKI_MFA_REQUIRED_FOR_AGENTS = env.get_bool("TUKI_MFA_REQUIRED_FOR_AGENTS", default=False)
OTP_TOTP_ISSUER = TUKI_SUPPLIER_NAME
# django-otp's delay after each wrong code doubles per device: 1, 2, 4 ... seconds.
OTP_TOTP_THROTTLE_FACTOR = 1

# Lockout: the tenth wrong password for an account from one address locks that account at that address for a
# while. The pair, not the account alone: anyone who knows an email address could otherwise lock its owner out,
# and not the address alone: one office behind one address would be locked out by its clumsiest typist. Many
# failures from one address across any names are slowed instead (tuki.accounts.lockout).
AXES_FAILURE_LIMIT = env.get_int("TUKI_LOCKOUT_FAILURES", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env.get_int("TUKI_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "tuki.accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "tuki.core.client_address.client_address"
TUKI_LOGIN_ADDRESS_FAILURES = env.get_int("TUKI_LOGIN_ADDRESS_FAILURES", 30)
if TUKI_LOGIN_ADDRESS_FAILURES < 1:
    raise ImproperlyConfigured(f"TUKI_LOGIN_ADDRESS_FAILURES must be at least 1; got {TUKI_LOGIN_ADDRESS_FAILURES}.")
TUKI_LOGIN_ADDRESS_WINDOW_SECONDS = 5 * 60
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tuki.accounts.views.locked_out"
AXES_VERBOSE = False

# Sessions live in the database and are read through the shared cache (files or Redis): one query less on
# every page, and a session ended in one process is gone from all of them.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
MESSAGE_STORAGE = "tuki.core.messages.RecentMessagesStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", default=True)
# Behind proxies, the scheme and the client's address come from their headers (tuki.core.client_address);
# otherwise those headers are the client's own words and are ignored.
TUKI_BEHIND_PROXY = env.get_bool("TUKI_BEHIND_PROXY", default=False)
TUKI_TRUSTED_PROXIES = env.get_int("TUKI_TRUSTED_PROXIES", 1)
if TUKI_TRUSTED_PROXIES < 1:
    raise ImproperlyConfigured(f"TUKI_TRUSTED_PROXIES must be at least 1; got {TUKI_TRUSTED_PROXIES}.")
if TUKI_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tuki" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True
FORMAT_MODULE_PATH = ["tuki.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [_NINJA_DIR / "static"]
TUKI_ATTACHMENT_MAX_BYTES = env.get_int("TUKI_ATTACHMENT_MAX_MB", 25) * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# The REST API (tuki/api): calls per token (or signed-in person) a minute, and the largest JSON body it reads; a
# multipart upload may carry five attachments of the largest size.
TUKI_API_CALLS_PER_MINUTE = env.get_int("TUKI_API_CALLS_PER_MINUTE", 600)
TUKI_API_MAX_JSON_BYTES = env.get_int("TUKI_API_MAX_JSON_KB", 256) * 1024
TUKI_API_MAX_UPLOAD_BYTES = 5 * TUKI_ATTACHMENT_MAX_BYTES + 1024 * 1024
# An error report (a 500's mail to ADMINS) leaves out the Authorization header as it leaves out cookies.
DEFAULT_EXCEPTION_REPORTER_FILTER = "tuki.core.reporting.SecretsHidingFilter"
MEDIA_ROOT = Path(env.get_str("TUKI_MEDIA_ROOT") or VAR_DIR / "media")
# Attachments, raw inbound mail and every other stored file go to an S3-compatible bucket when TUKI_S3_BUCKET is
# set (several hosts share it), to MEDIA_ROOT otherwise (one host). Half a configuration stops start-up.
_S3_VARIABLES = [
    "TUKI_S3_BUCKET",
    "TUKI_S3_ENDPOINT_URL",
    "TUKI_S3_REGION",
    "TUKI_S3_ACCESS_KEY_ID",
    "TUKI_S3_SECRET_ACCESS_KEY",
    "TUKI_S3_SECRET_ACCESS_KEY_FILE",
    "TUKI_S3_PREFIX",
    "TUKI_S3_ADDRESSING_STYLE",
]
TUKI_S3_BUCKET = env.get_str("TUKI_S3_BUCKET")
_s3_key_id = env.get_str("TUKI_S3_ACCESS_KEY_ID")
_s3_secret = env.secret("TUKI_S3_SECRET_ACCESS_KEY")
if not TUKI_S3_BUCKET and any(env.get_str(name) for name in _S3_VARIABLES):
    _set = ", ".join(name for name in _S3_VARIABLES if env.get_str(name))
    raise ImproperlyConfigured(f"TUKI_S3_BUCKET is required when other TUKI_S3_ settings are set ({_set}).")
if bool(_s3_key_id) != bool(_s3_secret):
    raise ImproperlyConfigured(
        "Set both TUKI_S3_ACCESS_KEY_ID and TUKI_S3_SECRET_ACCESS_KEY (or _FILE), or neither (the instance's role)."
    )
TUKI_S3_ADDRESSING_STYLE = env.get_str("TUKI_S3_ADDRESSING_STYLE", "path")
if TUKI_S3_ADDRESSING_STYLE not in {"path", "virtual", "auto"}:
    raise ImproperlyConfigured(
        f"TUKI_S3_ADDRESSING_STYLE must be path, virtual or auto; got {TUKI_S3_ADDRESSING_STYLE!r}."
    )
_default_storage: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if TUKI_S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": TUKI_S3_BUCKET,
            "endpoint_url": env.url("TUKI_S3_ENDPOINT_URL") if env.get_str("TUKI_S3_ENDPOINT_URL") else None,
            "region_name": env.get_str("TUKI_S3_REGION") or None,
            "access_key": _s3_key_id or None,
            "secret_key": _s3_secret or None,
            "location": env.get_str("TUKI_S3_PREFIX").strip("/"),
            # Never replace a stored file by another of the same name; files are private and served by Tuki
            # (through the viewer's scope, logged), never by a link to the bucket.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "addressing_style": TUKI_S3_ADDRESSING_STYLE,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it

# Mail: SMTP when EMAIL_HOST is set (always in production); files under var/mail/ in development otherwise.
EMAIL_HOST = env.get_str("EMAIL_HOST", "localhost" if PRODUCTION else "")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.get_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT", 30)
# Tuki's backends are Django's, with every outgoing message made free of remote resources (tuki.mail.backends).
# Without a mail server (development), each message is saved under var/mail/ and announced in one log line.
EMAIL_BACKEND = "tuki.mail.backends.SmtpBackend" if EMAIL_HOST else "tuki.mail.backends.OutboxBackend"
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", f"{TUKI_SUPPLIER_NAME} <{TUKI_SUPPORT_EMAIL}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _positive(name: str, value: int, maximum: int | None = None) -> int:
    if value < 1 or (maximum is not None and value > maximum):
        limit = f" and at most {maximum}" if maximum is not None else ""
        raise ImproperlyConfigured(f"{name} must be at least 1{limit}; got {value}.")
    return value


# Inbound mail (tuki.mail.intake). The IMAP poller runs when TUKI_MAIL_IMAP_HOST is set; the MTA pipe
# (`manage.py mail_intake`) needs no settings. Messages over TUKI_MAIL_MAX_MB are kept but not processed.
TUKI_MAIL_IMAP_HOST = env.get_str("TUKI_MAIL_IMAP_HOST")
TUKI_MAIL_IMAP_SSL = env.get_bool("TUKI_MAIL_IMAP_SSL", default=True)
TUKI_MAIL_IMAP_PORT = _positive(
    "TUKI_MAIL_IMAP_PORT", env.get_int("TUKI_MAIL_IMAP_PORT", 993 if TUKI_MAIL_IMAP_SSL else 143), 65535
)
TUKI_MAIL_IMAP_USER = env.get_str("TUKI_MAIL_IMAP_USER")
TUKI_MAIL_IMAP_PASSWORD = env.secret("TUKI_MAIL_IMAP_PASSWORD")
TUKI_MAIL_IMAP_FOLDER = env.get_str("TUKI_MAIL_IMAP_FOLDER", "INBOX")
# Where processed mail goes ("/" separates levels, whatever the server uses). Empty: processed mail stays
# in the folder, flagged \Seen and with the keyword TUKI_MAIL_IMAP_KEYWORD.
TUKI_MAIL_IMAP_PROCESSED_FOLDER = env.get_str("TUKI_MAIL_IMAP_PROCESSED_FOLDER", "Tuki/Processed")
TUKI_MAIL_IMAP_KEYWORD = env.get_str("TUKI_MAIL_IMAP_KEYWORD", "TukiProcessed")
TUKI_MAIL_IMAP_TIMEOUT = _positive("TUKI_MAIL_IMAP_TIMEOUT", env.get_int("TUKI_MAIL_IMAP_TIMEOUT", 60))
if TUKI_MAIL_IMAP_HOST and not (TUKI_MAIL_IMAP_USER and TUKI_MAIL_IMAP_PASSWORD):
    raise ImproperlyConfigured(
        "TUKI_MAIL_IMAP_USER and TUKI_MAIL_IMAP_PASSWORD (or TUKI_MAIL_IMAP_PASSWORD_FILE) are required "
        "when TUKI_MAIL_IMAP_HOST is set."
    )
if not TUKI_MAIL_IMAP_FOLDER:
    raise ImproperlyConfigured("TUKI_MAIL_IMAP_FOLDER must name a folder; got an empty value.")
if not TUKI_MAIL_IMAP_KEYWORD.isalnum():
    raise ImproperlyConfigured(f"TUKI_MAIL_IMAP_KEYWORD must be letters and digits; got {TUKI_MAIL_IMAP_KEYWORD!r}.")
TUKI_MAIL_MAX_BYTES = _positive("TUKI_MAIL_MAX_MB", env.get_int("TUKI_MAIL_MAX_MB", 25)) * 1024 * 1024
TUKI_MAIL_PARSE_SECONDS = _positive("TUKI_MAIL_PARSE_SECONDS", env.get_int("TUKI_MAIL_PARSE_SECONDS", 5))
# Automatic answers (to strangers, to oversized mail): at most this many per sender and hour.
TUKI_MAIL_ANSWERS_PER_HOUR = _positive("TUKI_MAIL_ANSWERS_PER_HOUR", env.get_int("TUKI_MAIL_ANSWERS_PER_HOUR", 3))
# A message that fails with a database error this many times in a row is quarantined instead of retried.
TUKI_MAIL_MAX_ATTEMPTS = _positive("TUKI_MAIL_MAX_ATTEMPTS", env.get_int("TUKI_MAIL_MAX_ATTEMPTS", 5))
# Who sent a mail (tuki.mail.authentication): the authserv-id of the trusted receiving server whose
# Authentication-Results header Tuki believes; empty (the default), Tuki verifies DKIM signatures itself. Mail
# from a named contact's address that is not authenticated waits in the desk's quarantine.
TUKI_MAIL_AUTHSERV_ID = env.get_str("TUKI_MAIL_AUTHSERV_ID").strip()
if TUKI_MAIL_AUTHSERV_ID and not re.fullmatch(r"[A-Za-z0-9._-]+", TUKI_MAIL_AUTHSERV_ID):
    raise ImproperlyConfigured(f"TUKI_MAIL_AUTHSERV_ID must be a host name; got {TUKI_MAIL_AUTHSERV_ID!r}.")

# Webhooks (tuki.webhooks) go over https to public addresses only. Hosts named here (comma-separated names or
# addresses, e.g. "hooks.intranet.example,10.0.0.7") are trusted as they are: their private addresses are allowed,
# and so is plain http. For a customer's desk inside the supplier's own network; leave empty otherwise.
TUKI_WEBHOOK_ALLOWED_HOSTS = env.get_list("TUKI_WEBHOOK_ALLOWED_HOSTS")

# /metrics (tuki.ops.metrics) answers only these networks (comma-separated addresses or CIDR ranges, as
# tuki.core.client_address reads the client), or a request with "Authorization: Bearer <TUKI_METRICS_TOKEN>".
TUKI_METRICS_ALLOWED_ADDRESSES = env.get_list("TUKI_METRICS_ALLOWED_ADDRESSES")
for _network in TUKI_METRICS_ALLOWED_ADDRESSES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TUKI_METRICS_ALLOWED_ADDRESSES must list addresses or networks; got {_network!r}."
        ) from None
TUKI_METRICS_TOKEN = env.secret("TUKI_METRICS_TOKEN")
if TUKI_METRICS_TOKEN and len(TUKI_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("TUKI_METRICS_TOKEN must be at least 32 characters long.")

# POST /mail/inbound (tuki.mail.gate, fed by scripts/mailgate.py from the mail server) is off until this is set;
# then it takes mail only from a request with "Authorization: Bearer <TUKI_MAIL_GATE_TOKEN>".
TUKI_MAIL_GATE_TOKEN = env.secret("TUKI_MAIL_GATE_TOKEN")
if TUKI_MAIL_GATE_TOKEN and len(TUKI_MAIL_GATE_TOKEN) < 32:
    raise ImproperlyConfigured("TUKI_MAIL_GATE_TOKEN must be at least 32 characters long.")

# Logs: one JSON object a line in production (for a log shipper), readable text in development; both name the
# request or job each line belongs to (tuki.core.request_id).
TUKI_LOG_FORMAT = env.get_str("TUKI_LOG_FORMAT", "json" if PRODUCTION else "plain")
if TUKI_LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"TUKI_LOG_FORMAT must be 'json' or 'plain'; got {TUKI_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tuki.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "tuki.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": TUKI_LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint and its font tools narrate every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The job worker adds a handler of its own to "huey" unless one is configured: every line came twice.
        "huey": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO"), "propagate": False},
    },
}
