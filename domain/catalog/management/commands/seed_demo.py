"""Demo data for a fresh development database; running it again changes nothing."""

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from domain.accounts.models import Store, User, UserType
from domain.accounts.services import seller_approve, store_create
from domain.catalog.models import Category
from domain.catalog.services import category_create, product_create

DEMO_PASSWORD = "kitanda-demo-2026"

USERS = [
    # username, e-mail, first name, last name, type
    ("demo-buyer", "comprador@kitanda.ao", "Ana", "Silva", UserType.BUYER),
    ("demo-seller", "vendedor@kitanda.ao", "João", "Neto", UserType.SELLER),
]

CATEGORIES = [
    ("Electrónicos", "Telemóveis, computadores e acessórios."),
    ("Moda", "Roupa, calçado e panos."),
    ("Alimentação", "Produtos da terra e mercearia."),
]

PRODUCTS = [
    ("Telemóvel Kianda X", "Electrónicos", "185000.00", 12, "Ecrã de 6,5 polegadas, dual SIM."),
    ("Auscultadores Semba", "Electrónicos", "24500.00", 30, "Sem fios, bateria de 20 horas."),
    ("Pano do Congo", "Moda", "7500.00", 50, "Tecido africano, 6 jardas."),
    ("Sandálias Mussulo", "Moda", "12000.00", 0, "Couro natural."),
    ("Café do Amboim 500 g", "Alimentação", "3500.00", 100, "Torrado e moído."),
    ("Mel de Malanje", "Alimentação", "4200.00", 40, "Mel puro, 1 kg."),
]


class Command(BaseCommand):
    help = "Create demo users (password kitanda-demo-2026), a store, categories and products."

    @transaction.atomic
    def handle(self, *args, **options):
        if not User.objects.filter(username="demo-admin").exists():
            User.objects.create_superuser(
                "demo-admin", "admin@kitanda.ao", DEMO_PASSWORD, first_name="Admin", last_name="Kitanda"
            )
        users = {}
        for username, email, first_name, last_name, user_type in USERS:
            user = User.objects.filter(username=username).first() or User.objects.create_user(
                username,
                email,
                DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                user_type=user_type,
                email_verified_at=timezone.now(),  # demo accounts need no e-mail round trip
            )
            users[username] = seller_approve(user_id=user.pk) if user.is_seller else user
        seller = users["demo-seller"]
        store = Store.objects.filter(seller=seller).first() or store_create(
            seller=seller, name="Loja da Mutamba", description="O melhor da baixa de Luanda."
        )
        categories = {
            name: Category.objects.filter(name=name).first()
            or category_create(name=name, description=description)
            for name, description in CATEGORIES
        }
        for name, category, price, stock, description in PRODUCTS:
            if not store.products.filter(name=name).exists():
                product_create(
                    seller=seller,
                    name=name,
                    description=description,
                    price=Decimal(price),
                    stock_quantity=stock,
                    category_id=categories[category].pk,
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: users demo-admin, demo-seller, demo-buyer (password {DEMO_PASSWORD})."
            )
        )
