"""Django settings. SQLite (WAL) in a data folder by default; PostgreSQL through DATABASE_URL.

Environment:
- ``JUESUAN_DATA_DIR``: folder for the SQLite database, the secret key and uploads
  (default ``./juesuan-data``).
- ``DATABASE_URL``: e.g. ``postgresql://user:pass@host:5432/juesuan``; unset means SQLite.
- ``JUESUAN_SECRET_KEY``: the secret key; unset means one generated once into the data folder.
- ``JUESUAN_DEBUG=1``: Django's debug mode (never in production).
- ``JUESUAN_ALLOWED_HOSTS``: comma-separated host names (default localhost names).
- ``JUESUAN_SECURE=1``: HTTPS-only cookies and HSTS, for a deployment behind TLS.
- ``JUESUAN_SITE_URL``: the site's address in e-mails (default ``http://localhost:8000``).
- ``JUESUAN_EMAIL_BACKEND``: ``console`` (default: printed to the log), ``smtp`` or ``none``;
  with ``smtp``: ``JUESUAN_EMAIL_HOST``, ``JUESUAN_EMAIL_PORT``, ``JUESUAN_EMAIL_USER``,
  ``JUESUAN_EMAIL_PASSWORD``, ``JUESUAN_EMAIL_TLS=1`` / ``JUESUAN_EMAIL_SSL=1``;
  ``JUESUAN_EMAIL_FROM`` is the sender.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url

from juesuan.limits import FORM_MAX_FIELDS, UPLOAD_MAX_BYTES

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("JUESUAN_DATA_DIR", "juesuan-data")).resolve()


def _secret_key() -> str:
    key = os.environ.get("JUESUAN_SECRET_KEY")
    if key:
        return key
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # the key and database: owner only
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Created with owner-only permissions; never overwritten once written.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


SECRET_KEY = _secret_key()
DEBUG = _flag("JUESUAN_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get(
    "JUESUAN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("JUESUAN_CSRF_TRUSTED_ORIGINS", "").split(",")
                        if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "juesuan.web.orgs",
    "juesuan.web.filings",
    "juesuan.web.portal",
    "juesuan.web.api",
    "juesuan.web.jobs",
    "ninja",  # only for the API docs page: Swagger UI served from our static files, not a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Published disclosures from their files (juesuan.web.portal.files): no session, no database.
    "juesuan.web.portal.serving.PublishedFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "juesuan.web.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes requires: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "juesuan.web.urls"
WSGI_APPLICATION = "juesuan.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "juesuan.web.context.site",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, object]]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return {"default": dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))}
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # the key and database: owner only
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "juesuan.sqlite3",
            "OPTIONS": {
                # WAL lets the portal read while a unit saves; IMMEDIATE avoids
                # "database is locked" upgrades from read to write transactions.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # The test database is a file like the real one, not SQLite's in-memory shared cache:
            # there concurrent writers fail at once ("database table is locked") instead of
            # waiting, so tests of concurrent saves would not see what a server sees.
            "TEST": {"NAME": str(DATA_DIR / "test-juesuan.sqlite3")},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "portal-home"

# Login throttling: five failures lock the username from that address for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
BEHIND_PROXY = _flag("JUESUAN_BEHIND_PROXY")
AXES_CLIENT_IP_CALLABLE = "juesuan.web.clientip.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]  # every message Chinese, whatever the browser asks for
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # site.css, htmx, portal.js: not inside an app
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Published disclosures written as files (juesuan.web.portal.files; S3: docs/deploy.md).
    "published": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                  "OPTIONS": {"location": DATA_DIR / "published"}},
}
# Behind nginx: answer published files with X-Accel-Redirect to this internal location.
PUBLISHED_ACCEL_REDIRECT = os.environ.get("JUESUAN_ACCEL_REDIRECT", "").strip()
WHITENOISE_USE_FINDERS = True  # serve straight from the package when collectstatic was not run

# Uploads: a filing or a published report is at most a few MB; refuse more. The bounds are in
# juesuan.limits (docs/limits.md).
UPLOAD_LIMIT = UPLOAD_MAX_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_LIMIT
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_LIMIT
DATA_UPLOAD_MAX_NUMBER_FIELDS = FORM_MAX_FIELDS  # a filing's form has one field per cell

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_SAVE_EVERY_REQUEST = True  # 8 hours from the last request, not from login: no form lost mid-work
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
if _flag("JUESUAN_SECURE"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = not BEHIND_PROXY
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000

# E-mail notices of workflow steps (退回, 审核通过, 公开): printed to the console unless an SMTP
# server is configured; a notice that cannot be sent is logged and never stops the step.
EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "none": "django.core.mail.backends.dummy.EmailBackend",
}
_email_backend = os.environ.get("JUESUAN_EMAIL_BACKEND", "console").strip().lower() or "console"
if _email_backend not in EMAIL_BACKENDS:
    # A misspelt setting must not stop the site: say so where the service logs, keep the mails
    # in the log.
    print(f"设置有误：JUESUAN_EMAIL_BACKEND 应为 {'、'.join(EMAIL_BACKENDS)} 之一，实际为"
          f"“{_email_backend[:40]}”；通知邮件暂不发送，只写到日志（console）。", file=sys.stderr)
    _email_backend = "console"
EMAIL_BACKEND = EMAIL_BACKENDS[_email_backend]
EMAIL_HOST = os.environ.get("JUESUAN_EMAIL_HOST", "localhost")
_email_port = os.environ.get("JUESUAN_EMAIL_PORT", "").strip() or "25"
if not (_email_port.isascii() and _email_port.isdecimal() and 0 < int(_email_port) < 65536):
    print(f"设置有误：JUESUAN_EMAIL_PORT 应为 1 至 65535 之间的端口号，实际为“{_email_port[:20]}”；"
          "改用 25。", file=sys.stderr)
    _email_port = "25"
EMAIL_PORT = int(_email_port)
EMAIL_HOST_USER = os.environ.get("JUESUAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("JUESUAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("JUESUAN_EMAIL_TLS")
EMAIL_USE_SSL = _flag("JUESUAN_EMAIL_SSL")
EMAIL_TIMEOUT = 20  # seconds: a mail server that hangs must not hold a reviewer's request long
DEFAULT_FROM_EMAIL = os.environ.get("JUESUAN_EMAIL_FROM", "部门决算公开平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
JUESUAN_SITE_URL = os.environ.get("JUESUAN_SITE_URL", "http://localhost:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Background tasks (juesuan.web.jobs, Celery; docs/deploy.md): Redis when JUESUAN_BROKER_URL is
# set, else a queue folder in the data folder (no server; `juesuan serve` starts a local worker).
# No result backend: results and progress live in the Job rows.
from juesuan.web.jobs import config as _jobs  # noqa: E402

CELERY_BROKER_URL = _jobs.broker_url()
CELERY_BROKER_TRANSPORT_OPTIONS = _jobs.transport_options(CELERY_BROKER_URL, DATA_DIR)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it ends, and given to another worker if its worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ALWAYS_EAGER = False

# Rendered documents of immutable versions are cached on disk (a PDF takes seconds).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
