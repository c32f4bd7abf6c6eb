from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.urls import reverse

from . import emails


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": "That code is not right. Check it against the newest email from us, "
        "or send yourself a new code.",
        "too_many_login_attempts": "Too many tries for now. Wait a few minutes and try again, "
        "or sign in with a new code we email you.",
    }

    def get_login_redirect_url(self, request):
        """Staff land in the admin; clients on their program (or where they were going)."""
        if request.user.is_staff:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, context_data):
        """Written here, sent by a worker through the outbox: never inside the request. The
        site is named from SITE_URL, not from the sites framework's placeholder (example.com)."""
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": context.request,
                "email": email,
                "current_site": site,
                "site_url": settings.SITE_URL,
                **context_data,
            },
        )
        emails.queue(template_prefix, message)
