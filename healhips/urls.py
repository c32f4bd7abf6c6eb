from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from .views import healthz

admin.site.site_header = "Heal Your Hips: instructor admin"
admin.site.site_title = "Heal Your Hips admin"
admin.site.index_title = "Your program"
# Staff sign in through the same rate-limited login as clients.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("programs.urls")),
    path("program/class/", include("lessons.urls")),
    path("account/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("billing/", include("billing.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    # Exercise images and captions. PDFs live in private storage and have no URL here.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
