"""Chorus settings: one file, read from the environment.

Every variable has a safe default for a laptop (SQLite, local-memory cache, tasks run
inline) except where a default would be unsafe in production: without DEBUG=true a
SECRET_KEY must be given. A variable that is set but malformed stops start-up with a
message that names it.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from operations.headers import CONTENT_SECURITY_POLICY, add_static_file_headers

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is read when present; the real environment wins over it.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_seconds(name: str, default: float) -> float:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ImproperlyConfigured(
            f"{name} must be a number of seconds above zero, such as 0.25, not {raw!r}."
        )
    return seconds


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, schemes: set[str]) -> str | None:
    raw = env.str(name, default=None)
    if not raw:
        return None
    scheme = urlsplit(raw).scheme
    if scheme not in schemes:
        expected = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of: {expected} (got scheme {scheme!r})."
        )
    return raw


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string, "
            "or set DEBUG=true for local development."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = env.str("SITE_NAME", default="Chorus")

INSTALLED_APPS = [
    # Before the admin: its translation.py modules add the per-language fields that the
    # admin and the history then see.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "django_tasks_db",
    "simple_history",
    "import_export",
    "addresses",
    # Second factors for staff: authenticator apps, recovery codes, passkeys.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "organisations",
    "legislation",
    "campaigns",
    # E-mail alerts: after the apps whose content it tells subscribers of.
    "alerts",
    # Invitations to sign a statement, sent by e-mail to an organisation's contact.
    "invitations",
    "staff",
    # No models: its management commands (configuredatabase).
    "operations",
    "django.contrib.sitemaps",
    # The partner API.
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Provides the hashed-key model partner keys extend (its own unscoped key is unused).
    "rest_framework_api_key",
    "corsheaders",
]

MIDDLEWARE = [
    "operations.requests.RequestIdMiddleware",
    # Early, so that every API answer carries it, 304s and 429s among them.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "operations.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "lib.api.language.ApiLanguageMiddleware",
    # The admin and its sign-in pages follow the browser's language, as the API does.
    "staff.middleware.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor, if any, confirmed this session's sign-in (user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # Who made a change, for the history of what the admin saves.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # With STAFF_REQUIRE_2FA, a session signed in without a second factor ends.
    "staff.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "operations.outage.DatabaseUnavailableMiddleware",
    # Last: a public page this process holds is answered without resolving its address.
    "operations.pages.PagesInProcessMemory",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
            # Inline rows' inputs named by their column (templates/admin/edit_inline).
            "libraries": {"labelled_widgets": "lib.labelled_widgets"},
            # Django's `date` filter, the first of a month written as French writes it.
            "builtins": ["lib.dates"],
        },
    },
]

# Database: SQLite next to the code unless DATABASE_URL names another.
DATABASE_URL = env_url("DATABASE_URL", {"sqlite", "postgres", "postgresql", "pgsql"})
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    }
# Persistent connections in production save a connection set-up per request; they are
# health-checked before reuse, so a database restart heals by itself.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has the development server and the task worker write to one SQLite
    # file: readers do not wait for a writer (WAL), a writer takes its lock when its
    # transaction begins rather than failing half-way, and waits for the other's.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, else this process's memory. A deployment runs
# several processes, and a cache each keeps for itself would go on serving a withdrawn
# statement's page from the processes that did not withdraw it, and count failed
# sign-ins per process: so without DEBUG, Redis is required.
REDIS_URL = env_url("REDIS_URL", {"redis", "rediss", "unix"})
if not (REDIS_URL or DEBUG):
    raise ImproperlyConfigured(
        "REDIS_URL is not set. A deployment needs Redis for the cache its processes share "
        "(redis://host:6379/0), or DEBUG=true for local development."
    )
# A Redis outage degrades to no cache rather than to errors, and costs a request at
# most one of these timeouts: after a failure each process leaves Redis alone for
# REDIS_RETRY_AFTER_SECONDS, then tries it again (operations/cache.py).
REDIS_CONNECT_TIMEOUT_SECONDS = env_seconds("REDIS_CONNECT_TIMEOUT_SECONDS", 0.25)
REDIS_TIMEOUT_SECONDS = env_seconds("REDIS_TIMEOUT_SECONDS", 0.25)
REDIS_RETRY_AFTER_SECONDS = env_seconds("REDIS_RETRY_AFTER_SECONDS", 5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "operations.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
            "RETRY_AFTER": REDIS_RETRY_AFTER_SECONDS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks: inline by default; TASKS_BACKEND=database queues them for `manage.py db_worker`.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}."
    )
TASKS = {
    "default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates in each language's grammar where Django's formats are not the site's: see
# config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]

# Files the site writes: the public dataset's bulk downloads (served through the API).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs collectstatic, which neither tests nor runserver do.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The typeface statements' social cards are drawn in: DejaVu Sans (Debian's
# fonts-dejavu-core, installed by the Dockerfile), which has Cyrillic and French letters.
SOCIAL_CARD_FONT_DIR = Path(
    env.str("SOCIAL_CARD_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
)

# One JSON object a line on standard error, each with the id of the request it belongs to.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.requests.RequestIdFilter"}},
    "formatters": {"json": {"()": "operations.requests.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Locally, static files are served from the apps' folders as they change; in production
# from STATIC_ROOT, filled by collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Public pages' cache (operations/pages.py) --------------------------------------------
VARNISH_URL = env_url("VARNISH_URL", {"http", "https"})
# The cache knows no app: what it needs of the content, it asks these functions.
PUBLIC_PAGES = {
    # (published_after) -> ContentState: the count of changes, the next publish time,
    # whether a statement became public after the time given. One query.
    "CONTENT_STATE": "campaigns.public.content_state",
    # () -> int: count a change in the database, where a cache outage cannot lose it.
    "COUNT_CHANGE": "campaigns.public.count_change",
    # The reverse proxy in front (Varnish, config/varnish.vcl), whose public pages are
    # banned on every change: VARNISH_URL (http://cache:6081/), none by default.
    "PURGE_URLS": [VARNISH_URL] if VARNISH_URL else [],
}
# What follows a change the public may see (operations.changes.public_pages_changed()),
# after commit and in this order: functions called with no argument, by dotted path.
PUBLIC_CONTENT_CHANGED = [
    # A new version of every kept page, and the proxy's pages banned.
    "operations.pages.pages_changed",
    # The bulk files, rebuilt by the worker a little later.
    "campaigns.datasets.queue_rebuild",
]
# What else follows a statement's change once its time has come and it is announced to
# the webhooks (the same queued task, at the publish time for a scheduled one), and a
# law's new timeline event once saved: functions called with the entry's id, by dotted
# path, so that the apps that record them need not know who listens.
STATEMENT_CHANGE_ANNOUNCED = ["alerts.triggers.queue_statement_alerts"]
LAW_EVENT_ADDED = ["alerts.triggers.queue_law_event_alerts"]
# Who records a law or an organisation saved or deleted anywhere (lib/change_feed.py):
# functions called in the change's transaction with the resource, its id and the kind of
# change, by dotted path.
RECORD_CHANGED = ["campaigns.public.record_change_of"]
# What follows such a change, or a change of a row its answer shows (a law's timeline),
# for the statements that show it, once its transaction commits, once per transaction:
# functions called with the resource and its id, by dotted path. (The public pages are
# told of the change by lib/change_feed.py itself.)
RECORD_CHANGE_COMMITTED = ["campaigns.public.follow_change_of"]
# What follows a public correction of a statement's text, after commit: functions called
# with the statement's id, by dotted path.
STATEMENT_CORRECTED = ["invitations.reconfirmation.ask_signatories"]
# What follows the other changes of a statement, named here so that campaigns/models.py
# imports none of the modules that act on them (the API's stored answers, the webhooks,
# search, the messages to partners), which read its models: functions by dotted path,
# called through operations.changes.follow() in the order given.
# - Its own row changed by a workflow step, a correction or a silent fix: called with a
#   list of statement ids, inside the transaction (its API answer is built anew).
STATEMENT_CHANGED = ["campaigns.documents.refresh_documents"]
# - Rows it shows changed elsewhere (a signature confirmed, a demand's outcome, the text
#   search finds it by): called with statement ids, inside the transaction (the API's
#   answers are rebuilt by the worker after commit).
STATEMENT_RELATED_ROWS_CHANGED = ["campaigns.documents.queue_rebuild"]
# - A publication, correction or withdrawal recorded in the change feed: called with the
#   change, after commit (announced to the webhooks at its time).
STATEMENT_CHANGE_RECORDED = ["campaigns.webhooks.schedule_announcement"]
# - Staff decided on a signature that a partner asked for through the API: called with
#   the signature's id, after commit (the partner is told).
SIGN_ON_REQUEST_DECIDED = ["campaigns.sign_on.tell_partner"]
# The text a statement is also found by (Statement.search_text), as its rows make it: a
# function called with a list of statement ids, giving each one's text by id.
STATEMENT_SEARCH_TEXT = "campaigns.search.found_by_texts"
# What follows an invitation issued, after commit: functions called with its id.
INVITATION_ISSUED = ["invitations.sending.send_after_issue"]

# Editorial history, translations and bulk import.
# Translated fields get one column per language in LANGUAGES: adding a language is a
# change here and a migration. English is the language a text falls back to.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# An import either goes through whole or changes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Importing adds and changes rows: it takes the change permission of the model; exporting
# takes the view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- Production hardening -------------------------------------------------------------
# On unless DEBUG: a deployment is served over HTTPS, usually behind a proxy that ends TLS.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
BEHIND_PROXY = env_bool("BEHIND_PROXY", HTTPS)
if BEHIND_PROXY:
    # Only right when the proxy overwrites this header; a client must not be able to set it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
# Staff sessions end after this many seconds (8 hours by default), and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CSP = CONTENT_SECURITY_POLICY
WHITENOISE_ADD_HEADERS_FUNCTION = add_static_file_headers

# --- Staff sign-in ----------------------------------------------------------------------
# Failed admin sign-ins are counted in the database, per username and per client
# address; past the limit, sign-in is refused for LOGIN_LOCKOUT_SECONDS whatever the
# password.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Proxies in front of the site that append to X-Forwarded-For; 0 trusts REMOTE_ADDR alone.
# Behind a proxy, REMOTE_ADDR is the proxy's: counting failures by it would let anyone
# lock every member of staff out at once.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
# Staff confirm each sign-in with a second factor (a passkey or security key, a code from
# an authenticator app, or a recovery code); those without one set one up at their next
# sign-in, and sessions signed in without one end. STAFF_REQUIRE_TOTP is its earlier name.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", env_bool("STAFF_REQUIRE_TOTP", False))
# A passkey alone signs in, without the password, when it checked its holder itself (a
# PIN or a fingerprint on the device: two factors in one). Off unless a deployment turns
# it on for every account: passwordless sign-in is a policy for a whole organisation.
STAFF_ALLOW_PASSKEY_ONLY = env_bool("STAFF_ALLOW_PASSKEY_ONLY", False)

# Each session row carries the user it signed in, so that a staff member can list and
# end their own sessions (staff/sessions.py).
SESSION_ENGINE = "staff.sessions"

# Second factors on django-otp. Its own throttle (a growing wait after each wrong code
# for one device) stays on beside the lockout above, which counts every factor.
OTP_TOTP_ISSUER = SITE_NAME
# Administrators never see an authenticator app's key or a recovery code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- partner API (/api/v1/) ------------------------------------------------------------

# Any site may read the API from a browser: public data, and no cookie is ever sent or
# read (keys travel in the Authorization header, which a preflight may ask to send).
CORS_URLS_REGEX = r"^/api/v1/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_ALLOW_HEADERS = ["authorization", "content-type", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Link", "X-Request-ID"]
CORS_PREFLIGHT_MAX_AGE = 86400

# The public address of the site, for links in what is sent without a request to take
# the host from: webhook payloads.
SITE_URL = env_url("SITE_URL", {"http", "https"}) or "http://localhost:8000"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["organisations.keys.PartnerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["organisations.keys.PartnerRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "lib.api.pagination.StableCursorPaginator",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "lib.api.filters.KnownParametersOnly",
        "lib.api.filters.GivenFiltersOnly",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lib.api.errors.json_exception_handler",
}

# Requests per minute: anonymous clients are counted by address, partner keys each on
# their own (a key can carry its own higher limit).
API_THROTTLE_RATES = {
    "anonymous": env.str("API_ANONYMOUS_RATE", default="60/minute"),
    "partner": env.str("API_PARTNER_RATE", default="600/minute"),
    # The schema and the documentation pages, per address, apart from the API's own.
    "documentation": env.str("API_DOCUMENTATION_RATE", default="300/minute"),
}

# Requests with a wrong or expired API key, per client address, before that address is
# answered 429 without the key being looked up, for this many seconds from the first.
API_KEY_FAILURE_LIMIT = env_int("API_KEY_FAILURE_LIMIT", 10)
API_KEY_FAILURE_SECONDS = env_int("API_KEY_FAILURE_SECONDS", 300)

# The change feed holds back entries younger than this, so that a change whose
# transaction commits a moment after a later one has been served is never skipped.
API_CHANGES_SETTLE_SECONDS = env_int("API_CHANGES_SETTLE_SECONDS", 5)

# Webhooks: a failed delivery is retried after this many seconds, doubling each time.
WEBHOOK_RETRY_SECONDS = env_int("WEBHOOK_RETRY_SECONDS", 60)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# Webhooks go to public addresses only, so that an endpoint URL cannot reach services
# inside our own network. A deployment whose partners' endpoints are on its own network
# turns this on (link-local, multicast and reserved addresses stay refused).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

SPECTACULAR_SETTINGS = {
    "TITLE": "Chorus partner API",
    "DESCRIPTION": (
        "Published joint statements with their signatories, addressees, demands and "
        "laws; the campaigns, coalitions, organisations and laws around them; a change "
        "feed to stay in sync. Anonymous reads are allowed and throttled; partner keys "
        "(header `Authorization: Api-Key <key>`) get higher limits and, by scope, "
        "embargoed statements and sign-on. Every answer has an ETag: send it back in "
        "`If-None-Match` to be answered 304 when nothing changed (without a key, usually "
        "not counted against the limit)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StatementStatusEnum": "campaigns.models.Statement.Status",
        "SignatureStatusEnum": "campaigns.models.Signature.Status",
        "LawStatusEnum": "legislation.models.Law.Status",
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "StatementKindEnum": "campaigns.models.Statement.Kind",
        "LawKindEnum": "legislation.models.Law.Kind",
        "OrganisationKindEnum": "organisations.models.Organisation.Kind",
        "TargetKindEnum": "campaigns.models.Target.Kind",
        "PenaltyKindEnum": "legislation.models.Penalty.Kind",
        "LawEventKindEnum": "legislation.models.LawEvent.Kind",
        "SignatureRoleEnum": "campaigns.models.Signature.Role",
        "MembershipRoleEnum": "campaigns.models.CoalitionMembership.Role",
        "StandardKindEnum": "legislation.models.Standard.Kind",
        "DemandActionEnum": "campaigns.models.Demand.Action",
        "DemandOutcomeEnum": "campaigns.models.Demand.Outcome",
        # A statement's `language` and its `languages`: one enum of the site's languages.
        "LanguageEnum": LANGUAGES,
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lib.api.schema.document_errors",
        "lib.api.schema.document_headers",
        "lib.api.schema.document_parameters",
        "lib.api.schema.require_what_is_always_there",
        "lib.api.schema.document_webhooks",
        # Last: an example for every property, and every answer's built from them.
        "config.api_examples.document_examples",
    ],
    # The documentation pages load their scripts from this site, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links in Swagger UI: they put each operation's address, a link, inside the
    # button that opens the operation, a control inside a control that screen readers and
    # keyboards handle badly. Redoc gives every operation its own address.
    # Nor colours in its examples: its highlighting's palettes are too faint on their
    # dark ground to read (WCAG AA asks 4.5:1).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": {"activated": False}},
}

# --- Passkeys and e-mail ----------------------------------------------------------------
# Passkeys are bound to the host of SITE_URL and accepted from its origin only. Changing
# the host later means every passkey has to be registered again.
_site = urlsplit(SITE_URL)
OTP_WEBAUTHN_RP_ID = _site.hostname or "localhost"
OTP_WEBAUTHN_RP_NAME = SITE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "chorus.staff"
# The library's own passwordless sign-in is not mounted; this keeps it off all the same.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Names each new passkey after the browser it was registered in; STAFF_ALLOW_PASSKEY_ONLY
# (read by staff/passkeys.py) decides whether a passkey may sign in alone.
OTP_WEBAUTHN_HELPER_CLASS = "staff.passkeys.PasskeyHelper"

# E-mail through Django's mailers: EMAIL_URL (smtp+tls://user:password@host:587, or
# smtps:// for TLS from the start); without it, the console with DEBUG, else a mail
# server on this machine (localhost:25). Staff are told by e-mail when a recovery code of
# theirs is used, a second factor is added, or an administrator resets theirs.
EMAIL_URL = env_url("EMAIL_URL", {"smtp", "smtps", "smtp+tls", "smtp+ssl"})
_email = env.email_url_config(EMAIL_URL or "smtp://localhost:25")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email["EMAIL_HOST"],
            "port": _email["EMAIL_PORT"] or 25,
            "username": _email["EMAIL_HOST_USER"],
            "password": _email["EMAIL_HOST_PASSWORD"],
            "use_tls": bool(_email.get("EMAIL_USE_TLS")),
            "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
            "timeout": 10,
        },
    }
}
if not EMAIL_URL and DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")
# Where replies to alerts go (a mailbox someone reads); none by default.
ALERTS_REPLY_TO = env_list("ALERTS_REPLY_TO", [])

# --- E-mail alerts (alerts/) ------------------------------------------------------------
# Signed links: a confirmation is valid this many days, a link to the manage page
# (in every message) this many; the one-click unsubscribe link never expires.
ALERTS_CONFIRM_LINK_DAYS = env_int("ALERTS_CONFIRM_LINK_DAYS", 7)
ALERTS_MANAGE_LINK_DAYS = env_int("ALERTS_MANAGE_LINK_DAYS", 60)
# Subscribing, per hour: requests for one address (beyond it, nothing more is sent to it
# and the answer stays the same) and from one client address (beyond it, 429).
ALERTS_SUBSCRIBE_LIMIT_PER_EMAIL = env_int("ALERTS_SUBSCRIBE_LIMIT_PER_EMAIL", 3)
ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT = env_int("ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT", 20)
# Messages sent by one task; a temporary failure is retried after
# ALERTS_RETRY_SECONDS, doubling each time, ALERTS_MAX_ATTEMPTS times in all.
ALERTS_BATCH_SIZE = env_int("ALERTS_BATCH_SIZE", 500)
# SMTP connections a batch is shared among, at most one for each 100 messages.
ALERTS_SMTP_CONNECTIONS = env_int("ALERTS_SMTP_CONNECTIONS", 4)
ALERTS_RETRY_SECONDS = env_int("ALERTS_RETRY_SECONDS", 300)
ALERTS_MAX_ATTEMPTS = env_int("ALERTS_MAX_ATTEMPTS", 6)
# The weekly digest goes out on this weekday (0 = Monday) at this hour, UTC.
ALERTS_DIGEST_WEEKDAY = env_int("ALERTS_DIGEST_WEEKDAY", 0)
ALERTS_DIGEST_HOUR = env_int("ALERTS_DIGEST_HOUR", 7)
