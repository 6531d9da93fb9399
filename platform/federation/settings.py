"""Settings for the whole platform, read from the environment.

DJANGO_ENV picks the profile: ``development`` (default), ``test`` or ``production``.
Production refuses to start without SECRET_KEY, ALLOWED_HOSTS and a real database.
In development and test, DATABASE_URL / REDIS_URL come from the embedded services
(see ``embedded.services``) when they are not set.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
PLATFORM_DIR = BASE_DIR / "platform"

env = environ.Env()
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}"
    )
PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test"


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = [h for h in _required("ALLOWED_HOSTS").split(",") if h]
    DATABASE_URL = _required("DATABASE_URL")
    REDIS_URL = _required("REDIS_URL")
    DEBUG = False
    # Members' personal data (tenants.members.crypto): no default key in production.
    MEMBER_DATA_KEYS = _required("MEMBER_DATA_KEYS").split(",")
    MEMBER_LOOKUP_KEY = _required("MEMBER_LOOKUP_KEY")
else:
    # A development-only key: production has no default (see above).
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=[".localhost", "localhost", "127.0.0.1", "testserver"]
    )
    DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development")
    if "DATABASE_URL" not in env or "REDIS_URL" not in env:
        from embedded.services import ensure_services

        _urls = ensure_services(BASE_DIR / "var" / ("test" if TESTING else "run"))
        DATABASE_URL = env.str("DATABASE_URL", default=_urls.database_url)
        REDIS_URL = env.str("REDIS_URL", default=_urls.redis_url)
    else:
        DATABASE_URL = env.str("DATABASE_URL")
        REDIS_URL = env.str("REDIS_URL")
    # Empty: tenants.members.crypto derives fixed development keys from SECRET_KEY.
    MEMBER_DATA_KEYS = env.list("MEMBER_DATA_KEYS", default=[])
    MEMBER_LOOKUP_KEY = env.str("MEMBER_LOOKUP_KEY", default="")

if PRODUCTION and not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("production needs a real PostgreSQL DATABASE_URL")

# The domain the platform answers at: cooperatives at <slug>.<PLATFORM_DOMAIN>,
# the head office and the shared layer at the bare domain.
PLATFORM_DOMAIN = env.str("PLATFORM_DOMAIN", default="localhost")
PLATFORM_NAME = env.str("PLATFORM_NAME", default="Kantor Pusat Koperasi Sekunder")
PLATFORM_PORT = env.str("PLATFORM_PORT", default="" if PRODUCTION else "8000")
PLATFORM_SCHEME = env.str("PLATFORM_SCHEME", default="https" if PRODUCTION else "http")

SHARED_APPS = [
    "django_tenants",
    "registry",  # before django_tenants' commands: our `migrate` replaces theirs
    "identity",
    "audit",
    "notary",
    "money",
    "health",
    "scheduling",
    "headoffice",
    "demo",
    "marketplace",
    "ppob",
    "retail",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_celery_beat",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "audit",
    "tenants",
]
INSTALLED_APPS = ["registry"] + [a for a in SHARED_APPS if a != "registry"]
INSTALLED_APPS += [a for a in TENANT_APPS if a not in INSTALLED_APPS]
if TESTING:
    # A tenant app that exists only in tests: its second migration adds a column.
    TENANT_APPS.append("tests.schema_probe")
    INSTALLED_APPS.append("tests.schema_probe")

TENANT_MODEL = "registry.Cooperative"
TENANT_DOMAIN_MODEL = "registry.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New schemas are made from this migrated template (see registry.schema_template).
TENANT_TEMPLATE_SCHEMA = "tenant_template"
TENANT_LIMIT_SET_CALLS = True
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False

MIDDLEWARE = [
    # /healthz answers before the tenant lookup, so it reports a database outage as JSON.
    "health.middleware.HealthCheckMiddleware",
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "federation.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "identity.middleware.TenantSessionMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "registry.middleware.CooperativeStatusMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "federation.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "federation.urls_public"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "federation" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "federation.context.platform",
            ],
        },
    },
]

WSGI_APPLICATION = "federation.wsgi.application"

DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
if not DATABASES["default"].get("HOST") and "host" in DATABASES["default"].get("OPTIONS", {}):
    # postgresql://user@/db?host=/socket/dir (the embedded server's unix socket)
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env.str("TEST_DB_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DB_NAME")}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _redis_cache_url(url: str, db: int) -> str:
    if url.startswith("unix://"):
        return f"{url.split('?')[0]}?db={db}"
    return url.rstrip("/").rsplit("/", 1)[0] + f"/{db}" if url.count("/") > 2 else f"{url}/{db}"


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _redis_cache_url(REDIS_URL, 1),
        # Every key carries the tenant's schema (django-tenants' make_key).
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "identity.backends.IdentityBackend",
    "tenants.memberweb.backends.MemberNumberBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Fast hashing in tests only; a test asserts production uses Argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "identity:login"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "identity/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Behind nginx every request comes from the proxy: throttle by the client's real address.
TRUST_X_REAL_IP = env.bool("TRUST_X_REAL_IP", default=PRODUCTION)
AXES_CLIENT_IP_CALLABLE = "audit.middleware.client_ip"

# Two-factor: every staff role must pass TOTP (identity.access.requires_two_factor).
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Koperasi Federasi")
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PLATFORM_DIR / "federation" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
EXPORT_ROOT = Path(env.str("EXPORT_ROOT", default=str(BASE_DIR / "var" / "exports")))
BACKUP_ROOT = Path(env.str("BACKUP_ROOT", default=str(BASE_DIR / "var" / "backups")))
WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@koperasi.localhost")
if env.str("EMAIL_URL", default=""):
    # smtp+tls://user:password@smtp.example.org:587 (django-environ's e-mail URL)
    globals().update(env.email_url("EMAIL_URL"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "identity.api_auth.OTPSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"login": env.str("API_LOGIN_THROTTLE", default="10/min")},
    "EXCEPTION_HANDLER": "federation.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Koperasi Federasi API",
    "DESCRIPTION": "API of the cooperative federation platform. Each cooperative answers at "
    "its own host (<slug>.<domain>); the head office and shared layer at the bare domain.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery: broker and results in Redis; tasks carry their tenant (tenant-schemas-celery).
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL",
    default=("redis+socket://" + REDIS_URL.removeprefix("unix://").split("?")[0])
    if REDIS_URL.startswith("unix://")
    else REDIS_URL,
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# An unacked task is redelivered after this many seconds: longer than the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Beat runs once (one koperasi-beat service); per-cooperative jobs go through
# scheduling.tasks.for_each_cooperative (see docs/operations.md).
CELERY_BEAT_SCHEDULE = {
    "health-heartbeat": {
        "task": "health.tasks.heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Seal journal entries that missed their after-commit sealing (a crashed web worker).
    "ledger-seal-pending": {
        "task": "scheduling.tasks.for_each_cooperative",
        "schedule": 300.0,
        "kwargs": {"task_name": "tenants.tasks.ledger_seal_pending"},
        "options": {"expires": 280},
    },
    # Release sukarela holds (tenants.books) that were never captured or released.
    "books-expire-reservations": {
        "task": "scheduling.tasks.for_each_cooperative",
        "schedule": 60.0,
        "kwargs": {"task_name": "tenants.tasks.books_expire_reservations"},
        "options": {"expires": 55},
    },
    # Publish each cooperative's Merkle root of yesterday to the head office.
    "ledger-publish-yesterday": {
        "task": "scheduling.tasks.for_each_cooperative",
        "schedule": crontab(hour=0, minute=15),
        "kwargs": {"task_name": "tenants.tasks.ledger_publish_yesterday"},
    },
    # Post last month's jasa on simpanan sukarela, on the 1st at 01:00 WIB.
    "jasa-post-previous-month": {
        "task": "scheduling.tasks.for_each_cooperative",
        "schedule": crontab(day_of_month="1", hour=1, minute=0),
        "kwargs": {"task_name": "tenants.tasks.jasa_post_previous_month"},
    },
    # --- loans (tenants/tasks_loans.py) ---------------------------------------------
    # Age every running loan and post the change in the loss allowance (PPAP), daily at
    # 00:30 WIB, after the day has turned; once per day per cooperative (idempotent).
    "loans-age-today": {
        "task": "scheduling.tasks.for_each_cooperative",
        "schedule": crontab(hour=0, minute=30),
        "kwargs": {"task_name": "tenants.tasks.loans_age_today"},
    },
    # --- end loans ---------------------------------------------------------------------
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- PPOB (ppob/, docs/ppob.md) -------------------------------------------------------------
# The provider: "sandbox" (development, demo, tests), "digiflazz", or empty (switched off,
# the production default). Digiflazz's credentials have no default in production.
PPOB_PROVIDER = env.str("PPOB_PROVIDER", default="" if PRODUCTION else "sandbox")
if PPOB_PROVIDER not in {"", "sandbox", "digiflazz"}:
    raise ImproperlyConfigured(f"PPOB_PROVIDER must be sandbox or digiflazz, not {PPOB_PROVIDER!r}")
PPOB_DIGIFLAZZ_URL = env.str("PPOB_DIGIFLAZZ_URL", default="https://api.digiflazz.com/v1")
if PRODUCTION and PPOB_PROVIDER == "digiflazz":
    PPOB_DIGIFLAZZ_USERNAME = _required("PPOB_DIGIFLAZZ_USERNAME")
    PPOB_DIGIFLAZZ_KEY = _required("PPOB_DIGIFLAZZ_KEY")
    PPOB_DIGIFLAZZ_WEBHOOK_SECRET = _required("PPOB_DIGIFLAZZ_WEBHOOK_SECRET")
else:
    PPOB_DIGIFLAZZ_USERNAME = env.str("PPOB_DIGIFLAZZ_USERNAME", default="")
    PPOB_DIGIFLAZZ_KEY = env.str("PPOB_DIGIFLAZZ_KEY", default="")
    PPOB_DIGIFLAZZ_WEBHOOK_SECRET = env.str("PPOB_DIGIFLAZZ_WEBHOOK_SECRET", default="")
# Digiflazz's testing mode (magic numbers, no real sale): never in production by default.
PPOB_DIGIFLAZZ_TESTING = env.bool("PPOB_DIGIFLAZZ_TESTING", default=not PRODUCTION)
PPOB_HTTP_CONNECT_TIMEOUT = env.float("PPOB_HTTP_CONNECT_TIMEOUT", default=5.0)
PPOB_HTTP_READ_TIMEOUT = env.float("PPOB_HTTP_READ_TIMEOUT", default=45.0)
PPOB_SANDBOX_DELAY_SECONDS = env.float("PPOB_SANDBOX_DELAY_SECONDS", default=0.0)
PPOB_SANDBOX_PENDING_SECONDS = env.float("PPOB_SANDBOX_PENDING_SECONDS", default=20.0)
PPOB_SANDBOX_DEPOSIT = env.str("PPOB_SANDBOX_DEPOSIT", default="50000000")
# The protocol's rules: never call about one transaction twice within the cooldown; check
# pending ones until they are this old, then hand them to the head office's review queue.
PPOB_RECHECK_COOLDOWN_SECONDS = env.int("PPOB_RECHECK_COOLDOWN_SECONDS", default=60)
PPOB_PENDING_MAX_AGE_HOURS = env.int("PPOB_PENDING_MAX_AGE_HOURS", default=7 * 24)
PPOB_INQUIRY_VALID_MINUTES = env.int("PPOB_INQUIRY_VALID_MINUTES", default=30)
# The head office's deposit at the provider: alert under the first, refuse sales that would
# take it under the second (rupiah).
PPOB_DEPOSIT_ALERT_BELOW = env.str("PPOB_DEPOSIT_ALERT_BELOW", default="5000000")
PPOB_DEPOSIT_FLOOR = env.str("PPOB_DEPOSIT_FLOOR", default="500000")
# The secondary cooperative whose books take PPOB's cost and margin: its slug, or empty for
# the one cooperative of kind "sekunder".
PPOB_SECONDARY_SLUG = env.str("PPOB_SECONDARY_SLUG", default="")
CELERY_BEAT_SCHEDULE.update(
    {
        "ppob-reconcile": {
            "task": "ppob.tasks.purchases_reconcile",
            "schedule": 30.0,
            "options": {"expires": 25},
        },
        "ppob-deposit-refresh": {
            "task": "ppob.tasks.deposit_refresh",
            "schedule": 300.0,
            "options": {"expires": 280},
        },
        # The price list is rate-limited and 10-15 minutes stale at best.
        "ppob-catalogue-sync": {
            "task": "ppob.tasks.catalogue_sync",
            "schedule": 1800.0,
            "options": {"expires": 1700},
        },
        # Close last month's settlement of every cooperative, for central billing.
        "ppob-settlements-close": {
            "task": "ppob.tasks.settlements_close",
            "schedule": crontab(day_of_month="1", hour=2, minute=0),
        },
    }
)
# --- end of PPOB ---------------------------------------------------------------------------

SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV)
if SENTRY_DSN:
    from federation.sentry import sentry_init

    sentry_init(SENTRY_DSN, environment=SENTRY_ENVIRONMENT)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "federation.sentry.PersonalDataLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}
