"""What delivery costs and when it arrives: per store of a cart, the methods that apply to the
buyer's province with their fee and dates, and the checkout's choice checked against them.

One rule decides an option's fee, `_option_of`: the quote a buyer sees and the fee checkout
charges (recomputed in its transaction from the lines it locked) both come from it, so a cart
that crosses a free-delivery threshold between the two is charged what its lines are then, and a
buyer who chose with another fee in front of them is told (expected_fee), never surprised
(vendure PR #1150 is the bug this avoids).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext

from domain.accounts.models import Store
from domain.cart.models import CartItem
from domain.catalog.variants import variant_on_sale
from domain.errors import DomainError, InvalidInput, NotEligible, NotFound, Required, collect
from domain.money import ZERO, kwanza, money_round

from .calendar import WorkingCalendar
from .models import DeliveryMethod, Province, StorePickup

PICKUP = "pickup"
DELIVERY = "delivery"


@dataclass(frozen=True)
class DeliveryOption:
    """One way a store's part of a cart can reach the buyer, as quoted now."""

    store_id: int
    kind: str  # DELIVERY or PICKUP
    method_id: int | None  # None for pickup
    name: str
    fee: Decimal  # what is charged: 0 from the free-delivery threshold on
    regular_fee: Decimal
    earliest: date
    latest: date
    pickup: StorePickup | None = None

    @property
    def is_pickup(self) -> bool:
        return self.kind == PICKUP

    @property
    def free(self) -> bool:
        return self.fee == ZERO and self.regular_fee > ZERO


@dataclass(frozen=True)
class StoreQuote:
    store_id: int
    store_name: str
    goods_total: Decimal
    options: list[DeliveryOption]


@dataclass(frozen=True)
class DeliveryChoice:
    """The buyer's choice for one store: a method, or pickup; with the fee they saw, if given."""

    store_id: int
    method_id: int | None = None
    pickup: bool = False
    expected_fee: Decimal | None = None


def delivery_quote(
    *, store_totals: Mapping[int, Decimal], province_id: int | None, today: date | None = None
) -> dict[int, StoreQuote]:
    """Per store (by its goods total in the cart): the active methods of its zones that cover the
    province and take that total, cheapest first, then pickup when the store offers it. Without a
    province only pickup. Four queries whatever the number of stores and methods."""
    store_ids = sorted(store_totals)
    calendar = WorkingCalendar(today or timezone.localdate())
    names = dict(Store.objects.filter(pk__in=store_ids).values_list("pk", "name"))
    options: dict[int, list[DeliveryOption]] = defaultdict(list)
    if province_id is not None:
        methods = (
            DeliveryMethod.objects.filter(
                zone__store_id__in=store_ids,
                zone__provinces=province_id,
                is_active=True,
            )
            .select_related("zone")
            .order_by("fee", "min_days", "id")
        )
        for method in methods:
            option = _option_of(method, goods_total=store_totals[method.zone.store_id], calendar=calendar)
            if option is not None:
                options[method.zone.store_id].append(option)
    for pickup in StorePickup.objects.filter(store_id__in=store_ids, is_enabled=True).select_related(
        "province"
    ):
        options[pickup.store_id].append(
            DeliveryOption(
                store_id=pickup.store_id,
                kind=PICKUP,
                method_id=None,
                name=gettext("Pickup at the store"),
                fee=ZERO,
                regular_fee=ZERO,
                earliest=calendar.after(pickup.ready_days),
                latest=calendar.after(pickup.ready_days),
                pickup=pickup,
            )
        )
    for store_options in options.values():
        store_options.sort(
            key=lambda option: (option.fee, option.earliest, option.is_pickup, option.method_id or 0)
        )
    return {
        store_id: StoreQuote(
            store_id=store_id,
            store_name=names.get(store_id, ""),
            goods_total=store_totals[store_id],
            options=options.get(store_id, []),
        )
        for store_id in store_ids
    }


def _option_of(
    method: DeliveryMethod, *, goods_total: Decimal, calendar: WorkingCalendar
) -> DeliveryOption | None:
    """The method as an option for this goods total: None above its maximum amount; free from its
    threshold on."""
    if method.max_amount is not None and goods_total > method.max_amount:
        return None
    free = method.free_from is not None and goods_total >= method.free_from
    return DeliveryOption(
        store_id=method.zone.store_id,
        kind=DELIVERY,
        method_id=method.pk,
        name=method.name,
        fee=ZERO if free else method.fee,
        regular_fee=method.fee,
        earliest=calendar.after(method.min_days),
        latest=calendar.after(method.max_days),
    )


def delivery_choose(
    *,
    store_totals: Mapping[int, Decimal],
    province_id: int | None,
    choices: list[DeliveryChoice],
    today: date | None = None,
) -> dict[int, DeliveryOption]:
    """Checkout's rule: every store of the cart gets exactly one option that applies to these
    goods totals and this province now. A store with no option at all is refused by name (its
    goods cannot go there); a choice that no longer applies, or whose fee is not the one the buyer
    saw (expected_fee), is refused too. Every failure reported at once."""
    quotes = delivery_quote(store_totals=store_totals, province_id=province_id, today=today)
    by_store: dict[int, DeliveryChoice] = {}
    problems: list[DomainError | None] = []
    for choice in choices:
        if choice.store_id not in quotes:
            problems.append(
                InvalidInput(
                    gettext("A delivery choice names a store that is not in your cart."), field="delivery"
                )
            )
        elif choice.store_id in by_store:
            problems.append(
                InvalidInput(
                    gettext("Choose one delivery option for “%(store)s”, not several.")
                    % {"store": quotes[choice.store_id].store_name},
                    field="delivery",
                )
            )
        else:
            by_store[choice.store_id] = choice
    chosen: dict[int, DeliveryOption] = {}
    for store_id, quote in quotes.items():
        option, problem = _chosen_option(quote, by_store.get(store_id))
        problems.append(problem)
        if option is not None:
            chosen[store_id] = option
    collect(*problems)
    return chosen


def _chosen_option(
    quote: StoreQuote, choice: DeliveryChoice | None
) -> tuple[DeliveryOption | None, DomainError | None]:
    store = quote.store_name
    if not quote.options:
        return None, NotEligible(
            gettext(
                "“%(store)s” does not deliver to this province and offers no pickup: remove its products "
                "from your cart or choose another address."
            )
            % {"store": store},
            field="delivery",
        )
    if choice is None:
        return None, Required(
            gettext("Choose how “%(store)s” delivers your order.") % {"store": store}, field="delivery"
        )
    option = next(
        (
            option
            for option in quote.options
            if (option.is_pickup if choice.pickup else option.method_id == choice.method_id)
        ),
        None,
    )
    if option is None:
        return None, NotFound(
            gettext("This delivery option of “%(store)s” is not available for this address and cart.")
            % {"store": store},
            field="delivery",
        )
    if choice.expected_fee is not None and choice.expected_fee != option.fee:
        return None, InvalidInput(
            gettext(
                "The delivery fee of “%(store)s” is now %(fee)s, not %(expected)s: check your order and "
                "confirm again."
            )
            % {"store": store, "fee": kwanza(option.fee), "expected": kwanza(choice.expected_fee)},
            field="delivery",
        )
    return option, None


def province_exists(province_id: int) -> bool:
    return Province.objects.filter(pk=province_id).exists()


def cart_store_totals(*, cart_id: int) -> dict[int, Decimal]:
    """The goods total of each store in a cart: its lines that can be bought now, at their
    variants' prices (what checkout would charge for them). One query."""
    rows = (
        CartItem.objects.filter(variant_on_sale("variant__"), cart_id=cart_id)
        .values_list("product__store_id")
        .annotate(total=Sum(F("variant__price") * F("quantity")))
        .order_by()
    )
    return {store_id: money_round(total) for store_id, total in rows}
