from django.core.management.base import BaseCommand

from domain.orders.refunds import refund_retry_pending


class Command(BaseCommand):
    help = "Send again the refunds the payment gateway refused or never answered (run it from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="refunds to try in one run (default 500)")

    def handle(self, *args, limit: int, **options):
        sent, pending = refund_retry_pending(limit=max(limit, 1))
        self.stdout.write(f"Refunded {sent}; {pending} still pending.")
