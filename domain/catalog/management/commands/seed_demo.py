"""Demo data for a fresh development database; running it again changes nothing."""

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from domain.accounts.models import Store, User, UserType
from domain.catalog.models import Category, Product

DEMO_PASSWORD = "kitanda-demo-2026"

CATEGORIES = [
    ("Electrónicos", "electronicos", "Telemóveis, computadores e acessórios."),
    ("Moda", "moda", "Roupa, calçado e panos."),
    ("Alimentação", "alimentacao", "Produtos da terra e mercearia."),
]

PRODUCTS = [
    ("Telemóvel Kianda X", "electronicos", "185000.00", 12, "Ecrã de 6,5 polegadas, dual SIM."),
    ("Auscultadores Semba", "electronicos", "24500.00", 30, "Sem fios, bateria de 20 horas."),
    ("Pano do Congo", "moda", "7500.00", 50, "Tecido africano, 6 jardas."),
    ("Sandálias Mussulo", "moda", "12000.00", 0, "Couro natural."),
    ("Café do Amboim 500 g", "alimentacao", "3500.00", 100, "Torrado e moído."),
    ("Mel de Malanje", "alimentacao", "4200.00", 40, "Mel puro, 1 kg."),
]


class Command(BaseCommand):
    help = "Create demo users (password kitanda-demo-2026), a store, categories and products."

    @transaction.atomic
    def handle(self, *args, **options):
        if User.objects.filter(username="demo-admin").exists():
            self.stdout.write("Demo data already present.")
            return
        User.objects.create_superuser(
            "demo-admin", "admin@kitanda.ao", DEMO_PASSWORD, first_name="Admin", last_name="Kitanda"
        )
        User.objects.create_user(
            "demo-buyer",
            "comprador@kitanda.ao",
            DEMO_PASSWORD,
            first_name="Ana",
            last_name="Silva",
            user_type=UserType.BUYER,
        )
        seller = User.objects.create_user(
            "demo-seller",
            "vendedor@kitanda.ao",
            DEMO_PASSWORD,
            first_name="João",
            last_name="Neto",
            user_type=UserType.SELLER,
            is_approved_seller=True,
        )
        store = Store.objects.create(
            seller=seller,
            name="Loja da Mutamba",
            slug="loja-da-mutamba",
            description="O melhor da baixa de Luanda.",
        )
        categories = {
            slug: Category.objects.create(name=name, slug=slug, description=description)
            for name, slug, description in CATEGORIES
        }
        for name, category, price, stock, description in PRODUCTS:
            Product.objects.create(
                store=store,
                category=categories[category],
                name=name,
                slug=name.lower().replace(" ", "-").replace("ó", "o").replace("ç", "c"),
                description=description,
                price=Decimal(price),
                stock_quantity=stock,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data created: users demo-admin, demo-seller, demo-buyer (password {DEMO_PASSWORD})."
            )
        )
