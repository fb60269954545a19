from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from domain.orders.attempts import attempts_sweep


class Command(BaseCommand):
    help = (
        "Void, by order number, the charges asked for by checkouts that died around the gateway call "
        "(recorded attempts with no order after --seconds; run it from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seconds",
            type=int,
            default=None,
            help="age after which an attempt with no order is lost (default CHARGE_ATTEMPT_TIMEOUT)",
        )

    def handle(self, *args, seconds: int | None, **options):
        seconds = settings.CHARGE_ATTEMPT_TIMEOUT if seconds is None else max(seconds, 0)
        result = attempts_sweep(older_than=timedelta(seconds=seconds))
        self.stdout.write(
            f"Voided {len(result.voided)} lost charge(s) older than {seconds} s"
            + (f": {', '.join(result.voided)}" if result.voided else "")
            + f"; {len(result.placed)} found placed."
        )
