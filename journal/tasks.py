from celery import shared_task

from . import digest, reminders


@shared_task
def send_weekly_digest():
    """Hourly: on Monday from 7:00 in the instructor's zone, queues the week's digest once."""
    digest.queue_weekly_digest()


@shared_task
def send_practice_reminders():
    """Every 5 minutes: queues the reminders whose practice time has come, once each."""
    reminders.sweep()
