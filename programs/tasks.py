"""Unlock emails in the background.

Timing comes from the sweep, which beat runs every 15 minutes, never from delayed tasks. The
emails it records are sent by the outbox, exactly once.
"""

from celery import shared_task

from . import notices


@shared_task
def sweep_unlock_emails():
    notices.sweep()
