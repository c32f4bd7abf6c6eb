from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Classes and exercises"

    def ready(self):
        from . import signals  # noqa: F401 - connects the PDF receivers
