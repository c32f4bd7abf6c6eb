from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "Practice journal"

    def ready(self):
        from lessons import history as content_history
        from outbox import kinds

        from . import digest, history, reminders

        content_history.register(history.content_history)
        kinds.register(
            digest.EMAIL_KIND,
            label="Weekly digest of flagged clients (to the instructor)",
            build=digest.build_digest_email,
            useful_life=digest.USEFUL_LIFE,
        )
        kinds.register(
            reminders.EMAIL_KIND,
            label="Practice reminder",
            build=reminders.build_reminder_email,
            useful_life=reminders.USEFUL_LIFE,
        )
