from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Program content"

    def ready(self):
        # Saving a program, week, class or exercise re-renders the PDFs it is printed in.
        from . import pdf_signals  # noqa: F401
