from django.urls import path

from . import views

app_name = "lessons"

urlpatterns = [
    path("<slug:slug>/", views.lesson_detail, name="detail"),
    path("<slug:slug>/done/", views.toggle_done, name="done"),
    path("<slug:slug>/exercises.pdf", views.lesson_pdf, name="pdf"),
]
