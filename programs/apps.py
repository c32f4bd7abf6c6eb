from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Clients"

    def ready(self):
        from outbox import kinds

        from . import notices

        kinds.register(
            notices.EMAIL_KIND,
            label="Week opened",
            build=notices.build_unlock_email,
            useful_life=notices.USEFUL_LIFE,
        )
