"""Settings for the portal, read from the environment only (see README.md and .env.example).

One module for every stage: development, tests and production differ only by environment
variables. Nothing falls back quietly to an unsafe value: DEBUG is off unless asked for, and a
production start without SECRET_KEY is refused.
"""

import logging
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# pytest sets PYTEST_VERSION for the whole session; the suite needs no SECRET_KEY of its own.
TESTING = "PYTEST_VERSION" in os.environ


def env(name, default=None):
    """Return an environment variable, or ``default`` when it is unset or empty."""
    value = os.environ.get(name, "").strip()
    return value if value else default


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY chưa được đặt. Cổng thông tin không khởi động ở chế độ vận hành "
            "(DEBUG=false) khi thiếu khoá bí mật. / SECRET_KEY is not set: set it in the "
            "environment (see .env.example), or set DEBUG=true for local development only."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS chưa được đặt: cổng thông tin không biết tên miền của mình. / "
        "ALLOWED_HOSTS is not set: list the portal's host names, e.g. "
        "ALLOWED_HOSTS=portal.example.gov.vn (see docs/deploy.md)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "import_export",
    "django_prose_editor",
    # Staff login (issue 8): lockout after repeated failures, optional two-factor codes.
    "portal.login_apps.AxesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "portal",
    "indicators",
    "articles",
]

MIDDLEWARE = [
    # First: one log line per request, timed over everything below (portal.request_log).
    "portal.request_log.RequestLogMiddleware",
    # The reader's address from X-Forwarded-For behind PROXY_COUNT proxies (portal.proxies).
    "portal.proxies.ForwardedForMiddleware",
    # The database away: the 503 page at once, and the pool back when it returns.
    "portal.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Security headers (issue 8): the Content-Security-Policy and Permissions-Policy.
    "portal.security.CSPMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.fragments.LiveFragmentMiddleware",
    # Inside the fragments: the reader of this page already counts as online in its footer.
    "portal.visits.VisitMiddleware",
    # Frame protection above the page cache's answer, so that a cached page has it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A cached page for a reader without a session: answered here (portal.pagecache).
    "portal.pagecache.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    # A NUL in ?q= or a filter: 400, not a PostgreSQL error (tests/security).
    "portal.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff login (issue 8): the verified second factor, then the idle timeout that slides.
    "django_otp.middleware.OTPMiddleware",
    "portal.staff_session.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: turns a login refused for too many failures into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.site",
                "portal.context_processors.blocks",
            ],
        },
    },
]

# Database: a SQLite file under var/ unless DATABASE_URL names another database.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
    )
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # Take the write lock at BEGIN so that concurrent writers wait instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif _db["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_POOL", True):
    # Django 5.1+ pools connections with psycopg_pool; CONN_MAX_AGE must then stay 0.
    _db["CONN_MAX_AGE"] = 0
    # The pool checks a connection before lending it: none broken by a restart reaches a page.
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(env("DATABASE_POOL_MIN", "2")),
        "max_size": int(env("DATABASE_POOL_MAX", "10")),
        # A thread never waits for another's connection (DATABASE_POOL_MAX ≥ WEB_THREADS): a
        # wait means PostgreSQL is away, and the page should say so soon (portal.unavailable).
        "timeout": 2,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every process and app server), otherwise
# memory of this process. Redis being away only makes pages slower (portal.cache).
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "portal"),
        }
    }
    # Sessions are written to the database and cached in Redis: any app server reads them
    # from Redis, and a Redis restart or outage signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if TESTING:
    # Tests create hundreds of users: a fast hash there; production keeps Django's default.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff login (issue 8). Every account is a staff account: passwords of 12 characters or more
# (above). django-axes: 5 failed logins for one user name from one address lock that pair out
# for LOGIN_LOCKOUT_MINUTES (a lock per user name alone would let anyone lock a clerk out).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = int(env("LOGIN_LOCKOUT_MINUTES", "15")) / 60  # hours, as a float
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends at the time the page says
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "portal.staff_login.lockout_response"
AXES_VERBOSE = False
# The address is REMOTE_ADDR, which portal.proxies sets from X-Forwarded-For behind proxies.
# Two-factor codes (TOTP, django-otp): optional per person, or required of all staff.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", False)
OTP_TOTP_THROTTLE_FACTOR = 1  # 1, 2, 4, 8… seconds between wrong codes
# Signed-in sessions end after SESSION_IDLE_MINUTES without a request; admin pages warn
# STAFF_SESSION_WARNING_SECONDS before and can extend (portal.staff_session). A POST refused
# because the session ended is kept and offered again after signing in: that needs the CSRF
# token in its cookie (CSRF_USE_SESSIONS stays False), which outlives the session.
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_MINUTES", "30")) * 60
STAFF_SESSION_WARNING_SECONDS = 120

# Language and formats: Vietnamese first, English as a second language.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]
USE_THOUSAND_SEPARATOR = True

# Static files and uploads.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# whitenoise serves the collected files with the compressed copies collectstatic makes, and
# the names with a content hash (all that templates link) as cacheable forever ("immutable").

# Uploads in an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set: one bucket shared by
# every app server (docs/deploy.md). boto3 finds the credentials itself: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY in the environment, or the machine's role.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    _s3 = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
        "region_name": env("AWS_S3_REGION_NAME"),
        "file_overwrite": False,  # two uploads named anh.jpg stay two pictures
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "location": "media",
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN"),
            # Plain URLs: a signed one would expire inside cached pages. The bucket policy lets
            # anyone read media/ and nothing else (docs/deploy.md).
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=86400"},
        },
    }
    # Spreadsheets waiting between an import's preview and its confirmation: never public.
    STORAGES["import_export"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "pending-imports"},
    }
FILE_UPLOAD_PERMISSIONS = 0o644
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Article pictures: larger uploads are refused with a message (articles.images).
ARTICLE_IMAGE_MAX_BYTES = int(env("ARTICLE_IMAGE_MAX_BYTES", str(8 * 1024 * 1024)))

# E-mail: printed to the console in development, sent by SMTP otherwise.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "cong-thong-tin@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("", addr) for addr in env_list("ADMINS")]

# Security headers (issue 8), on every response, cached pages included (portal.security).
# HTTPS: the portal is served over HTTPS (the proxy in front terminates it), the default
# whenever DEBUG is off; SECURE_COOKIES=false only for a plain-HTTP server on one's own machine.
HTTPS = env_bool("SECURE_COOKIES", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True  # no script reads them (static/js/)
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# HSTS: a year unless SECURE_HSTS_SECONDS says otherwise, never without HTTPS or with DEBUG.
# Not preloaded: the preload list takes whole registered domains (all of gov.vn), not a
# portal's host, so check --deploy's reminder about it (W021) is silenced.
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000")) if HTTPS and not DEBUG else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): no inline script at all, because public pages are
# cached whole and served to every reader (portal.pagecache), so no per-request nonce can be
# in them; JSON-LD data blocks are not run and need nothing. The admin's article editor
# (django-prose-editor) alone gets its import map allowed by hash and 'unsafe-inline' styles,
# which the editor writes itself and cannot be told not to (portal.security). Uploads from
# another host (an S3 bucket, a CDN): MEDIA_ORIGIN, e.g. https://media.example.gov.vn (the
# storage's own origin is added by itself).
MEDIA_ORIGIN = env("MEDIA_ORIGIN")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGIN_URL = "admin:login"

# django-import-export: whole imports in one transaction; never let a cell become a formula.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# The library's own escaping turns every cell into text; indicators.spreadsheets escapes
# formula-like text itself and keeps numbers as numbers.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# A pending import must survive between preview and confirm on any of several app servers,
# and a Redis restart: it waits in the uploads' storage (STORAGES["import_export"], a private
# part of the bucket, when there is a bucket), not in a cache that may drop it.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

# Reverse proxies in front (nginx, a load balancer) that append to X-Forwarded-For: the
# reader's address is read from it (portal.proxies). 0: REMOTE_ADDR is the reader's own.
TRUSTED_PROXY_COUNT = int(env("PROXY_COUNT", "0"))

# Logs: to standard output (journald, docker), one line per request (portal.request_log) and
# errors with the request's id and traceback; nothing personal of readers, in the logs or in
# the error e-mails to ADMINS. LOG_FORMAT=json writes one JSON object per line.
LOG_LEVEL = env("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env("LOG_FORMAT", "text").lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
# Lines are written out in batches, at most this late (0: each at once, as in development).
LOG_BUFFER_SECONDS = float(env("LOG_BUFFER_SECONDS", "0" if DEBUG or TESTING else "0.5"))
# No line names the thread, process or source line it came from: logging would look them up
# for every line, and the request log's line is written for every request (the "Optimization"
# section of Python's logging HOWTO).
logging._srcfile = None
logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.request_log.ReaderPrivacyFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.request_log.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "text": {"()": "portal.request_log.TextFormatter"},
        "json": {"()": "portal.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "portal.request_log.BufferedStreamHandler",
            "stream": "ext://sys.stdout",
            "seconds": LOG_BUFFER_SECONDS,
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Printed by the root's handler only (Django's own console handler would repeat it).
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        # 4xx responses are in the request log already; 5xx come with their traceback.
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "INFO"},
    },
}
