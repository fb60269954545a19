from django.core.management.base import BaseCommand

from domain.economics.release import funds_release_due


class Command(BaseCommand):
    help = (
        "Release to their stores the paid orders delivered more than PAYOUT_HOLD_DAYS ago "
        "(run it from cron, e.g. hourly)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=1000, help="orders to release in one run (default 1000)"
        )

    def handle(self, *args, limit: int, **options):
        result = funds_release_due(limit=max(limit, 1))
        self.stdout.write(f"Released {len(result.released)} order(s).")
        for order_number in result.failed:
            self.stderr.write(f"Could not release {order_number}; it is tried again on the next run.")
