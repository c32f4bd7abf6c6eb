from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from . import emails


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Staff land in the admin; clients on their program (or where they were going)."""
        if request.user.is_staff:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, context_data):
        """Written here, sent by a worker through the outbox: never inside the request."""
        request = context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context_data,
            },
        )
        emails.queue(template_prefix, message)
