from celery import shared_task

from . import plans


@shared_task
def warn_plans_grace_ending():
    """Hourly: tells each client whose plan's grace period ends within a day, once."""
    plans.warn_grace_ending()
