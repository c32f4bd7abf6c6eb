from django.core.management.base import BaseCommand, CommandError

from billing import services, stripe_api


class Command(BaseCommand):
    help = (
        "Fulfil paid Stripe Checkout Sessions of the last three days that no webhook delivered. "
        "Run it daily from cron; it is safe to run at any time and any number of times."
    )

    def handle(self, *args, **options):
        if not stripe_api.is_configured():
            raise CommandError("STRIPE_SECRET_KEY is not set: there is nothing to reconcile.")
        repaired, failed = services.reconcile_checkouts()
        for order in repaired:
            self.stdout.write(f"Fulfilled {order} for {order.user} (its webhook was missed).")
        self.stdout.write(f"Reconciled: {len(repaired)} missed order(s) fulfilled.")
        if failed:
            raise CommandError(
                f"{len(failed)} Checkout Session(s) or plan(s) could not be settled (see the "
                f"log; the others were): {', '.join(failed)}"
            )
