from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from .views import healthz

admin.site.site_header = "Heal Your Hips: instructor admin"
admin.site.site_title = "Heal Your Hips admin"
admin.site.index_title = "Your program"
admin.site.index_template = "admin/instructor_index.html"
# Staff sign in through the same rate-limited login as clients.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("programs.urls")),
    path("account/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("billing/", include("billing.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
]
