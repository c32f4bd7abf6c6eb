from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.sales, name="sales"),
    path("program/", views.dashboard, name="dashboard"),
    path("program/week/<int:number>/", views.week_detail, name="week"),
    path("program/week/<int:number>/exercises.pdf", views.week_pdf, name="week_pdf"),
    path("program/class/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("program/class/<slug:slug>/done/", views.toggle_done, name="lesson_done"),
    path("program/class/<slug:slug>/ask/", views.ask_question, name="ask"),
    path("program/class/<slug:slug>/exercises.pdf", views.lesson_pdf, name="lesson_pdf"),
    path("program/class/<slug:slug>/reminder.pdf", views.lesson_reminder_pdf, name="reminder_pdf"),
    path("program/preview/", views.preview, name="preview"),
    path("program/pause/", views.schedule, name="schedule"),
    path("program/calendar.ics", views.calendar_download, name="calendar_download"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # Exercise pictures and captions, checked against their class; PDFs have no URL here.
    path("media/<path:path>", views.media_file, name="media"),
]
