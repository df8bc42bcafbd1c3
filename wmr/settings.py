"""Settings of WMR case management, read from environment variables only (table in README.md).

Without any variable set this is the *embedded default*: SQLite file, Celery tasks run eagerly in-process,
DEBUG on, a development secret key. Production sets WMR_ENV=production and the variables in the README.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from wmr.env import ImproperSetting, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

WMR_ENV = env_str("WMR_ENV", "embedded")
PRODUCTION = WMR_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else "embedded-development-key-not-for-production-use-0123456789")
if not SECRET_KEY:
    raise ImproperSetting("SECRET_KEY must be set in production (or SECRET_KEY_FILE).")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "guardian",
    "simple_history",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # our apps, in journey order
    "wmr",
    "staff",
    "patients",
    "screening",
    "goals",
    "diagnostics",
    "therapy",
    "reintegration",
    "compliance",
    "privacy",
    "disclosure",  # issue 11: consent-scoped packages for external parties, the patient's plan link
    "integrity",  # issue 11: hash chains over the audit trail and signed documents
    "reminders",  # issue 11: daily reminders of what is due on my stays
    "interop",  # issue 11: FHIR R4 export of a stay
    "cases",
    "synthetic",  # issue 10: manage.py seed_synthetic (benchmarks); owns no data
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wmr.middleware.PermissionsPolicyMiddleware",
    # issue 9: a lost database connection answers a friendly 503 page, never a stack trace
    "wmr.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wmr.middleware.ClinicLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # issue 9: roles that must use two-factor authentication are sent to enrolment / verification first
    "staff.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wmr.middleware.AuditContextMiddleware",
    # turns django-ratelimit's Ratelimited into settings.RATELIMIT_VIEW (429) instead of a 403
    "django_ratelimit.middleware.RatelimitMiddleware",
    # axes must be last (its documentation)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wmr.urls"
WSGI_APPLICATION = "wmr.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        # issue 10: behind pgbouncer in transaction mode (README, "Scaling out")
        disable_server_side_cursors=env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False),
    )
}
# issue 10: an optional PostgreSQL read replica (streaming replication) for the compliance dashboard's aggregates.
# Only code that asks for it reads there (``wmr.db_router.read_replica()``); without the variable nothing changes.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        disable_server_side_cursors=env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False),
        test_options={"MIRROR": "default"},  # tests read the default test database through this alias
    )
    DATABASE_ROUTERS = ["wmr.db_router.ReplicaRouter"]  # never migrates the replica; rows of both may relate
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "staff.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:worklist"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after N idle minutes: every request renews the cookie, so the age is an idle timeout.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: 5 failed logins lock the account for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Locked per account, not per address: a clinic's staff often share one NAT address, and locking it would lock
# out the whole clinic. Hence axes.W006 is silenced below on purpose.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lock lasts exactly the cool-off from the 5th failure (the issue's "locked 15 minutes", and what the lockout
# page promises). Attempts during the lock are refused unchecked, so they give an attacker no extra guesses.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# django-guardian: no anonymous user object, permissions only for real staff.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("CACHE_URL")}
        if env_str("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "wmr"}
    )
}

# Celery: without a broker URL, tasks run eagerly in-process (embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or "cache+memory://")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# issue 9: a task whose worker dies is given back to the queue (with acks_late), not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
# issue 10: three queues, each with its own workers (docker-compose.yml, Procfile; README "Scaling out"): a quarterly
# report or the nightly refresh must not hold up a PDF a clinician waits for, nor the outbox flush. Every task is
# routed here by name (also what the outbox and beat publish with `send_task`); tests/ops/test_queues.py fails for a
# task without a route. A worker started without `-Q` consumes all three (CELERY_TASK_QUEUES).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("default", "reports", "pdf")]
CELERY_TASK_ROUTES = {
    # reports: long, batch work over a whole facility (quarterly report with its PDF and CSV, nightly refresh)
    "screening.tasks.build_quota_report": {"queue": "reports"},
    "screening.tasks.build_last_quarter_reports": {"queue": "reports"},
    "compliance.tasks.refresh_all": {"queue": "reports"},
    "compliance.tasks.rebuild_dashboard": {"queue": "reports"},  # issue 10: a facility's dashboard after writes
    "integrity.tasks.verify_chains": {"queue": "reports"},  # issue 11: nightly walk of both hash chains
    # pdf: tasks that render a single document with WeasyPrint (none yet: documents render in the request)
    # default: short work, in the order it was queued
    "compliance.tasks.refresh_stay": {"queue": "default"},
    "reintegration.tasks.check_open_interruptions": {"queue": "default"},
    "privacy.tasks.erase_expired": {"queue": "default"},
    "reminders.tasks.send_reminders": {"queue": "default"},  # issue 11
    "reminders.tasks.mail_reminders": {"queue": "default"},
    "wmr.tasks.flush_outbox": {"queue": "default"},
    "wmr.tasks.ping": {"queue": "default"},
    "integrity.tasks.seal": {"queue": "default"},  # issue 11: links new audit rows and documents, every minute
}
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Q-6 (rec. 2.8): last quarter's screening-quota report, first day of each quarter at 06:00 Europe/Berlin
    "screening-quota-reports": {
        "task": "screening.tasks.build_last_quarter_reports",
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # E-3 (H11): a graded return interrupted for 8 days without a recorded end fails; daily at 06:15 Europe/Berlin
    "reintegration-open-interruptions": {
        "task": "reintegration.tasks.check_open_interruptions",
        "schedule": crontab(minute=15, hour=6),
    },
    # issue 8: every facility's per-stay indicator results of the last five quarters, nightly at 03:30 Europe/Berlin
    "compliance-refresh-all": {
        "task": "compliance.tasks.refresh_all",
        "schedule": crontab(minute=30, hour=3),
    },
    # issue 9: tasks that could not reach the broker (Redis down) wait in the outbox; sent again every minute
    "outbox-flush": {
        "task": "wmr.tasks.flush_outbox",
        "schedule": crontab(),
    },
    # issue 11: reminders of what is due today or overdue on the stays, each morning at 06:20 Europe/Berlin
    "reminders-morning": {
        "task": "reminders.tasks.send_reminders",
        "schedule": crontab(minute=20, hour=6),
    },
    # issue 9: records whose retention period (10 years after the end of treatment) has ended, nightly at 02:30
    "privacy-erasure": {
        "task": "privacy.tasks.erase_expired",
        "schedule": crontab(minute=30, hour=2),
    },
    # issue 11: link new audit rows and stored documents into their hash chains, every minute
    "integrity-seal": {
        "task": "integrity.tasks.seal",
        "schedule": crontab(),
    },
    # issue 11: verify both hash chains nightly at 04:00 Europe/Berlin (a broken chain notifies privacy and admins)
    "integrity-verify": {
        "task": "integrity.tasks.verify_chains",
        "schedule": crontab(minute=0, hour=4),
    },
}

# E-mail (the quarterly report's notice): Django's backends; the embedded default prints mails to the console.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSONParser lets a RecursionError through (a body of thousands of "[" answered 500; tests/fuzz)
    "DEFAULT_PARSER_CLASSES": [
        "wmr.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WMR case management API",
    "DESCRIPTION": "Patients and stays of work-related medical rehabilitation. Same permissions as the web UI.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # one name per choice set shared by several endpoints (the schema must build without warnings)
    "ENUM_NAME_OVERRIDES": {
        "DeadlineStateEnum": ["met", "late", "open", "overdue"],
        "LoggableSessionStatusEnum": ["held", "planned"],
        "SickLeaveKindEnum": "reintegration.models.AbsenceKind",
        "SickLeaveTriggerKindEnum": "reintegration.models.TriggerKind",
        "GoalAgreementStatusEnum": "goals.models.AgreementStatus",  # the RTW plan's status has the same three values
        "RtwStakeholderKindEnum": "reintegration.models.StakeholderKind",
        "SessionKindEnum": "therapy.models.SessionKind",  # "kind" is used by several apps' serializers now
        "WorkAbilityEnum": "reintegration.models.WorkAbility",  # the letter's two abilities (one choice set)
    },
}

# The patient's one-time link (invitation letter): lifetime and the public base URL printed on the letter.
PATIENT_LINK_TTL_DAYS = env_int("PATIENT_LINK_TTL_DAYS", 30)
PATIENT_LINK_RATE = env_str("PATIENT_LINK_RATE", "20/m")
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
RATELIMIT_VIEW = "patients.views.links.link_rate_limited"
# Behind a reverse proxy, the client's address is the right-most X-Forwarded-For entry (set this only when a proxy
# you run appends it). The audit log and the rate limit use the same function.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
RATELIMIT_IP_META_KEY = "wmr.audit.client_address"
# When the cache (Redis) is down, patients still reach their link: the 58-bit tokens make guessing hopeless even
# without the limit, and the web app must never fail a request because Redis is down (ARCHITECTURE.md).
RATELIMIT_FAIL_OPEN = True

# Return to work, rec 8.4 / hamburg_model.md K-1: "at least 3 months" of sick leave in the 12 months before rehab,
# counted as calendar days, makes examining a graded return due.
GRTW_EXAMINE_MIN_DAYS = env_int("GRTW_EXAMINE_MIN_DAYS", 90)
if not 1 <= GRTW_EXAMINE_MIN_DAYS <= 366:
    raise ImproperSetting(f"GRTW_EXAMINE_MIN_DAYS must be 1 … 366 days, got {GRTW_EXAMINE_MIN_DAYS}")

# Security headers and cookies (production hardens them; `manage.py check --deploy` must be clean).
# tests/wmr/test_security_headers.py checks them on every kind of page; tests/ops/test_security_settings.py the
# production values.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features the app never uses are switched off for every page (wmr.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SESSION_COOKIE_HTTPONLY = True
# Django's default: HttpOnly on the CSRF cookie adds no practical protection (Django's CSRF documentation).
CSRF_COOKIE_HTTPONLY = False
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    if SECURE_HSTS_SECONDS < 31536000:
        raise ImproperSetting(f"SECURE_HSTS_SECONDS must be at least one year (31536000), got {SECURE_HSTS_SECONDS}")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp): no inline script and no inline style anywhere, no eval; htmx, Bootstrap and
# the Swagger UI (drf-spectacular-sidecar) are vendored and served from 'self'. What made that possible:
# - style attributes moved to classes in static/css/wmr.css; progress bars are SVG rects (width is an SVG attribute,
#   which CSP does not restrict); charts use SVG presentation attributes (fill, stroke), never a style attribute;
# - htmx's own indicator <style> is switched off (<meta name="htmx-config">) and its rules live in wmr.css;
# - the API docs use drf-spectacular's split view (its start script is a separate response), see wmr/api_urls.py.
# data: images: Bootstrap's form controls and the Swagger UI draw their icons as data: SVGs.
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
        **({"upgrade-insecure-requests": True} if PRODUCTION else {}),
    }
}

# Two-factor authentication (django-otp): the roles that must use it unless a facility says otherwise.
TWO_FACTOR_DEFAULT_ROLES = ["admin", "privacy_officer", "management"]
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "WMR Fallmanagement")

# Patient data rights (issue 9): records are kept 10 years after the end of treatment (§630f Abs. 3 BGB),
# then the nightly erasure job anonymises them.
RETENTION_YEARS = env_int("RETENTION_YEARS", 10)
if RETENTION_YEARS < 10:
    raise ImproperSetting(f"RETENTION_YEARS must be at least 10 (§630f BGB), got {RETENTION_YEARS}")

SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # patient-link tokens (/p/<token>/) never reach a log line (issue 4)
    "filters": {"redact_link_tokens": {"()": "patients.log_redaction.RedactLinkTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_link_tokens"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
    # WeasyPrint logs every rendering step at INFO
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
