from django.urls import path

from lessons import views as lesson_views

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.sales, name="sales"),
    path("program/", views.dashboard, name="dashboard"),
    path("program/week/<int:number>/", views.week_detail, name="week"),
    path("program/week/<int:number>/exercises.pdf", lesson_views.week_pdf, name="week_pdf"),
    path("program/preview/", views.preview, name="preview"),
]
