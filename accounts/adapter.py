from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Staff land in the admin; clients on their program (or where they were going)."""
        if request.user.is_staff:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)
