from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Clients"

    def ready(self):
        from lessons import history as content_history
        from outbox import kinds

        from . import history, notices, questions, roles

        content_history.register(history.content_history)
        post_migrate.connect(roles.refresh_instructors_group, dispatch_uid="instructors-group")
        kinds.register(
            notices.EMAIL_KIND,
            label="Week opened",
            build=notices.build_unlock_email,
            useful_life=notices.USEFUL_LIFE,
            prefetch=["notice__enrollment__user", "notice__enrollment__program"],
        )
        kinds.register(
            questions.EMAIL_KIND,
            label="Question from a client (to the instructor)",
            build=questions.build_question_email,
            useful_life=questions.USEFUL_LIFE,
        )
