from django.urls import path

from . import views

app_name = "journal"

urlpatterns = [
    path("program/progress/", views.my_progress, name="progress"),
    path("program/progress/check/<int:week>/", views.progress_check, name="check"),
    path("program/class/<slug:slug>/practice/", views.log_practice, name="log_practice"),
    path("account/journal/export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("account/journal/export.json", views.export, {"fmt": "json"}, name="export_json"),
    path("account/journal/delete/", views.delete_journal, name="delete"),
    path("instructor/clients/", views.clients_page, name="clients"),
    path("instructor/clients/<int:enrollment_id>/", views.client_progress, name="client"),
]
