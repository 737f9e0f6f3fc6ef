"""Settings for the graduated approach tracker, all read from the environment.

With nothing set it runs on SQLite under ``var/`` with Celery tasks executed eagerly and
e-mail printed to the console. Set ``DATABASE_URL`` (PostgreSQL) and ``CELERY_BROKER_URL``
(Redis) to run with a real database, worker and beat. DEBUG is off unless ``DEBUG=1``;
outside DEBUG a missing ``SECRET_KEY`` stops start-up with a clear error.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a yes/no value such as 1 or 0, not {value!r}.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example: python -c \"import secrets; print(secrets.token_urlsafe(50))\"), "
            "or set DEBUG=1 for local development only."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "apps.accounts",
    "apps.schools",
    "apps.pupils",
    "apps.plans",
    "apps.reviews",
    "apps.money",
    "apps.parents",
    "apps.escalation",
    "apps.caseload",
    "apps.audit",
    "apps.privacy",
    "apps.demo",
]

# The audit trail's entries carry their school in a column (apps/audit/models.py).
AUDITLOG_LOGENTRY_MODEL = "audit.Entry"

MIDDLEWARE = [
    # /healthz answers before anything else: no host check, redirect or session.
    "backend.health.HealthMiddleware",
    # A request id, and one structured log line per request.
    "backend.request_log.RequestLogMiddleware",
    # 413 for a request over MAX_REQUEST_BYTES, before anything reads it.
    "backend.errors.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store, private on everything but static files (answered above).
    "backend.no_store.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which authenticator app, if any, this session proved; then nothing else for a session
    # that still owes its second step (accounts/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.accounts.middleware.SecondFactorMiddleware",
    # The actor and client address of every audit entry made during the request.
    "apps.audit.middleware.AuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.schools.context_processors.current_school",
            ],
            "libraries": {"status_tags": "backend.status_tags", "words": "backend.words"},
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
VAR_DIR.mkdir(parents=True, exist_ok=True)
# On PostgreSQL two roles (docs/operating.md, "Database roles"): the owner of the tables,
# which migrates and runs the commands that span schools, and the application's role,
# granted reads and writes only, to which row-level security applies. The application's
# processes connect as DATABASE_APP_ROLE; a process connected as the owner (migrate, the
# demo loader, tests) takes that role for the length of each school's work.
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "")
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not DATABASE_APP_ROLE:
    raise ImproperlyConfigured(
        "On PostgreSQL, DATABASE_APP_ROLE names the role the application connects as, "
        "the one row-level security applies to (docs/operating.md, \"Database roles\").")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses an address from which many accounts failed (password spraying).
    "apps.accounts.spraying.RefuseSprayingAddresses",
    # django-axes: throttles and locks out repeated failed sign-ins.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form and the token endpoint both call the e-mail address "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Two-step verification (django-otp, TOTP): the name shown in authenticator apps.
OTP_TOTP_ISSUER = os.environ.get("SERVICE_NAME", "SEN support")
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# Security. Outside DEBUG the defaults are production's: HTTPS only, HSTS, secure cookies
# (`manage.py check --deploy` is clean). ALLOW_HTTP=1 relaxes the HTTPS ones for a server
# behind no TLS, such as a local test of production settings.
HTTPS = not DEBUG and not envbool("ALLOW_HTTP")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool(
    "BEHIND_TLS_PROXY") else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sessions end after 30 minutes without a request (records about children are sensitive),
# and when the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Content Security Policy (Django's own): no inline script or style, nothing from elsewhere.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
# Uploads: requests above 12 MB are refused with 413 before they are read
# (backend/errors.py; files: 10 MB, checked with their type in apps/plans/services.py).
MAX_REQUEST_BYTES = 12 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mail (Django 6.1 MAILERS): SMTP when EMAIL_HOST is set; printed to the console with
# DEBUG or ALLOW_CONSOLE_EMAIL=1.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": envint("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", True),
                "timeout": envint("EMAIL_TIMEOUT", 30),
            },
        }
    }
else:
    # Printed e-mail is lost e-mail (invitations, notices to parents): outside DEBUG it is
    # refused unless asked for, as a test of production settings does.
    if not DEBUG and not envbool("ALLOW_CONSOLE_EMAIL"):
        raise ImproperlyConfigured(
            "EMAIL_HOST is not set, so e-mail would only be printed to the console. Set "
            "EMAIL_HOST and its companions (docs/operating.md), or ALLOW_CONSOLE_EMAIL=1 "
            "for a test of production settings.")
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SEN support <sen@localhost>")
# Where people reach the service, for links in e-mails (invitations): scheme and host.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
# Results are kept only where something reads them: the pupil import's progress
# (apps/pupils/tasks.py says ignore_result=False).
CELERY_TASK_IGNORE_RESULT = True
# A broker out of reach is found out in seconds, not retried for a minute: a write that
# committed has its follow-up work recorded in the database, and the sweep sends it
# later (apps/parents/owed.py); the request answers at once.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0,
                                    "interval_step": 0.5, "interval_max": 0.5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
# A task whose worker died without acknowledging it goes back to the queue after the
# visibility timeout: a few times the longest task (a 2,000-row import, a batch of PDFs).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 15 * 60),
    "socket_connect_timeout": 2, "socket_timeout": 5,
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = envint("CELERY_WORKER_MAX_TASKS_PER_CHILD", 200)
CELERY_TIMEZONE = TIME_ZONE
# Workers log through LOGGING below (JSON lines), like the web processes.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The beat schedule lives here, in code, not in the database.
CELERY_BEAT_SCHEDULE: dict = {
    # Reviews due within a week, overdue reviews and meetings at risk, to each SENCO and
    # responsible teacher; fans out one task per school.
    "daily-reminders": {
        "task": "apps.caseload.tasks.daily_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Work owed after a broker outage or a lost task (apps/schools/tasks.py, send_owed):
    # shared plans' PDFs and meeting invitations (apps/parents/owed.py), staff and parent
    # invitations, and the notices of SEN support.
    "send-owed-work": {
        "task": "apps.parents.tasks.send_owed_work",
        "schedule": crontab(minute="*/5"),
    },
    "send-owed-invitations": {
        "task": "apps.accounts.tasks.send_owed_invitations",
        "schedule": crontab(minute="*/5"),
    },
    "send-owed-notices": {
        "task": "apps.pupils.tasks.send_owed_notices",
        "schedule": crontab(minute="*/5"),
    },
    # Print runs for parents' evenings (apps/caseload/print_layout.py): those the broker
    # or a lost worker left owed, and each night those past their week, with their PDFs.
    "send-owed-prints": {
        "task": "apps.caseload.tasks.send_owed_prints",
        "schedule": crontab(minute="*/5"),
    },
    # A record sent by another school of the trust: its SENCOs' e-mail, where owed
    # (apps/privacy/transfer_worker.py).
    "send-owed-transfer-emails": {
        "task": "apps.privacy.tasks.send_owed_transfer_emails",
        "schedule": crontab(minute="*/5"),
    },
    # Records sent by another school of the trust that never became a pupil's, a year on.
    "forget-unclaimed-transfers": {
        "task": "apps.privacy.tasks.forget_unclaimed_transfers",
        "schedule": crontab(hour=2, minute=40),
    },
    "forget-old-prints": {
        "task": "apps.caseload.tasks.forget_old_prints",
        "schedule": crontab(hour=2, minute=30),
    },
}
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the interactive documentation is Swagger UI at /api/v1/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "apps.schools.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "backend.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
DRF_STANDARDIZED_ERRORS = {
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    # 413 and 503 rather than 500 for a request too large and the database out of reach.
    "EXCEPTION_HANDLER_CLASS": "backend.errors.ApiExceptionHandler",
    # Documented besides the package's own (backend/openapi.py says when each applies).
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "409", "412",
                                   "413", "415", "429", "500", "503"],
    "ERROR_SCHEMAS": {status: f"backend.openapi.ErrorResponse{status}Serializer"
                      for status in ("409", "412", "413", "503")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Graduated approach tracker API",
    "DESCRIPTION": (
        "SEN support in English schools: the SEN register and the Assess-Plan-Do-Review "
        "cycle. Every school's data lives under /api/v1/schools/{school}/; another school's "
        "object answers 404. Errors share one JSON shape: {type, errors: [{code, detail, attr}]}."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation are for people signed in (the docs page sends
    # anyone else to sign in: backend/urls.py).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SenStatusEnum": "apps.pupils.rules.SenStatus",
        "NeedTypeEnum": "apps.pupils.rules.NeedType",
        "StageEnum": "apps.plans.rules.Stage",
        "SessionStatusEnum": "apps.plans.rules.SessionStatus",
        "SpendStateEnum": "apps.money.rules.SpendState",
        "MeetingStateEnum": "apps.parents.rules.MeetingState",
        "MeetingKindEnum": "apps.parents.rules.MeetingKind",
        "DeadlineEnum": "apps.escalation.rules.Deadline",
        "RoleEnum": "apps.schools.roles.Role",
        "StaffRoleEnum": "apps.schools.roles.STAFF_ROLE_CHOICES",
        **{
            name: f"drf_standardized_errors.openapi_serializers.{name}.choices"
            for name in (
                "ValidationErrorEnum", "ClientErrorEnum", "ServerErrorEnum",
                "ErrorCode401Enum", "ErrorCode403Enum", "ErrorCode404Enum",
                "ErrorCode405Enum", "ErrorCode406Enum", "ErrorCode415Enum",
                "ErrorCode429Enum", "ErrorCode500Enum",
            )
        },
        **{f"ErrorCode{status}Enum": f"backend.openapi.ErrorCode{status}Enum.choices"
           for status in (409, 412, 413, 503)},
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        # Error components as the errors are sent (nested attrs, service rule codes).
        "backend.openapi.errors_as_sent",
    ],
}

# Logs go to standard output, one JSON object a line (LOG_FORMAT=json, the default outside
# DEBUG), for the process supervisor or log shipper to collect; each line carries the
# request id (backend/request_log.py). LOG_FORMAT=text is for reading by eye.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "backend.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # One line per task run is noise in eager mode; workers log their own task events.
    "loggers": {
        "celery.app.trace": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Each request is logged once, by graduated.request, with its status.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
