"""The demo's delivery: every store delivers in Luanda the same day or the next, and to the rest of
the country in 3 to 7 working days; the last store offers pickup only. Made through the services,
once (a store that has zones or a pickup is left as it is)."""

from __future__ import annotations

from decimal import Decimal

from domain.delivery import services
from domain.delivery.models import DeliveryZone, Province, StorePickup

D = Decimal


def delivery(stores) -> None:
    provinces = list(Province.objects.order_by("position"))
    luanda = next(province for province in provinces if province.code == "luanda")
    for index, store in enumerate(stores):
        if (
            DeliveryZone.objects.filter(store=store).exists()
            or StorePickup.objects.filter(store=store).exists()
        ):
            continue
        seller = store.seller
        if index == len(stores) - 1:
            services.store_pickup_set(
                seller=seller,
                is_enabled=True,
                province_id=luanda.pk,
                municipality="Luanda",
                address="Rua Major Kanhangulo 45, Baixa",
                opening_hours="Segunda a sexta, 8h às 17h; sábado, 8h às 13h",
                ready_days=1,
            )
            continue
        city = services.delivery_zone_create(seller=seller, name="Luanda", province_ids=[luanda.pk])
        for name, fee, days, free_from in (
            ("Entrega no mesmo dia", D("2500.00"), 0, None),
            ("Entrega no dia seguinte", D("1500.00"), 1, D("50000.00")),
        ):
            services.delivery_method_create(
                seller=seller,
                zone_id=city.pk,
                values=services.MethodValues(
                    name=name, fee=fee, min_days=days, max_days=days, free_from=free_from
                ),
            )
        country = services.delivery_zone_create(
            seller=seller,
            name="Resto do país",
            province_ids=[province.pk for province in provinces if province.pk != luanda.pk],
        )
        services.delivery_method_create(
            seller=seller,
            zone_id=country.pk,
            values=services.MethodValues(
                name="Transportadora", fee=D("4500.00"), min_days=3, max_days=7, free_from=D("150000.00")
            ),
        )
