"""Veche settings: one module, every value read from the environment by a typed reader.

A bad value stops the process with a message naming the variable (healthchecks' way), so a
misconfigured production server never starts half-right.
"""

import importlib.util
import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VECHE_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_share(name: str, default: float) -> float:
    """A share strictly between 0 and 1 (0.1 is a tenth): 0 or 1 would switch off what the share
    limits, so they are refused rather than taken for a wish."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number such as 0.1, not {raw!r}") from None
    if not 0 < value < 1:
        raise ImproperlyConfigured(
            f"{name} must be a share between 0 and 1 (exclusive), such as 0.1, not {raw!r}"
        )
    return value


def env_list(name: str, default: list[str], *, choices: tuple[str, ...] | None = None) -> list[str]:
    """A comma-separated list; with `choices`, an unknown item (a typo) stops the process
    rather than being silently dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if choices is not None:
        unknown = [item for item in items if item not in choices]
        if unknown:
            raise ImproperlyConfigured(
                f"{name} may hold only {', '.join(choices)}; unknown: {', '.join(unknown)}"
            )
    return items


def env_proxies(name: str) -> int | list[str]:
    """Trusted reverse proxies in front of the site: a number of hops, or their addresses and
    networks. Empty (the default) means none: X-Forwarded-For is then ignored."""
    import ipaddress

    raw = os.environ.get(name, "").strip()
    if not raw:
        return 0
    if raw.isdigit():
        return int(raw)
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be a number of proxies or a list of their addresses "
                f"(networks allowed), not {item!r}"
            ) from None
    return networks


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_tile_url(name: str, default: str) -> str:
    """A map tile URL template (http(s)://host/{z}/{x}/{y}…), or empty for maps without tiles."""
    value = os.environ.get(name, default).strip()
    if not value:
        return ""
    parsed = urlparse(value)
    placeholders = all(part in value for part in ("{z}", "{x}", "{y}"))
    if parsed.scheme not in ("http", "https") or not parsed.netloc or not placeholders:
        raise ImproperlyConfigured(
            f"{name} must be an http(s) URL with {{z}}, {{x}} and {{y}} in it, not {value!r}"
        )
    return value


def env_bounds(name: str, default: str) -> tuple[float, float, float, float]:
    """South, west, north, east in degrees; west greater than east crosses the 180th meridian."""
    raw = os.environ.get(name, default)
    try:
        south, west, north, east = (float(part) for part in raw.split(","))
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be four numbers, south,west,north,east, not {raw!r}"
        ) from None
    if not (-90 <= south < north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise ImproperlyConfigured(
            f"{name} must have -90 <= south < north <= 90 and longitudes within ±180, not {raw!r}"
        )
    return south, west, north, east


def email_settings_from_url(url: str) -> dict:
    """Turn smtp://user:pass@host:port?tls=1 (or smtps://, console://, locmem://) into settings."""
    parsed = urlparse(url)
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    backends = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parsed.scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme must be one of {', '.join(backends)}, not {parsed.scheme!r}"
        )
    result = {"EMAIL_BACKEND": backends[parsed.scheme]}
    if parsed.scheme.startswith("smtp"):
        result.update(
            EMAIL_HOST=parsed.hostname or "localhost",
            EMAIL_PORT=parsed.port or (465 if parsed.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parsed.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parsed.password or ""),
            EMAIL_USE_SSL=parsed.scheme == "smtps",
            EMAIL_USE_TLS=query.get("tls", "").lower() in _TRUE,
            EMAIL_TIMEOUT=int(query.get("timeout", "20")),
        )
    return result


# --- Environment --------------------------------------------------------------------------

VECHE_ENV = env_choice("VECHE_ENV", "development", ("development", "production"))
PRODUCTION = VECHE_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when VECHE_ENV=production")


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when VECHE_ENV=production")
    # Development: generate once and keep it, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Hosts the server may connect to although they are not public addresses (names, addresses or
# networks such as 10.0.0.0/8), for an identity provider inside the operator's own network.
# Everything else an administrator or a provider names must be public: veche/core/net_guard.py.
# Development allows this machine, where the demo identity provider runs.
VECHE_OUTBOUND_ALLOWED_HOSTS = env_list(
    "VECHE_OUTBOUND_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "::1"]
)
# Webhook endpoints that organizations register must be public https addresses, checked when
# registered and again before each delivery (veche/api/webhooks.py); the operator may admit a
# private host or network here (a receiver inside the operator's own network; development
# admits this machine, where the demo's receiver runs).
VECHE_WEBHOOK_ALLOW_NETWORKS = env_list(
    "VECHE_WEBHOOK_ALLOW_NETWORKS", [] if PRODUCTION else ["127.0.0.1", "localhost", "::1"]
)
for _name, _entries in (
    ("VECHE_OUTBOUND_ALLOWED_HOSTS", VECHE_OUTBOUND_ALLOWED_HOSTS),
    ("VECHE_WEBHOOK_ALLOW_NETWORKS", VECHE_WEBHOOK_ALLOW_NETWORKS),
):
    for _entry in _entries:
        if "/" in _entry:
            try:
                ipaddress.ip_network(_entry.strip("[]"), strict=False)
            except ValueError:
                raise ImproperlyConfigured(
                    f"{_name}: {_entry!r} is not a network such as 10.0.0.0/8"
                ) from None
# How long a rotated webhook secret still signs deliveries beside the new one (hours), how long
# the receiver waits for an answer (seconds), how many deliveries the cabinet page lists, and
# how many endpoints an organization may have.
VECHE_WEBHOOK_OLD_SECRET_HOURS = env_int("VECHE_WEBHOOK_OLD_SECRET_HOURS", 24)
VECHE_WEBHOOK_TIMEOUT_SECONDS = env_int("VECHE_WEBHOOK_TIMEOUT_SECONDS", 10)
VECHE_WEBHOOK_LOG_LENGTH = env_int("VECHE_WEBHOOK_LOG_LENGTH", 50)
VECHE_WEBHOOK_MAX_PER_ORGANIZATION = env_int("VECHE_WEBHOOK_MAX_PER_ORGANIZATION", 10)
VECHE_WEBHOOK_MAX_PER_PERSON = env_int("VECHE_WEBHOOK_MAX_PER_PERSON", 5)
# An endpoint that has failed every delivery for this many days is paused and its owner told;
# what happens meanwhile is held for it (0: never paused).
VECHE_WEBHOOK_PAUSE_AFTER_DAYS = env_int("VECHE_WEBHOOK_PAUSE_AFTER_DAYS", 3)

# --- Applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    "veche.core",
    "veche.accounts",
    "veche.territories",
    "veche.organizations",
    "veche.identity",
    "veche.appeals",
    "veche.cabinet",
    "veche.documents",
    "veche.notifications",
    "veche.moderation",
    "veche.discussions",
    "veche.reporting",
    "veche.api",
    "veche.embeds",
    "veche.opendata",
    "veche.demo",
    "veche.core.admin_site.AdminConfig",  # Django's admin, refusing forged ids
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "django_tasks",
    "veche.core.apps.TaskQueueConfig",  # django_tasks_db, named for operators
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files, served from the package (never a CDN).
    "drf_spectacular_sidecar",
    "veche.api.apps.OAuthToolkitConfig",  # oauth2_provider, named for operators
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "veche.core.middleware.RequestIdMiddleware",
    # Values a request reads ahead from the shared cache are its own, from here to the answer.
    "veche.core.stamped.ReadAheadMiddleware",
    "veche.core.overload.ShedLoadMiddleware",
    "veche.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Bodiless 405/429/503 answers get Veche's page in the language just chosen.
    "veche.core.errors.ErrorPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "veche.core.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "veche.accounts.middleware.AuthenticationMiddleware",
    # Which address and network act, for the rate limits and the signatures' sources.
    "veche.core.ratelimits.ClientSourceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "veche.accounts.middleware.HtmxGateMiddleware",
    "veche.accounts.middleware.StaffSessionMiddleware",
    "veche.accounts.middleware.ProcessingConsentMiddleware",
]

ROOT_URLCONF = "veche.urls"
CSRF_FAILURE_VIEW = "veche.core.errors.csrf_failure"
WSGI_APPLICATION = "veche.wsgi.application"

# A municipality's own versions of templates (the protocol and conclusion of a discussion, the
# appeal and answer documents, e-mails) go in these folders, same relative paths as in the apps,
# e.g. $VECHE_TEMPLATE_DIRS/discussions/records/protocol.html; they win over the built-in ones.
TEMPLATE_DIRS = [Path(folder) for folder in env_list("VECHE_TEMPLATE_DIRS", [])]
for _folder in TEMPLATE_DIRS:
    if not _folder.is_dir():
        raise ImproperlyConfigured(f"VECHE_TEMPLATE_DIRS: {_folder} is not a folder")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": TEMPLATE_DIRS,
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "veche.core.context_processors.site",
                "veche.territories.context_processors.territory_picker",
            ],
            # `{% url %}` remembering the addresses it built (`veche/core/templatetags`).
            "builtins": ["veche.core.templatetags.kept_urls"],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'veche.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL and a busy timeout let the web process and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's, with a health check that sends no query while the socket shows nothing
        # wrong (`veche/core/postgresql/base.py`).
        DATABASES["default"]["ENGINE"] = "veche.core.postgresql"
        if env_bool("VECHE_PREPARED_STATEMENTS", True):
            # Django turns psycopg's prepared statements off (for connection poolers); a
            # threshold no query reaches lets only a statement that asks be prepared: a
            # signature's (`appeals/services/signing.py`). Off behind a pooler in transaction
            # mode that cannot keep them (PgBouncer before 1.22).
            DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "veche.core.cache.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A signed-in request reads its session from the shared cache and the database only when the
# cache lost it; every change is written to both, so a session outlives a flushed cache. Only
# with a shared cache: a cache of each process's own would go on serving a session that another
# process ended (a sign-out, a password change elsewhere). Django's cached_db store, whose read
# may come with the request's read ahead (`veche.accounts.sessions`).
SESSION_ENGINE = "veche.accounts.sessions" if CACHE_URL else "django.contrib.sessions.backends.db"

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# The outbox (veche.core.outbox): how long a worker holds a message it is sending before the
# sweeper may give it to another (longer than the slowest SMTP send), and how many attempts a
# message gets before it is given up.
VECHE_OUTBOX_LEASE_SECONDS = env_int("VECHE_OUTBOX_LEASE_SECONDS", 300, minimum=1)
VECHE_OUTBOX_MAX_ATTEMPTS = env_int("VECHE_OUTBOX_MAX_ATTEMPTS", 8, minimum=1)

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Uploaded files go out only through views that check access. Behind nginx, this prefix of an
# `internal` location that aliases MEDIA_ROOT lets nginx send them (X-Accel-Redirect).
VECHE_MEDIA_ACCEL_REDIRECT = env_str("VECHE_MEDIA_ACCEL_REDIRECT", "")
if VECHE_MEDIA_ACCEL_REDIRECT and not (
    VECHE_MEDIA_ACCEL_REDIRECT.startswith("/") and VECHE_MEDIA_ACCEL_REDIRECT.endswith("/")
):
    raise ImproperlyConfigured(
        "VECHE_MEDIA_ACCEL_REDIRECT must be a path that starts and ends with /, "
        f"not {VECHE_MEDIA_ACCEL_REDIRECT!r}"
    )
# Uploaded pictures with more pixels are refused before they are unpacked: a few kilobytes of
# PNG can unpack into gigabytes (a "decompression bomb"). 50 megapixels hold a 48 MP phone's photo.
VECHE_IMAGE_MAX_PIXELS = env_int("VECHE_IMAGE_MAX_PIXELS", 50_000_000, minimum=1_000_000)
# Leaflet's files come from the django-leaflet package (pinned in pyproject.toml). Only its static
# folder is used: as an installed app its admin module would import GeoDjango, which needs GDAL.
STATICFILES_DIRS = [Path(importlib.util.find_spec("leaflet").origin).parent / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_URL = "/static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Accounts -----------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's, reading the account from the shared cache (veche.accounts.backends).
    "veche.accounts.backends.ModelBackend",
    "veche.accounts.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        # ASVS 2.1.1: at least 12 characters.
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"

ACCOUNT_ADAPTER = "veche.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "veche.accounts.forms.SignupConsentForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
# Mail scanners follow links: a GET only shows the confirmation form; the POST confirms.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("VECHE_LOGIN_FAILED_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("VECHE_MFA_ISSUER", "Veche")
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_ADAPTER = "veche.identity.oidc.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "veche.identity.oidc.VecheOIDCProvider",
        "OAUTH_PKCE_ENABLED": True,
    }
}
SOCIALACCOUNT_STORE_TOKENS = False

# --- Internationalization -----------------------------------------------------------------

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "veche" / "locale"]
LANGUAGE_COOKIE_NAME = "veche_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
# Our own corrections of Django's per-language formats (veche/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["veche.formats"]
USE_TZ = True

# --- Security -----------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Behind a reverse proxy that terminates TLS and sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a deliberate, hard-to-undo choice per domain: off unless asked for.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Reverse proxies whose X-Forwarded-For is believed (veche.core.net.client_ip): rate limits count
# per real client. A number of hops (1 for one nginx) or the proxies' addresses/networks.
VECHE_TRUSTED_PROXIES = env_proxies("VECHE_TRUSTED_PROXIES")

# Origins (besides our own) that forms may post to or be redirected to: identity providers.
CSP_FORM_ACTION_EXTRA = env_list("VECHE_CSP_FORM_ACTION", [])

# --- E-mail -------------------------------------------------------------------------------

_email_url = env_str("EMAIL_URL")
if _email_url:
    globals().update(email_settings_from_url(_email_url))
elif env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_URL (or EMAIL_HOST) must be set in production")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Veche <noreply@veche.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging ------------------------------------------------------------------------------

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOG_FORMAT = env_choice("LOG_FORMAT", "json" if PRODUCTION else "text", ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "veche.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "veche.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # pikepdf (records/parts.py) says at INFO, once a process, that its logging is set up.
        "pikepdf": {"level": "WARNING"},
    },
}

# --- Veche --------------------------------------------------------------------------------

# Load shedding (veche/core/overload.py, with the gunicorn worker of veche/core/gunicorn_config.py):
# a request that waited longer than this for a thread is answered 503 at once, with Retry-After
# in seconds. 0 turns shedding off.
VECHE_QUEUE_LIMIT_MS = env_int("VECHE_QUEUE_LIMIT_MS", 500)
VECHE_RETRY_AFTER_SECONDS = env_int("VECHE_RETRY_AFTER_SECONDS", 5, minimum=1)
# A problem's page is kept this many seconds in the shared cache, as a visitor who is not signed
# in sees it (signed-in readers get it with their own parts rendered in; the live signature
# count is fetched apart): veche/appeals/views/problem_page.py. 0: never.
VECHE_PAGE_CACHE_SECONDS = env_int("VECHE_PAGE_CACHE_SECONDS", 5)
# How long the public statistics page keeps its figures in the cache (0: never).
VECHE_STATISTICS_CACHE_SECONDS = env_int("VECHE_STATISTICS_CACHE_SECONDS", 300)
# The release of the code, which keys what the code builds and keeps in the shared cache, so that
# two releases side by side in a rolling deployment never read each other's (veche/core/release.py).
# Empty: a digest of the package's code and templates, taken once per process.
VECHE_RELEASE = env_str("VECHE_RELEASE", "")
# Fewer people than this in a cell of the participation tables are shown as "<N".
VECHE_STATISTICS_MIN_GROUP = env_int("VECHE_STATISTICS_MIN_GROUP", 5, minimum=2)
# The parts of a big discussion record (veche/discussions/records/processes.py) laid out at once,
# each in a child process of about 250 MB. 0: one per core the worker may use; 1: one by one,
# inside the worker's own process.
VECHE_RECORDS_PROCESSES = env_int("VECHE_RECORDS_PROCESSES", 0)

# --- REST API (veche/api) -----------------------------------------------------------------

# Requests a minute an anonymous client (per address) and an organization's API client (per
# client) may make; past them the API answers 429 with Retry-After (veche/api/throttles.py).
VECHE_API_ANON_PER_MINUTE = env_int("VECHE_API_ANON_PER_MINUTE", 120, minimum=1)
VECHE_API_CLIENT_PER_MINUTE = env_int("VECHE_API_CLIENT_PER_MINUTE", 600, minimum=1)
# Tries a minute at the token endpoint, per address and per client_id: each checks a client's
# secret with Argon2, so past them it answers 429 without checking (veche/api/oauth.py).
VECHE_API_TOKEN_ADDRESS_PER_MINUTE = env_int("VECHE_API_TOKEN_ADDRESS_PER_MINUTE", 20, minimum=1)
VECHE_API_TOKEN_CLIENT_PER_MINUTE = env_int("VECHE_API_TOKEN_CLIENT_PER_MINUTE", 10, minimum=1)
# The most problems one answer of the map's GeoJSON holds (`truncated` says some were left out).
VECHE_API_MAP_MAX_FEATURES = env_int("VECHE_API_MAP_MAX_FEATURES", 5000, minimum=1)
# Items a page of an API list holds (cursor pagination).
VECHE_API_PAGE_SIZE = env_int("VECHE_API_PAGE_SIZE", 50, minimum=1)
# How long an access token issued to an API client works.
VECHE_API_TOKEN_SECONDS = env_int("VECHE_API_TOKEN_SECONDS", 3600, minimum=60)
# Open311 keys (veche/api/open311) a resident may hold at once, one per app.
VECHE_OPEN311_KEYS_PER_PERSON = env_int("VECHE_OPEN311_KEYS_PER_PERSON", 10, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["veche.api.authentication.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": [
        "veche.api.throttles.AnonymousThrottle",
        "veche.api.throttles.ClientThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies; an answer with its files is multipart (veche/api/views_organization.py). One
    # kind of body per endpoint keeps generated clients simple.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "veche.api.errors.problem_details",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Veche API",
    "DESCRIPTION": (
        "Public reads of problems, appeals, organizations and discussions, and the "
        "organization's side of appeals for its document management system (OAuth2 client "
        "credentials). Errors are RFC 9457 problem details."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AppealStatus": "veche.appeals.models.Appeal.Status",
        "ProblemStatus": "veche.appeals.models.Problem.Status",
        "AnswerKind": "veche.appeals.models.Answer.Kind",
        "DiscussionKind": "veche.discussions.models.Discussion.Kind",
        "SubmissionKind": "veche.discussions.models.Submission.Kind",
    },
}
# Named for migrations that point at it (django-oauth-toolkit's own model, not swapped).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": VECHE_API_TOKEN_SECONDS,
    "SCOPES": {
        "inbox:read": "Read the appeals addressed to the organization, with the applicants' data",
        "appeals:register": "Register appeals under the organization's own numbers",
        "appeals:answer": "Give interim and final answers, and extend the deadline",
        "appeals:forward": "Forward appeals to the competent organization",
        "discussions:submissions:read": "Read the submissions to the organization's discussions",
    },
    # A client may ask only for the scopes its organization gave it (veche/api/oauth.py).
    "SCOPES_BACKEND_CLASS": "veche.api.oauth.ClientScopes",
    # Tokens are kept as their SHA-256 only (RFC 9700); client secrets are kept hashed too.
    # Only client credentials are used, and the rest of the OAuth 2.0 Security BCP is taken too.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}

# Staff roles (organizations.Membership.Role; a test keeps the two lists equal).
STAFF_ROLES = ("head", "official", "moderator", "organizer", "expert")
# Which staff roles must use a second factor before they can act.
VECHE_MFA_REQUIRED_ROLES = env_list(
    "VECHE_MFA_REQUIRED_ROLES", list(STAFF_ROLES), choices=STAFF_ROLES
)
# A staff session left idle this long must sign in again (ASVS 3.3.2); residents keep the normal
# session age.
VECHE_STAFF_IDLE_MINUTES = env_int("VECHE_STAFF_IDLE_MINUTES", 30, minimum=1)
# Key for census identifier and phone number hashes; without it the site's SECRET_KEY is used.
# Changing it makes every imported census unmatchable, so set it once.
VECHE_CENSUS_KEY = env_str("VECHE_CENSUS_KEY", "")
# The most rows one census file may hold: a file is parsed whole in the operator's request, about
# 0.8 KB of memory a row (a bigger list is uploaded in parts, a district's at a time).
VECHE_CENSUS_MAX_ROWS = env_int("VECHE_CENSUS_MAX_ROWS", 200_000, minimum=1)
# How many invitations to its staff one organization may send in 24 hours: each is a letter in its
# name, with a line of the inviter's own words (the position), so not a mailing list.
VECHE_INVITATIONS_PER_DAY = env_int("VECHE_INVITATIONS_PER_DAY", 50, minimum=1)
# Anti-fraud (veche/core/ratelimits.py, veche/appeals/fraud.py). The key of the hashes of
# client addresses and networks (never stored as they are); without it the site's SECRET_KEY.
VECHE_SOURCE_KEY = env_str("VECHE_SOURCE_KEY", "")
# Days a signature keeps the hashed network it came from (for moderators tracing a surge).
VECHE_SOURCE_DAYS = env_int("VECHE_SOURCE_DAYS", 90, minimum=1)
# Alerts (`veche fraud_watch`): signatures in the last hour from one network, from accounts
# younger than VECHE_FRAUD_NEW_ACCOUNT_DAYS, or from people verified by one census import; and
# an appeal signed VECHE_FRAUD_PACE_FACTOR times faster than its usual hourly pace, with at
# least VECHE_FRAUD_PACE_MINIMUM signatures in the hour.
VECHE_FRAUD_NETWORK_HOURLY = env_int("VECHE_FRAUD_NETWORK_HOURLY", 50, minimum=1)
VECHE_FRAUD_NEW_ACCOUNT_DAYS = env_int("VECHE_FRAUD_NEW_ACCOUNT_DAYS", 2, minimum=1)
VECHE_FRAUD_NEW_ACCOUNT_HOURLY = env_int("VECHE_FRAUD_NEW_ACCOUNT_HOURLY", 100, minimum=1)
VECHE_FRAUD_CENSUS_HOURLY = env_int("VECHE_FRAUD_CENSUS_HOURLY", 200, minimum=1)
VECHE_FRAUD_PACE_FACTOR = env_int("VECHE_FRAUD_PACE_FACTOR", 10, minimum=2)
VECHE_FRAUD_PACE_MINIMUM = env_int("VECHE_FRAUD_PACE_MINIMUM", 30, minimum=1)
# Sign-up: a form sent back sooner than this after it was shown is a program's, not a person's.
VECHE_SIGNUP_MIN_SECONDS = env_int("VECHE_SIGNUP_MIN_SECONDS", 3)
# Phone confirmation: codes leave through an SMS gateway (veche/identity/sms.py). `console` only
# logs them and `memory` keeps them for tests, so production must have a real gateway.
VECHE_SMS_BACKEND = env_choice("VECHE_SMS_BACKEND", "console", ("console", "http", "memory"))
VECHE_SMS_GATEWAY_URL = env_str("VECHE_SMS_GATEWAY_URL", "")
VECHE_SMS_GATEWAY_TOKEN = env_str("VECHE_SMS_GATEWAY_TOKEN", "")
VECHE_SMS_GATEWAY_TIMEOUT = env_int("VECHE_SMS_GATEWAY_TIMEOUT", 10, minimum=1)
if PRODUCTION and VECHE_SMS_BACKEND != "http":
    raise ImproperlyConfigured(
        f"VECHE_SMS_BACKEND must be http in production, not {VECHE_SMS_BACKEND!r}"
    )
if VECHE_SMS_BACKEND == "http" and not VECHE_SMS_GATEWAY_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("VECHE_SMS_GATEWAY_URL must be the gateway's http(s):// address")
if PRODUCTION and not VECHE_SMS_GATEWAY_URL.startswith("https://"):
    raise ImproperlyConfigured("VECHE_SMS_GATEWAY_URL must be an https:// address in production")
if PRODUCTION and not VECHE_SMS_GATEWAY_TOKEN:
    raise ImproperlyConfigured("VECHE_SMS_GATEWAY_TOKEN must be set in production")
VECHE_PHONE_CODE_TTL_MINUTES = env_int("VECHE_PHONE_CODE_TTL_MINUTES", 10, minimum=1)
VECHE_PHONE_CODES_PER_USER_HOUR = env_int("VECHE_PHONE_CODES_PER_USER_HOUR", 3, minimum=1)
VECHE_PHONE_CODES_PER_NUMBER_HOUR = env_int("VECHE_PHONE_CODES_PER_NUMBER_HOUR", 5, minimum=1)
# Privacy and terms documents change; consents record which version a person accepted.
VECHE_PRIVACY_POLICY_VERSION = env_str("VECHE_PRIVACY_POLICY_VERSION", "2026-11-01")

# Collective appeals. Site-wide defaults; an organization's appeal policy overrides them.
VECHE_SIGNATURE_THRESHOLD = env_int("VECHE_SIGNATURE_THRESHOLD", 50, minimum=1)
VECHE_REGISTRATION_DAYS = env_int("VECHE_REGISTRATION_DAYS", 3, minimum=1)
# Signatures given after the dispatch reach the addressee in a supplementary list each time the
# support grows this many times over what the addressee has received (and with the first
# reminder of an overdue answer).
VECHE_SUPPLEMENTARY_FACTOR = env_int("VECHE_SUPPLEMENTARY_FACTOR", 2, minimum=2)
# A revision changing more than this share of the appeal's words is one of substance whatever its
# author ticks: the signatures given to the earlier text stop counting until confirmed.
VECHE_MINOR_EDIT_MAX_SHARE = env_share("VECHE_MINOR_EDIT_MAX_SHARE", 0.1)
# A problem whose appeal has this many signatures is marked resonant in the lists.
VECHE_RESONANT_SUPPORT = env_int("VECHE_RESONANT_SUPPORT", 500, minimum=1)
# An appeal for another organization is forwarded to it within this many days of registration.
VECHE_FORWARDING_DAYS = env_int("VECHE_FORWARDING_DAYS", 7, minimum=1)
# Kinds of organization (organizations.Organization.Kind; a test keeps the two lists equal).
ORGANIZATION_KINDS = ("authority", "municipal_company", "party", "deputy", "ngo", "business")
# The kinds an appeal may be forwarded to: bodies bound by the law on appeals to answer it.
VECHE_FORWARDING_KINDS = env_list(
    "VECHE_FORWARDING_KINDS", ["authority", "municipal_company"], choices=ORGANIZATION_KINDS
)
VECHE_ANSWER_DAYS = env_int("VECHE_ANSWER_DAYS", 30, minimum=1)
VECHE_EXTENSION_DAYS = env_int("VECHE_EXTENSION_DAYS", 30, minimum=1)
VECHE_RATING_DAYS = env_int("VECHE_RATING_DAYS", 14, minimum=1)
VECHE_DUE_SOON_DAYS = env_int("VECHE_DUE_SOON_DAYS", 5, minimum=1)
# Who may sign and rate by default: this verification level, living in the problem's territory.
VECHE_SIGN_MIN_LEVEL = env_choice(
    "VECHE_SIGN_MIN_LEVEL", "census", ("email", "phone", "census", "provider")
)
# Weight of the city-wide mean in an organization's Bayesian rating (in "virtual ratings").
VECHE_RATING_PRIOR_WEIGHT = env_int("VECHE_RATING_PRIOR_WEIGHT", 5, minimum=1)

# --- Open data ------------------------------------------------------------------------------
# The daily dumps (`veche open_data_dump`): where they are written (one folder a day, never
# changed once written), how many days are kept, and the licence the open-data page names.
VECHE_OPEN_DATA_DIR = Path(env_str("VECHE_OPEN_DATA_DIR", str(VAR_DIR / "open-data")))
VECHE_OPEN_DATA_KEEP_DAYS = env_int("VECHE_OPEN_DATA_KEEP_DAYS", 30, minimum=1)
VECHE_OPEN_DATA_LICENCE_NAME = env_str("VECHE_OPEN_DATA_LICENCE_NAME", "CC BY 4.0")
VECHE_OPEN_DATA_LICENCE_URL = env_str(
    "VECHE_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
# Entries in each Atom feed (newest first).
VECHE_FEED_ITEMS = env_int("VECHE_FEED_ITEMS", 50, minimum=1)

# Moderation (README, "Moderation"). An author may contest a decision against them this many days
# after it was taken; a block for a period lasts at most this many days (longer: for good).
VECHE_MODERATION_CONTEST_DAYS = env_int("VECHE_MODERATION_CONTEST_DAYS", 14, minimum=1)
VECHE_MODERATION_MAX_BLOCK_DAYS = env_int("VECHE_MODERATION_MAX_BLOCK_DAYS", 365, minimum=1)
# Pre-moderation: new problems from accounts below this verification level wait for a moderator
# before they are published; empty (the default) publishes them at once. A territory's own
# setting (an operator's page) overrides it for that territory and those inside it.
VECHE_PREMODERATION_BELOW_LEVEL = env_choice(
    "VECHE_PREMODERATION_BELOW_LEVEL", "", ("", "email", "phone", "census", "provider")
)

# Maps. No tile server by default: maps draw the territories' boundaries, served by the site
# itself, so no request leaves it. A city sets its own (or a contracted) tile server here.
VECHE_MAP_TILE_URL = env_tile_url("VECHE_MAP_TILE_URL", "")
VECHE_MAP_ATTRIBUTION = env_str(
    "VECHE_MAP_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
# The area the site serves: maps open on it, and a problem's point must lie in it when its
# territory has no boundary drawn. The default is Russia, Chukotka across the 180th meridian.
VECHE_MAP_BOUNDS = env_bounds("VECHE_MAP_BOUNDS", "41.1,19.6,81.9,-169.0")

# Public discussions and hearings (docs/rules.md, Town Planning Code art. 5.1). Defaults only.
# The notice is published at least this many days before the exposition opens.
VECHE_DISCUSSION_NOTICE_DAYS = env_int("VECHE_DISCUSSION_NOTICE_DAYS", 7, minimum=0)
# These subjects must run from notice to published conclusion within VECHE_DISCUSSION_MAX_MONTHS.
# Discussion subjects (discussions.Discussion.Subject; a test keeps the two lists equal).
DISCUSSION_SUBJECTS = (
    "general_plan",
    "land_use_rules",
    "planning_project",
    "improvement_rules",
    "conditional_use",
    "deviation",
    "other",
)
VECHE_DISCUSSION_LIMITED_SUBJECTS = env_list(
    "VECHE_DISCUSSION_LIMITED_SUBJECTS",
    ["general_plan", "land_use_rules", "conditional_use", "deviation"],
    choices=DISCUSSION_SUBJECTS,
)
VECHE_DISCUSSION_MAX_MONTHS = env_int("VECHE_DISCUSSION_MAX_MONTHS", 1, minimum=1)
# Suggested protocol date: this many days after the intake closes.
VECHE_DISCUSSION_PROTOCOL_DAYS = env_int("VECHE_DISCUSSION_PROTOCOL_DAYS", 5, minimum=1)
# A concluded discussion moves to the archive after this many days.
VECHE_DISCUSSION_ARCHIVE_DAYS = env_int("VECHE_DISCUSSION_ARCHIVE_DAYS", 90, minimum=1)
# A public hearing's meeting of participants lasts this long unless its organizer says otherwise;
# remarks sent online are taken from its start to its end.
VECHE_MEETING_MINUTES = env_int("VECHE_MEETING_MINUTES", 120, minimum=15)
# Who may send submissions by default: this level and age, living or owning in the territory.
VECHE_DISCUSSION_MIN_LEVEL = env_choice(
    "VECHE_DISCUSSION_MIN_LEVEL", "census", ("email", "phone", "census", "provider")
)
VECHE_DISCUSSION_MIN_AGE = env_int("VECHE_DISCUSSION_MIN_AGE", 18, minimum=0)
# Advisory votes in discussions (docs/votes.md): the age bands of the turnout ("14-17,...,60-"),
# the smallest group shown by its number (smaller ones are hidden, with the groups that would
# give them away), and the key that turns a voter into their ballot's key (empty: derived from
# SECRET_KEY; never change it while a vote is open, or voters cannot change their ballots).
VECHE_VOTE_AGE_GROUPS = env_list(
    "VECHE_VOTE_AGE_GROUPS", ["14-17", "18-29", "30-44", "45-59", "60-"]
)
VECHE_VOTE_SMALL_CELL = env_int("VECHE_VOTE_SMALL_CELL", 5, minimum=1)
VECHE_VOTE_SECRET = env_str("VECHE_VOTE_SECRET", "")
# Experts are reminded of a question left unanswered this long.
VECHE_EXPERT_REMINDER_HOURS = env_int("VECHE_EXPERT_REMINDER_HOURS", 48, minimum=1)
# Project materials: largest upload, and an optional ClamAV daemon ("host:port" or a socket path).
VECHE_MATERIAL_MAX_MB = env_int("VECHE_MATERIAL_MAX_MB", 50, minimum=1)
VECHE_CLAMD_ADDRESS = env_str("VECHE_CLAMD_ADDRESS", "")
