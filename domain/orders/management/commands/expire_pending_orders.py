from django.core.management.base import BaseCommand, CommandError

from domain.errors import DomainError
from domain.orders.fulfilment import order_expire_unpaid


class Command(BaseCommand):
    help = "Cancel REFERENCE orders still unpaid after --hours hours (default 48) and return their stock."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=48, help="hours a reference stays payable (default 48)"
        )

    def handle(self, *args, hours: int, **options):
        try:
            result = order_expire_unpaid(hours=hours)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Cancelled {len(result.expired)} unpaid reference order(s) older than {hours} hour(s)."
        )
        if result.failed:
            raise CommandError(
                f"Could not cancel {len(result.failed)}: {', '.join(result.failed)} (see the log)."
            )
