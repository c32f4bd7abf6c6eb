"""Unlock emails in the background.

Timing comes from the sweep, which beat runs every 15 minutes, never from delayed tasks: the only
countdown is a retry backoff, far shorter than Redis's visibility timeout. Both tasks are
idempotent, so acks_late may run them twice.
"""

from celery import shared_task

from . import notices


@shared_task
def sweep_unlock_emails():
    notices.sweep()


@shared_task
def send_notice(notice_id: int):
    # The retry is a new message, counted on the notice row (its attempts) rather than by Celery,
    # so a notice the sweep enqueues again keeps its count; eager mode runs it at once.
    delay = notices.deliver(notice_id)
    if delay is not None:
        send_notice.apply_async((notice_id,), countdown=delay)
