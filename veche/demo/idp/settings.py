"""Settings of the demo identity provider, a Django project of its own (not veche.settings).

Everything comes from VECHE_DEMO_IDP_* environment variables; the secret key, the ID token
signing key and the SQLite database are created once in VECHE_DEMO_IDP_DIR.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured

REPO_DIR = Path(__file__).resolve().parents[3]

if os.environ.get("VECHE_ENV") == "production":
    raise ImproperlyConfigured(
        "The demo identity provider signs in anyone as anyone; it must not run with "
        "VECHE_ENV=production. Use the real ESIA (Gosuslugi) there."
    )


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_url(name: str, default: str) -> str:
    value = os.environ.get(name, default).rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL without a query, not {value!r}")
    return value


def _read_or_create(path: Path, make) -> str:
    """Read a file, creating it first if it is missing; safe when two processes start at once."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        draft.write_text(make())
        draft.chmod(0o600)
        try:
            # A hard link fails if the file appeared meanwhile, so the first writer wins.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text()


def _new_rsa_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


DATA_DIR = Path(os.environ.get("VECHE_DEMO_IDP_DIR") or REPO_DIR / "var" / "demo-idp")
ADDRESS = os.environ.get("VECHE_DEMO_IDP_ADDRESS", "127.0.0.1:8001")
# The provider's URLs live under the issuer's path, so the two can never disagree.
ISSUER = env_url("VECHE_DEMO_IDP_ISSUER", f"http://{ADDRESS}/o")
ISSUER_PATH = urlsplit(ISSUER).path.strip("/")

SECRET_KEY = _read_or_create(DATA_DIR / "secret_key", lambda: secrets.token_urlsafe(64)).strip()
OIDC_RSA_PRIVATE_KEY = _read_or_create(DATA_DIR / "oidc_rsa_key.pem", _new_rsa_key)

DEBUG = env_bool("VECHE_DEMO_IDP_DEBUG", False)
ALLOWED_HOSTS = sorted({"127.0.0.1", "localhost", urlsplit(ISSUER).hostname})

# The client Veche signs in with.
VECHE_CLIENT_ID = "veche-demo"
VECHE_CLIENT_SECRET = os.environ.get("VECHE_DEMO_IDP_CLIENT_SECRET", "veche-demo-secret")
VECHE_REDIRECT_URIS = os.environ.get(
    "VECHE_DEMO_IDP_REDIRECT_URIS",
    "http://127.0.0.1:8000/accounts/oidc/demo-esia/login/callback/ "
    "http://localhost:8000/accounts/oidc/demo-esia/login/callback/",
).split()
# Browser tests run Veche on a random port; this admits its callback on any local port.
ALLOW_ANY_LOCAL_PORT = env_bool("VECHE_DEMO_IDP_ALLOW_ANY_LOCAL_PORT", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "veche.demo.idp.apps.DemoIdpConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "veche.demo.idp.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "demo-idp.sqlite3",
        # The server is threaded: Veche exchanges a code while the browser loads a page.
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "demo_idp.Citizen"
LOGIN_URL = "demo_idp:sign_in"
# Every password here is public ("demo"); a cheap hash keeps start-up and tests fast.
PASSWORD_HASHERS = ["veche.demo.idp.hashers.DemoPasswordHasher"]

# Browsers share cookies between ports of one host, and Veche runs on 127.0.0.1 too: with
# Django's default names each site would overwrite the other's session and CSRF token.
SESSION_COOKIE_NAME = "demo_idp_session"
CSRF_COOKIE_NAME = "demo_idp_csrftoken"
SESSION_COOKIE_AGE = 8 * 60 * 60
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "ru"
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_VALIDATOR_CLASS": "veche.demo.idp.oidc.CitizenClaimsValidator",
    "SCOPES": {
        "openid": "Вход · Sign-in identifier",
        "profile": "Фамилия, имя, отчество · Full name",
        "birthdate": "Дата рождения · Birth date",
        "email": "Адрес электронной почты · E-mail address",
        "address": "Адрес регистрации · Registered address",
        "organization": "Организация, которую вы представляете · Organization you represent",
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    # Ask for consent every time, as ESIA does: the demo should show that step.
    "REQUEST_APPROVAL_PROMPT": "force",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 60 * 60,
    "ID_TOKEN_EXPIRE_SECONDS": 60 * 60,
    # RFC 9700 (OAuth security best practice): no implicit or password grant, S256 only,
    # tokens only in the header and stored hashed, `iss` in the authorization response,
    # a replayed refresh token revokes its family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
