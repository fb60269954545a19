from django.core.management.base import BaseCommand, CommandError

from domain.cart.services import cart_delete_idle
from domain.errors import DomainError


class Command(BaseCommand):
    help = "Delete anonymous carts that nobody touched for --days days (default 30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="idle days before a cart goes (default 30)")

    def handle(self, *args, days: int, **options):
        try:
            deleted = cart_delete_idle(days=days)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Deleted {deleted} anonymous cart(s) idle for more than {days} day(s).")
