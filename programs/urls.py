from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.sales, name="sales"),
    path("program/", views.dashboard, name="dashboard"),
    path("program/week/<int:number>/", views.week_detail, name="week"),
    path("program/preview/", views.preview, name="preview"),
]
