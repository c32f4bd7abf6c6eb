from celery import shared_task

from . import services


@shared_task
def sweep_outbox():
    """Beat runs it every minute: retries whose wait is over, and tasks the queue lost."""
    services.sweep()
