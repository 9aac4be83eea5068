"""One settings file; every value comes from the environment (see .env.example)."""

import datetime
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cchc.lib import dates

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The local demo (`make run`, `make bench`) and the tests: a fixed key, plain HTTP, no
# second factor. Everything else is production and must say otherwise explicitly.
DEMO = env_bool("CCHC_DEMO", False)
DEMO_SECRET_KEY = "insecure-local-demo-key-change-me"  # noqa: S105 - refused outside the demo
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (DEMO or DEBUG):
    SECRET_KEY = DEMO_SECRET_KEY
if not SECRET_KEY or (SECRET_KEY == DEMO_SECRET_KEY and not (DEMO or DEBUG)):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value (or CCHC_DEMO=true for the demo)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

DATA_DIR = Path(os.environ.get("CCHC_DATA_DIR", PROJECT_DIR / "var")).resolve()
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_URL = "/static/"
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The API; listed so that its docs page uses ninja's own static files, not a CDN.
    "ninja",
    "cchc.accounts",
    "cchc.demo",
    "cchc.audit",
    "cchc.orgs",
    "cchc.notifications",
    "cchc.plans",
    "cchc.reporting",
    "cchc.oversight",
    "cchc.scoring",
    "cchc.ops",
    "cchc.api",
    "cchc.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Sees every answer under /api/: a path or method no endpoint takes answers JSON.
    "cchc.api.middleware.JsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Extends the signed-in session's idle time, at most once a minute.
    "cchc.accounts.middleware.SessionRenewalMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cchc.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cchc.audit.middleware.AuditContextMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cchc.urls"
WSGI_APPLICATION = "cchc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# The audit chain's HMAC keys (see audit/keys.py): outside the database, and best outside
# the data folder's backups too.
CCHC_AUDIT_KEY_FILE = Path(
    os.environ.get("CCHC_AUDIT_KEY_FILE", DATA_DIR / "keys" / "audit.keys")
).resolve()
# Signed checkpoints of the chain's head (`cchc audit_anchor`), kept with the backups.
CCHC_AUDIT_ANCHOR_DIR = Path(
    os.environ.get("CCHC_AUDIT_ANCHOR_DIR", DATA_DIR / "audit-anchors")
).resolve()

# Big uploads spill here while a request reads them, inside the data folder (where
# `cchc cleanup` looks for what a crash left), not in the system's temporary folder.
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "tmp"

DATA_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)


def database_from_url(url: str) -> dict[str, Any]:
    """A database named by a URL (dj-database-url), with the options each connection of the
    application takes: the primary's and its replica's alike."""
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    # Through PgBouncer in transaction pooling, a cursor held open across transactions (the
    # streamed exports' .iterator()) may land on another server connection: read whole.
    database["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("CCHC_PGBOUNCER", False)
    # PostgreSQL's JIT compiles the dashboard's aggregates for about a second each (60,000
    # tasks), longer than they take to run: pages ask short questions. The default 4 MB of
    # work memory sends the dashboard's grouping of a plan's tasks to disk. A random read
    # costs about a sequential one when the data is in memory or on SSD: at the default 4,
    # the planner scans the whole table where an index hands the rows over in order. PgBouncer
    # refuses these startup options: there, set them on the role (README, Deployment).
    if "postgresql" in database["ENGINE"] and not env_bool("CCHC_PGBOUNCER", False):
        database.setdefault("OPTIONS", {}).setdefault(
            "options", "-c jit=off -c work_mem=32MB -c random_page_cost=1.1"
        )
    return database


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend, with `PRAGMA optimize` at each connection's close.
            "ENGINE": "cchc.lib.sqlite",
            "NAME": str(DATA_DIR / "cchc.sqlite3"),
            # Tests in memory, as Django's own backend would; said outright so that
            # pytest-xdist's workers, which name a file per worker for any other engine,
            # each keep their own in memory.
            "TEST": {"NAME": ":memory:"},
            # IMMEDIATE: a writer takes the lock at BEGIN, so the audit chain head is read
            # and extended by one writer at a time.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # Reads through a memory map of the file (up to 1 GiB), not a copy of each
                # page into the connection's small cache: a connection lives one request,
                # and the figures as of a past day seek the history once per task (its
                # dashboard 220 → 190 ms with one year, 274 → 214 ms with ten).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA mmap_size=1073741824;"
                ),
            },
        }
    }
# A PostgreSQL streaming replica (hot standby) of DATABASE_URL: the exports and the
# consolidated report's figures read there, inside cchc.lib.replica's scope; everything else
# stays on the primary. The tests make no second database for it: it mirrors the default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(os.environ["DATABASE_REPLICA_URL"])
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name a replica of DATABASE_URL's PostgreSQL database."
        )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# No router without a replica: every query on the default, as Django does.
DATABASE_ROUTERS = ["cchc.lib.replica.ReplicaRouter"] if "replica" in DATABASES else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The database table the default cache keeps its entries in (created by `migrate`).
CCHC_CACHE_TABLE = "cchc_cache"


def cache_settings(url: str) -> dict:
    """Django's cache, shared by every process (the API's rate counts live in it, but for
    the database's, whose read-then-write incr they do not use: api.RateCount):
    `redis://…` or `rediss://…`, Redis through Django's own backend; `db://` or nothing,
    a table of the database, which needs no other software; `locmem://`, one process's
    memory (the tests)."""
    scheme = url.partition("://")[0].lower() if url else "db"
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CCHC_CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, db:// or locmem://, not {url!r}"
    )


CACHES = {"default": cache_settings(os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", ""))}

# Argon2id at OWASP's minimum cost (accounts/hashers.py: why, and the source); hashes made
# with Django's heavier Argon2 or with PBKDF2 still verify and are re-hashed at login.
PASSWORD_HASHERS = [
    "cchc.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "cchc.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After this many wrong passwords in a row an account is locked, for CCHC_LOCKOUT_MINUTES
# (0: until the office unlocks it). The lock is per account, from any address.
AXES_FAILURE_LIMIT = env_int("CCHC_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("CCHC_LOCKOUT_MINUTES", 30)) or None
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 wants the address in the lock too; offices share addresses behind NAT, and a
# lock per account cannot be dodged by changing address or browser.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cchc.accounts.views.locked_out"
AXES_VERBOSE = False
# Office, leader and appraiser accounts (and superusers) need an authenticator app's code
# after the password; anyone may turn it on for themselves.
CCHC_REQUIRE_2FA = env_bool("CCHC_REQUIRE_2FA", not DEMO)
OTP_TOTP_ISSUER = "CCHC"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese for everyone: the browser's language is not consulted until an English
# catalogue exists (then add django.middleware.locale.LocaleMiddleware).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = dates.INPUT_FORMATS

# Uploads are written under a waiting name and take their own on commit (lib/storage.py).
STORAGES = {
    "default": {"BACKEND": "cchc.lib.storage.CommitStorage"},
    # Production: what `collectstatic` gathered, compressed (gzip, Brotli) and named by
    # content hash, cached by browsers for good (lib/static.py). The demo and the tests
    # serve the source folders as they are, under their plain names.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEMO or DEBUG
        else "cchc.lib.static.HashedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEMO or DEBUG

SESSION_COOKIE_HTTPONLY = True
# A session ends after this many minutes without a request: requests renew it, at most
# once a minute (accounts.middleware.SessionRenewalMiddleware), not with a write each.
SESSION_COOKIE_AGE = env_int("CCHC_SESSION_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Production sits behind a TLS-terminating proxy that sets X-Forwarded-Proto.
HTTPS = env_bool("CCHC_HTTPS", not (DEMO or DEBUG))
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("CCHC_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Background work (report generation...) is queued in the database; `cchc db_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job that has not beaten for this long lost its worker: it is queued again, up
# to CCHC_JOB_MAX_ATTEMPTS runs in all, then failed with a message.
CCHC_JOB_STALE_SECONDS = env_int("CCHC_JOB_STALE_SECONDS", 120)
CCHC_JOB_MAX_ATTEMPTS = env_int("CCHC_JOB_MAX_ATTEMPTS", 3)

# Email through Django's SMTP backend; without EMAIL_HOST no mail is sent (notifications stay
# in the application). A failed send is tried again by the worker, up to this many times.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CCHC <cchc@localhost>")
CCHC_EMAIL_MAX_ATTEMPTS = env_int("CCHC_EMAIL_MAX_ATTEMPTS", 5)
# The address people open the application at; links in mail start with it.
CCHC_SITE_URL = os.environ.get("CCHC_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Largest evidence file accepted, in bytes.
CCHC_MAX_UPLOAD_BYTES = env_int("CCHC_MAX_UPLOAD_MB", 20) * 1024 * 1024
# Largest plan file (XLSX/DOCX) accepted for import, in MB.
CCHC_IMPORT_MAX_MB = env_int("CCHC_IMPORT_MAX_MB", 20)
# Place name written before the date on official documents ("Hà Nội, ngày …").
CCHC_DOCUMENT_PLACE = os.environ.get("CCHC_DOCUMENT_PLACE", "Hà Nội")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A task due within this many days (today included) is "due soon".
CCHC_DUE_SOON_DAYS = env_int("CCHC_DUE_SOON_DAYS", 7)
CCHC_PAGE_SIZE = env_int("CCHC_PAGE_SIZE", 50)
# Calls one API token may make per minute (0: no limit); counted in Django's cache.
CCHC_API_RATE_PER_MINUTE = env_int("CCHC_API_RATE_PER_MINUTE", 600)
# How long a write's Idempotency-Key is remembered; `cchc cleanup` removes older ones.
CCHC_IDEMPOTENCY_HOURS = env_int("CCHC_IDEMPOTENCY_HOURS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden": {"()": "cchc.lib.logs.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["forbidden"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
