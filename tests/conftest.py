import importlib

import pytest
from django.apps import apps
from django.core.cache import cache

from healhips.celery import app as celery_app
from outbox.models import Email
from programs.models import Enrollment, Notice
from programs.roles import create_instructor

from .factories import PASSWORD, EmailFactory, UserFactory, build_program, enroll_days_ago

pytest_plugins = ["tests.workers", "tests.smtp", "tests.buckets"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Rate limits and other cache entries stay in this process: parallel runs share one Redis.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # Tasks run in-process unless a test starts a real worker (tests/workers.py).
    celery_app.conf.task_always_eager = True


@pytest.fixture
def journal_data(request):
    """The journal's measures and wording, as its data migration writes them: a transactional
    test (a live server, a real worker) empties every table when it ends, data rows included."""
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    request.getfixturevalue("transactional_db" if transactional else "db")
    importlib.import_module("journal.migrations.0002_measures_and_wording").add(apps, None)


@pytest.fixture
def program(db):
    return build_program()


@pytest.fixture
def alice(program):
    """Enrolled ten days ago: weeks 1 and 2 are open, week 3 is locked."""
    user = UserFactory(email="alice@example.com", first_name="Alice")
    enroll_days_ago(user, program, 10)
    return user


@pytest.fixture
def bob(program):
    """Enrolled today: only week 1 is open."""
    user = UserFactory(email="bob@example.com", first_name="Bob")
    enroll_days_ago(user, program, 0)
    return user


@pytest.fixture
def carol(program):
    """Was enrolled, then refunded: her access is revoked."""
    user = UserFactory(email="carol@example.com", first_name="Carol")
    enroll_days_ago(user, program, 20, status=Enrollment.Status.REVOKED)
    return user


@pytest.fixture
def dave(db):
    """Has an account but never enrolled."""
    return UserFactory(email="dave@example.com", first_name="Dave")


@pytest.fixture
def instructor(db):
    return create_instructor("maya@example.com", PASSWORD, first_name="Maya")


@pytest.fixture
def told_through():
    """`told_through(enrollment, week)`: the client already got the emails up to `week`."""

    def tell(enrollment, week):
        email = EmailFactory(
            key=f"unlock:{enrollment.pk}:{week}", state=Email.State.SENT, to=enrollment.user.email
        )
        return Notice.objects.create(
            enrollment=enrollment,
            week=week,
            kind=Notice.Kind.WELCOME if week == 1 else Notice.Kind.WEEK,
            email=email,
        )

    return tell
