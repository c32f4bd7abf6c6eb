from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.views import confirm_login_code

from .views import health, healthz

admin.site.site_header = "Heal Your Hips: instructor admin"
admin.site.site_title = "Heal Your Hips admin"
admin.site.index_title = "Your program"
admin.site.index_template = "admin/instructor_index.html"
# Staff sign in through the same rate-limited login as clients.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("programs.urls")),
    path("", include("journal.urls")),
    path("account/", include("accounts.urls")),
    # Before allauth's own: an expired sign-in code says so (accounts.views.confirm_login_code).
    path(
        "accounts/login/code/confirm/",
        confirm_login_code,
        name="account_confirm_login_code",
    ),
    path("accounts/", include("allauth.urls")),
    path("billing/", include("billing.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("health/", health, name="health"),
]
