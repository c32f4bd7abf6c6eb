from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.account_settings, name="settings"),
    path("emails/", views.email_preferences, name="email_preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "unsubscribe/reminders/<str:token>/",
        views.unsubscribe,
        {"what": "reminders"},
        name="unsubscribe_reminders",
    ),
]
