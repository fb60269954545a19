"""Working days in Angola: Monday to Friday, less the public holidays kept as data (Holiday)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from .models import Holiday

# The longest a method may promise (DeliveryMethod.max_days): how far ahead holidays are read.
MAX_DAYS = 60


class WorkingCalendar:
    """The working days from `start` on, with the holidays of the weeks ahead read in one query."""

    def __init__(self, start: date, *, holidays: Iterable[date] | None = None):
        self.start = start
        if holidays is None:
            # Every MAX_DAYS working days fit in 2 × MAX_DAYS + a month of calendar days.
            holidays = Holiday.objects.filter(
                date__gte=start, date__lte=start + timedelta(days=2 * MAX_DAYS + 31)
            ).values_list("date", flat=True)
        self.holidays = frozenset(holidays)

    def is_working(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def after(self, days: int) -> date:
        """The working day `days` working days after the start (0: the start itself when it is one,
        else the next working day)."""
        day = self.start
        while not self.is_working(day):
            day += timedelta(days=1)
        for _ in range(days):
            day += timedelta(days=1)
            while not self.is_working(day):
                day += timedelta(days=1)
        return day
