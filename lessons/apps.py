from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Program content"

    def ready(self):
        # Saving a program, week, class or exercise re-renders the PDFs it is printed in.
        # Saving any of them gives the program's content a new version (`catalog`).
        from . import catalog, pdf_signals  # noqa: F401
