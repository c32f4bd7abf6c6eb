"""allauth's account emails (sign-up code, sign-in code, password reset) go through the outbox.

They are written in the request, where allauth has the code or link, and sent by a worker, so a
mail server that is slow or down never holds or breaks a sign-up: the email goes out when the
server is back, unless the code in it has expired by then.
"""

import datetime as dt

from allauth.account import app_settings as allauth_settings
from django.conf import settings

from outbox import kinds
from outbox import services as outbox

LOGIN_CODE = "account-login-code"
CONFIRMATION = "account-confirmation"
RESET_LINK = "account-password-reset"
OTHER = "account"

# allauth's template prefix → the outbox kind; the first match counts.
KIND_BY_TEMPLATE = [
    ("account/email/login_code", LOGIN_CODE),
    ("account/email/email_confirmation", CONFIRMATION),
    ("account/email/password_reset_key", RESET_LINK),
    ("", OTHER),
]


def queue(template_prefix: str, message) -> None:
    kind = next(kind for prefix, kind in KIND_BY_TEMPLATE if template_prefix.startswith(prefix))
    outbox.queue_message(kind, message)


def register_kinds() -> None:
    # Each is worth sending only while the code or link in it still works.
    seconds = dt.timedelta(seconds=1)
    for name, label, useful_life in [
        (LOGIN_CODE, "Sign-in code", allauth_settings.LOGIN_BY_CODE_TIMEOUT * seconds),
        (CONFIRMATION, "Email address confirmation", _confirmation_life()),
        (RESET_LINK, "Password reset", settings.PASSWORD_RESET_TIMEOUT * seconds),
        (OTHER, "Account notice", dt.timedelta(days=3)),
    ]:
        kinds.register(name, label=label, useful_life=useful_life)


def _confirmation_life() -> dt.timedelta:
    if allauth_settings.EMAIL_VERIFICATION_BY_CODE_ENABLED:
        return dt.timedelta(seconds=allauth_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT)
    return dt.timedelta(days=allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS)
