from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Clients"

    def ready(self):
        from lessons import history as content_history
        from outbox import kinds

        from . import history, notices

        content_history.register(history.content_history)
        kinds.register(
            notices.EMAIL_KIND,
            label="Week opened",
            build=notices.build_unlock_email,
            useful_life=notices.USEFUL_LIFE,
        )
