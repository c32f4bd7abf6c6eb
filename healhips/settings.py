"""Heal Your Hips settings: one module, read from the environment.

With no environment at all this is a laptop setup (SQLite under var/, DEBUG on, mail to the
console and var/mail/, Celery tasks run in-process). Production is `DEBUG=false`, which refuses
to start without the secrets it needs. The README lists every variable.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)


def _required_in_production(name, dev_default):
    """Production must name its secrets; development gets a harmless default."""
    value = env(name, default=None)
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ValueError(f"You must set the {name} environment variable when DEBUG is false.")


# GENERAL
SECRET_KEY = _required_in_production("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[]) or (
    ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
if not ALLOWED_HOSTS:
    raise ValueError("You must set the ALLOWED_HOSTS environment variable when DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Heal Your Hips"

TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
LANGUAGE_CODE = "en-us"
USE_I18N = False
USE_TZ = True

# APPS
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "adminsortable2",
    "outbox",
    "accounts",
    "lessons",
    "programs",
    "billing",
    "journal",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages compressed (a phone on a slow network feels it). Pages with a CSRF token or a
    # client's notes stay safe from BREACH: Django pads every gzip stream with random bytes
    # ("Heal The Breach"), and a page repeats no request input beside the token (a kept page,
    # programs.pages, repeats its masked token). Files are left as they are, for sendfile.
    "healhips.middleware.GZipTextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "healhips.middleware.UserTimeZoneMiddleware",
    "healhips.middleware.ContentSecurityPolicyMiddleware",
    "healhips.middleware.StorageOutageMiddleware",
]

ROOT_URLCONF = "healhips.urls"
WSGI_APPLICATION = "healhips.wsgi.application"

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
                "healhips.context_processors.site",
            ],
            "libraries": {
                "instructor": "healhips.instructor",
                "journal": "journal.prompts",
                "when": "lib.when",
            },
        },
    },
]

# DATABASES
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run's worker and dev server share the SQLite file: take the write lock up front and
    # wait for it, rather than fail with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0)
# A kept connection is checked before a request uses it: after a database restart the first
# requests get a new connection instead of an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# AUTHENTICATION
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "programs:dashboard"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Heal Your Hips] "

# CACHES (allauth's rate limits live here: shared between processes when Redis is configured)
# Production needs Redis: without it beat's sweep has no broker and no unlock email goes out.
REDIS_URL = _required_in_production("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis outage costs cache misses, not errors (lib/cache.py).
            "BACKEND": "lib.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "healhips",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read from the cache (Redis in production) and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# STATIC AND MEDIA
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (exercise pictures, captions) are served at MEDIA_URL by a view that checks access.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Files only views may hand out (rendered PDFs): never under MEDIA_ROOT, so no URL reaches them.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
# How long a signed link to a file in a bucket works: long enough to start the download.
SIGNED_URL_SECONDS = env.int("SIGNED_URL_SECONDS", default=60)


def bucket_storages(bucket, *, private_bucket=None, endpoint_url=None, **options):
    """Uploads under media/ in `bucket` and PDFs under private/ in `private_bucket` (the same
    bucket unless named): both private, handed out by views through signed links. A bucket
    that does not answer fails within seconds, so a page or a health check never hangs on it."""
    from botocore.config import Config

    client_config = Config(
        signature_version="s3v4",
        # A local or non-AWS endpoint (MinIO, R2, moto) is addressed by path.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
        connect_timeout=2,
        read_timeout=3,
        retries={"total_max_attempts": 2},
    )

    def storage(bucket_name, location, base_url):
        return {
            "BACKEND": "lib.storage.SignedS3Storage",
            "OPTIONS": {
                "bucket_name": bucket_name,
                "location": location,
                "base_url": base_url,
                "endpoint_url": endpoint_url,
                "default_acl": None,
                "file_overwrite": False,
                "querystring_expire": SIGNED_URL_SECONDS,
                "client_config": client_config,
                **options,
            },
        }

    return {
        "default": storage(bucket, "media", MEDIA_URL),
        "private": storage(private_bucket or bucket, "private", None),
    }


# One machine: the local disk. Several web nodes: S3_BUCKET (and S3_ENDPOINT_URL for a provider
# other than AWS), so every node and worker sees the same files.
S3_BUCKET = env.str("S3_BUCKET", default="")
S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="").rstrip("/")
S3_REGION = env.str("S3_REGION", default="")
# Where a browser follows a signed link to a picture or captions file: the page's policy
# (healhips/middleware.py) lets it load from there.
STORAGE_ORIGINS = []
if S3_BUCKET:
    # AWS addresses a bucket by host name, or by path for a name with dots in it.
    STORAGE_ORIGINS = (
        [S3_ENDPOINT_URL]
        if S3_ENDPOINT_URL
        else [
            f"https://{S3_BUCKET}.s3.amazonaws.com",
            f"https://{S3_BUCKET}.s3.{S3_REGION or 'us-east-1'}.amazonaws.com",
            "https://s3.amazonaws.com",
            f"https://s3.{S3_REGION or 'us-east-1'}.amazonaws.com",
        ]
    )
    _file_storages = bucket_storages(
        S3_BUCKET,
        private_bucket=env.str("S3_PRIVATE_BUCKET", default="") or None,
        endpoint_url=S3_ENDPOINT_URL or None,
        region_name=S3_REGION or None,
        access_key=env.str("S3_ACCESS_KEY_ID", default="") or None,
        secret_key=env.str("S3_SECRET_ACCESS_KEY", default="") or None,
    )
else:
    _file_storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
        },
    }
STORAGES = {
    **_file_storages,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# A file over MAX_UPLOAD_BYTES is refused while it streams in (lib/uploads.py).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "lib.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MAX_IMAGE_PIXELS = 40_000_000
EXERCISE_IMAGE_WIDTH = 1200
EXERCISE_THUMB_WIDTH = 240

# EMAIL
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Heal Your Hips <hello@healyourhips.test>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
INSTRUCTOR_EMAIL = env.str("INSTRUCTOR_EMAIL", default="instructor@healyourhips.test")
# Her weekly digest of flagged clients comes on Monday morning by this clock.
INSTRUCTOR_TIME_ZONE = env.str("INSTRUCTOR_TIME_ZONE", default=TIME_ZONE)
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))
else:
    EMAIL_BACKEND = (
        "lib.mail.ConsoleAndFileEmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    )
EMAIL_TIMEOUT = 20

# SECURITY
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind a proxy every request comes from the proxy's address: say how many proxies append to
# X-Forwarded-For (or which header carries the client's address), so sign-in rate limits count
# each visitor, not the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "healhips.views.csrf_failure"

# STRIPE
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_PRICE_ID = env.str("STRIPE_PRICE_ID", default="")
# Stripe Tax on Checkout (set up tax registrations in Stripe first).
STRIPE_AUTOMATIC_TAX = env.bool("STRIPE_AUTOMATIC_TAX", default=False)
# Days a payment plan may be behind before new weeks wait for the payment.
PLAN_GRACE_DAYS = env.int("PLAN_GRACE_DAYS", default=7)
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
if STRIPE_SECRET_KEY and not STRIPE_WEBHOOK_SECRET and not DEBUG:
    # Without it no payment could ever be fulfilled by webhook: refuse to start half set up.
    raise ValueError("You must set STRIPE_WEBHOOK_SECRET when STRIPE_SECRET_KEY is set.")

# CELERY
# Without a broker, tasks run in-process. `make run` sets CELERY_BROKER_URL=filesystem:// and
# starts a worker with embedded beat, so a laptop gets the schedule with no server to install.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# Pings and other broadcasts (/health/ asks for a worker) stay among this queue's workers.
CELERY_CONTROL_EXCHANGE = CELERY_TASK_DEFAULT_QUEUE
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
if CELERY_BROKER_URL == "filesystem://":
    CELERY_QUEUE_FOLDER = Path(env.str("CELERY_QUEUE_FOLDER", default=VAR_DIR / "celery-queue"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_FOLDER),
        "data_folder_out": str(CELERY_QUEUE_FOLDER),
        # Exchange bindings; kombu would otherwise write them to ./control/.
        "control_folder": str(CELERY_QUEUE_FOLDER / "control"),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Run exactly one beat. The sweep is safe to run twice, but one beat keeps it to every 15 minutes,
# on the quarter hours when weeks open in every time zone. A sweep not started within 14 minutes
# is dropped: the next one does its work.
CELERY_BEAT_SCHEDULE = {
    "send-unlock-emails": {
        "task": "programs.tasks.sweep_unlock_emails",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    # Emails whose retry is due, whose send task was lost, or whose worker died mid-send.
    "sweep-outbox": {
        "task": "outbox.tasks.sweep_outbox",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "practice-reminders": {
        "task": "journal.tasks.send_practice_reminders",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    "plan-grace-ending": {
        "task": "billing.tasks.warn_plans_grace_ending",
        "schedule": crontab(minute=20),
        "options": {"expires": 50 * 60},
    },
    "journal-digest": {
        "task": "journal.tasks.send_weekly_digest",
        "schedule": crontab(minute=5),
        "options": {"expires": 50 * 60},
    },
    "clear-kept-photos": {
        "task": "lessons.tasks.clear_kept_photos",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 60 * 60},
    },
}

# VIDEO: Bunny Stream's token authentication key (the library's "Token authentication key").
# Set, every Bunny embed carries a token that expires after BUNNY_STREAM_TOKEN_SECONDS: make it
# longer than an hour (a class page may be kept that long, programs.pages) plus the longest
# class, so a class started from a page kept that long still plays to the end.
BUNNY_STREAM_TOKEN_KEY = env.str("BUNNY_STREAM_TOKEN_KEY", default="")
BUNNY_STREAM_TOKEN_SECONDS = env.int("BUNNY_STREAM_TOKEN_SECONDS", default=3 * 60 * 60)
# The video library a bare Bunny Stream video id (pasted without its link) belongs to.
BUNNY_STREAM_LIBRARY_ID = env.str("BUNNY_STREAM_LIBRARY_ID", default="")

# OUTBOX (every email the site sends; see outbox/services.py)
# A failed send is retried after 1, 2, 4 ... minutes, then every 2 hours, so a mail outage of days
# loses nothing; an email is given up (visibly, in the admin) after this many tries or once its
# kind's useful life is over, whichever comes first.
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=60)
OUTBOX_MAX_RETRY_SECONDS = env.int("OUTBOX_MAX_RETRY_SECONDS", default=2 * 60 * 60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=50)

# PDF
PDF_PAGE_SIZE = env.str("PDF_PAGE_SIZE", default="A4")
if PDF_PAGE_SIZE not in ("A4", "Letter"):
    raise ValueError("PDF_PAGE_SIZE must be A4 or Letter.")
# Seconds a background render may take before it is stopped and logged as an error.
PDF_RENDER_TIME_LIMIT = env.int("PDF_RENDER_TIME_LIMIT", default=60)

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each step of every render at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# ERROR REPORTS go to Sentry when SENTRY_DSN is set. This site holds health notes: a report
# carries the error, the stack and the route, and no request body, headers, cookies, query
# string, user details, SQL or local variables (lib/error_reports.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    from lib.error_reports import without_personal_data, without_sql

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0,
        before_send=without_personal_data,
        before_breadcrumb=without_sql,
    )
