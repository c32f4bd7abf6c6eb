from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("enrol/", views.enrol, name="enrol"),
    path("checkout/success/", views.success, name="success"),
    path("checkout/cancelled/", views.cancelled, name="cancelled"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("report/", views.report, name="report"),
    path("account/", views.account, name="account"),
    path("terms/", views.terms, name="terms"),
]
