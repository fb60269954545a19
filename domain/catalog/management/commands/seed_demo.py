"""Demo data worth exploring, made through the domain services so it obeys the business rules.

    manage.py seed_demo                   # the demo: roles, stores, ~60 products, orders, reviews
    manage.py seed_demo --products 10000  # and enough bulk products for benchmarks

Running it again changes nothing: every user, store, product, order, review and wishlist item is
looked up first and made only when missing, and the bulk products top the catalogue up to N.
"""

from __future__ import annotations

import io
import zlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from domain.accounts.links import verify_token_make
from domain.accounts.models import Store, User, UserType
from domain.accounts.services import seller_approve, store_create, user_register
from domain.accounts.verification import email_verify
from domain.cart.services import cart_add_item
from domain.catalog.models import Category, Product
from domain.catalog.search import search_text_for
from domain.catalog.services import category_create, product_create, product_update
from domain.orders.checkout import checkout_place
from domain.orders.fulfilment import FULFILMENT_FLOW, order_cancel, order_update_status
from domain.orders.models import Order, OrderStatus, PaymentMethod
from domain.reviews.models import Review
from domain.reviews.services import review_create
from domain.wishlist.services import wishlist_add

DEMO_PASSWORD = "kitanda-demo-2026"
DEMO_CARD = "4111 1111 1111 1111"  # passes Luhn; the simulated gateway declines numbers ending in 0002
DEMO_ADDRESS = "Rua Rainha Ginga 29, Ingombota, Luanda"
DEMO_PHONE = "923 456 789"

ADMIN = ("demo-admin", "admin@kitanda.ao", "Admin", "Kitanda")
PENDING_SELLER = ("demo-pending-seller", "pendente@kitanda.ao", "Helena", "Cassoma")
BUYERS = [
    ("demo-buyer", "comprador@kitanda.ao", "Ana", "Silva"),
    ("demo-buyer-2", "bruno@kitanda.ao", "Bruno", "Costa"),
    ("demo-buyer-3", "carla@kitanda.ao", "Carla", "Mendes"),
]

CATEGORIES = [
    ("Electrónicos", "Telemóveis, computadores e acessórios."),
    ("Moda", "Roupa, calçado e panos."),
    ("Alimentação", "Produtos da terra e mercearia."),
    ("Casa e Decoração", "Mobiliário, cozinha e decoração."),
    ("Beleza e Saúde", "Cuidados de pele, cabelo e bem-estar."),
    ("Livros e Papelaria", "Livros angolanos, cadernos e material escolar."),
    ("Desporto", "Futebol, corrida e lazer ao ar livre."),
    ("Artesanato", "Peças feitas à mão por artesãos angolanos."),
]

# Each store: its seller (username, e-mail, first, last name), name, description, logo colour, and
# products (name, category, price, stock, description). A stock of 0 shows an out-of-stock product.
STORES = [
    {
        "seller": ("demo-seller", "vendedor@kitanda.ao", "João", "Neto"),
        "name": "Loja da Mutamba",
        "description": "O melhor da baixa de Luanda.",
        "colour": (196, 30, 58),
        "products": [
            ("Telemóvel Kianda X", "Electrónicos", "185000.00", 12, "Ecrã de 6,5 polegadas, dual SIM."),
            ("Auscultadores Semba", "Electrónicos", "24500.00", 30, "Sem fios, bateria de 20 horas."),
            ("Pano do Congo", "Moda", "7500.00", 50, "Tecido africano, 6 jardas."),
            ("Sandálias Mussulo", "Moda", "12000.00", 0, "Couro natural."),
            ("Café do Amboim 500 g", "Alimentação", "3500.00", 100, "Torrado e moído."),
            ("Mel de Malanje", "Alimentação", "4200.00", 40, "Mel puro, 1 kg."),
            ("Portátil Welwitschia 14", "Electrónicos", "420000.00", 5, "16 GB de memória, SSD de 512 GB."),
            ("Carregador Solar Namibe", "Electrónicos", "18500.00", 25, "Painel dobrável de 21 W com USB."),
            ("Coluna Kuduro Bass", "Electrónicos", "32000.00", 18, "Bluetooth, à prova de água."),
            ("Powerbank Kalandula 20000", "Electrónicos", "15500.00", 40, "Carga rápida, duas saídas USB."),
            ("Rádio Ngola FM", "Electrónicos", "9800.00", 0, "Rádio AM/FM a pilhas e a corda."),
            ("Televisor Cazenga 43", "Electrónicos", "265000.00", 4, "Smart TV Full HD de 43 polegadas."),
        ],
    },
    {
        "seller": ("demo-seller-moda", "moda@kitanda.ao", "Marta", "Gomes"),
        "name": "Moda Kinaxixi",
        "description": "Panos, camisas e acessórios com padrões de Angola.",
        "colour": (142, 68, 173),
        "products": [
            ("Camisa Samakaka", "Moda", "14500.00", 30, "Algodão com padrão samakaka."),
            ("Vestido Ilha de Luanda", "Moda", "22000.00", 15, "Vestido comprido de pano africano."),
            ("Lenço Bessangana", "Moda", "4500.00", 60, "Lenço de cabeça tradicional."),
            ("Calças de Linho Cabinda", "Moda", "16000.00", 20, "Linho leve para o calor."),
            ("Sapatilhas Maianga", "Moda", "27500.00", 12, "Sapatilhas de lona feitas em Luanda."),
            ("Bolsa de Capulana", "Moda", "9500.00", 25, "Bolsa de ombro em capulana."),
            ("Chapéu de Palha Benguela", "Moda", "6000.00", 35, "Palha entrançada à mão."),
            ("Óleo de Palma para Cabelo", "Beleza e Saúde", "3800.00", 45, "Hidratação natural."),
            ("Manteiga de Karité", "Beleza e Saúde", "5200.00", 40, "Karité puro, 250 g."),
            ("Sabonete de Moringa", "Beleza e Saúde", "1800.00", 80, "Feito à mão, 120 g."),
            ("Perfume Kizomba", "Beleza e Saúde", "19500.00", 10, "Eau de parfum, 50 ml."),
            ("Pulseira de Missangas", "Artesanato", "3000.00", 0, "Missangas coloridas."),
        ],
    },
    {
        "seller": ("demo-seller-sabores", "sabores@kitanda.ao", "Paulo", "Dias"),
        "name": "Sabores de Benguela",
        "description": "Mercearia fina com produtos da terra.",
        "colour": (211, 84, 0),
        "products": [
            ("Fuba de Milho 5 kg", "Alimentação", "4800.00", 70, "Fuba fina para funge."),
            ("Óleo de Palma 1 l", "Alimentação", "2900.00", 55, "Dendém para muamba."),
            ("Jinguba Torrada 500 g", "Alimentação", "1900.00", 90, "Amendoim torrado com sal."),
            ("Gindungo Picante", "Alimentação", "1500.00", 100, "Molho de piri-piri, 250 ml."),
            ("Peixe Seco do Namibe", "Alimentação", "6500.00", 20, "Carapau seco ao sol, 1 kg."),
            ("Mandioca Seca 2 kg", "Alimentação", "3200.00", 45, "Bombó para fuba de bombó."),
            ("Feijão de Óleo de Palma", "Alimentação", "2600.00", 60, "Feijão catarino, 1 kg."),
            ("Kissangua em Pó", "Alimentação", "2200.00", 35, "Para a bebida tradicional de milho."),
            ("Doce de Múcua", "Alimentação", "2800.00", 25, "Doce do fruto do imbondeiro."),
            ("Chá de Caxinde", "Alimentação", "1700.00", 50, "Erva-príncipe seca, 100 g."),
            ("Cesta de Frutas Tropicais", "Alimentação", "9000.00", 8, "Manga, maracujá e papaia da época."),
            ("Café Ginga Expresso", "Alimentação", "5600.00", 0, "Grão torrado para máquina, 1 kg."),
        ],
    },
    {
        "seller": ("demo-seller-casa", "casa@kitanda.ao", "Rosa", "Tchissola"),
        "name": "Casa Huíla",
        "description": "Decoração e artesanato do sul de Angola.",
        "colour": (39, 174, 96),
        "products": [
            ("Máscara Mwana Pwo", "Artesanato", "35000.00", 6, "Madeira esculpida, peça cokwe."),
            ("Pensador Cokwe", "Artesanato", "28000.00", 9, "Estatueta em madeira."),
            ("Cesto de Palmeira", "Artesanato", "7800.00", 30, "Entrançado à mão no Lubango."),
            ("Banco Cokwe", "Casa e Decoração", "42000.00", 4, "Banco de madeira talhado."),
            ("Almofada de Pano Africano", "Casa e Decoração", "6500.00", 40, "45 × 45 cm, com enchimento."),
            ("Candeeiro de Cabaça", "Casa e Decoração", "15500.00", 12, "Cabaça recortada à mão."),
            ("Tapete de Sisal", "Casa e Decoração", "24000.00", 7, "Sisal natural, 120 × 180 cm."),
            ("Panela de Barro", "Casa e Decoração", "8500.00", 18, "Para muamba e calulu."),
            ("Pilão de Madeira", "Casa e Decoração", "11000.00", 10, "Pilão e mão de pilão."),
            ("Quadro Welwitschia", "Casa e Decoração", "19000.00", 5, "Pintura a óleo, 40 × 60 cm."),
            ("Colar de Sementes", "Artesanato", "4200.00", 25, "Sementes de mulemba."),
            ("Tambor Ngoma", "Artesanato", "26000.00", 0, "Tambor de pele de cabra."),
        ],
    },
    {
        "seller": ("demo-seller-livros", "livros@kitanda.ao", "Manuel", "Kiala"),
        "name": "Papelaria e Desporto Ngola",
        "description": "Livros, material escolar e desporto.",
        "colour": (41, 128, 185),
        "products": [
            ("Mayombe", "Livros e Papelaria", "6500.00", 20, "Romance de Pepetela."),
            ("A Geração da Utopia", "Livros e Papelaria", "7200.00", 15, "Romance de Pepetela."),
            ("Sagrada Esperança", "Livros e Papelaria", "5400.00", 12, "Poemas de Agostinho Neto."),
            ("Caderno Quadriculado A4", "Livros e Papelaria", "900.00", 200, "96 folhas."),
            ("Mochila Escolar Kwanza", "Livros e Papelaria", "12500.00", 30, "Com bolso para portátil."),
            ("Estojo de Lápis de Cor", "Livros e Papelaria", "2400.00", 60, "24 cores."),
            ("Bola de Futebol Palancas", "Desporto", "11500.00", 25, "Tamanho 5, cosida à mão."),
            ("Camisola dos Palancas Negras", "Desporto", "18000.00", 40, "Réplica oficial."),
            ("Sapatilhas de Corrida Marginal", "Desporto", "38000.00", 10, "Amortecimento para asfalto."),
            ("Tapete de Ioga", "Desporto", "9500.00", 20, "6 mm, antiderrapante."),
            ("Garrafa Térmica 1 l", "Desporto", "6800.00", 35, "Mantém frio 24 horas."),
            ("Raquete de Praia", "Desporto", "5200.00", 0, "Par de raquetes com bola."),
        ],
    },
]

HIDDEN_PRODUCT = "Rádio Ngola FM"  # taken off sale by its seller: visible only in the seller's dashboard

# Ana's orders show every status: [(product, quantity)] of one store, the payment, the status reached.
ANA_ORDERS = [
    ([("Auscultadores Semba", 1), ("Mel de Malanje", 1)], PaymentMethod.CARD, OrderStatus.DELIVERED),
    ([("Jinguba Torrada 500 g", 2)], PaymentMethod.CARD, OrderStatus.DELIVERED),
    ([("Vestido Ilha de Luanda", 1), ("Lenço Bessangana", 2)], PaymentMethod.CARD, OrderStatus.SHIPPED),
    ([("Cesto de Palmeira", 1)], PaymentMethod.MOBILE, OrderStatus.PROCESSING),
    ([("Mayombe", 1), ("Caderno Quadriculado A4", 3)], PaymentMethod.CARD, OrderStatus.CONFIRMED),
    ([("Camisa Samakaka", 1)], PaymentMethod.REFERENCE, OrderStatus.PENDING),
    ([("Peixe Seco do Namibe", 1)], PaymentMethod.CARD, OrderStatus.CANCELLED),
]
# Ana's reviews of what was delivered to her.
ANA_REVIEWS = [
    ("Auscultadores Semba", 5, "Som excelente e a bateria dura mesmo um dia inteiro."),
    ("Mel de Malanje", 4, "Muito bom, chegou bem embalado."),
]
# Everything the other buyers bought (one checkout each, one order per store), delivered and reviewed.
OTHER_BUYERS_BOUGHT = {
    "demo-buyer-2": [
        ("Telemóvel Kianda X", 4, "Boa bateria, a câmara podia ser melhor."),
        ("Mel de Malanje", 5, "O melhor mel que já comprei."),
        ("Camisa Samakaka", 5, "Tecido de qualidade, tamanho certo."),
        ("Fuba de Milho 5 kg", 4, "Fina e sem grumos."),
        ("Gindungo Picante", 5, "Pica a sério!"),
        ("Máscara Mwana Pwo", 5, "Uma peça linda, muito bem esculpida."),
        ("Bola de Futebol Palancas", 3, "Boa, mas perdeu ar ao fim de um mês."),
        ("Mayombe", 5, "Um clássico, entrega rápida."),
    ],
    "demo-buyer-3": [
        ("Auscultadores Semba", 4, "Confortáveis, ligação estável."),
        ("Coluna Kuduro Bass", 5, "Aguenta a festa toda."),
        ("Manteiga de Karité", 4, "Deixa a pele macia."),
        ("Jinguba Torrada 500 g", 3, "Boa, um pouco salgada demais."),
        ("Cesto de Palmeira", 5, "Trabalho fino, recomendo."),
        ("Almofada de Pano Africano", 4, "Cores vivas, como na fotografia."),
        ("Camisola dos Palancas Negras", 5, "Força Palancas!"),
        ("Mel de Malanje", 4, "Saboroso."),
    ],
}
WISHLISTS = {
    "demo-buyer": ["Portátil Welwitschia 14", "Máscara Mwana Pwo", "Sapatilhas Maianga", "Perfume Kizomba"],
    "demo-buyer-2": ["Televisor Cazenga 43", "Banco Cokwe", "Tapete de Sisal"],
}

EXAMPLE_QUERIES = [
    (
        "Search the catalogue (anonymous)",
        'query { products(search: "mel", sort: RATING, first: 5) { totalCount edges { node { name price '
        "averageRating reviewCount thumbnailUrl store { name } } } } }",
    ),
    (
        "Stores with their logos and newest products",
        "query { stores(first: 5) { edges { node { name slug logoUrl "
        "products(first: 3) { totalCount edges { node { name price inStock } } } } } } }",
    ),
    (
        'Your orders (log in with tokenAuth, then the header {"Authorization": "Bearer <token>"})',
        "query { me { username } myOrders(first: 10) { edges { node { orderNumber status paymentStatus "
        "totalAmount store { name } payment { method referenceEntity referenceNumber } } } } }",
    ),
]

# Bulk products (--products N): names made of these words.
BULK_NOUNS = ["Cesto", "Pano", "Caneca", "Banco", "Colar", "Caderno", "Candeeiro", "Bola", "Saco", "Prato"]
BULK_ADJECTIVES = ["Azul", "Grande", "Pequeno", "Clássico", "Tradicional", "Moderno", "Leve", "Colorido"]
BULK_BATCH = 1000


class Command(BaseCommand):
    help = (
        "Create the demo (password kitanda-demo-2026): an admin, sellers with stores and logos, ~60 "
        "products with images, buyers with orders in every status, reviews and wishlists. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            metavar="N",
            help="top the catalogue up to N products with bulk writes (for benchmarks)",
        )

    def handle(self, *args, products: int = 0, **options):
        with transaction.atomic():
            admin = _admin()
            _user(*PENDING_SELLER, user_type=UserType.SELLER)
            categories = {name: _category(name, description) for name, description in CATEGORIES}
            stores = [_store(spec, categories) for spec in STORES]
            buyers = {spec[0]: _user(*spec, user_type=UserType.BUYER) for spec in BUYERS}
            catalogue = {product.name: product for product in Product.objects.filter(store__in=stores)}
            _orders(buyers, stores, catalogue)
            for username, names in WISHLISTS.items():
                for name in names:
                    wishlist_add(user=buyers[username], product_id=catalogue[name].pk)
        if products:
            self._bulk_products(products, stores, list(categories.values()))
        self._print_summary(admin, stores, buyers["demo-buyer"])

    # ------------------------------------------------------------ bulk products for benchmarks

    def _bulk_products(self, wanted: int, stores: list[Store], categories: list[Category]) -> None:
        """Top the catalogue up to `wanted` products with bulk inserts (no images), spread over the
        demo stores and categories; search_text is filled as the catalogue services fill it."""
        missing = wanted - Product.objects.count()
        if missing <= 0:
            self.stdout.write(f"The catalogue already holds {wanted} products or more.")
            return
        taken = set(Product.objects.filter(slug__startswith="lote-").values_list("slug", flat=True))
        start = len(taken)
        progress = Progress(self.stdout, missing)
        made, number = 0, start
        while made < missing:
            batch = []
            while len(batch) < min(BULK_BATCH, missing - made):
                number += 1
                slug = f"lote-{number:07d}"
                if slug in taken:
                    continue
                category = categories[number % len(categories)]
                name = (
                    f"{BULK_NOUNS[number % len(BULK_NOUNS)]} "
                    f"{BULK_ADJECTIVES[(number // len(BULK_NOUNS)) % len(BULK_ADJECTIVES)]} nº {number}"
                )
                description = f"Artigo de demonstração número {number}."
                batch.append(
                    Product(
                        store=stores[number % len(stores)],
                        category=category,
                        name=name,
                        slug=slug,
                        description=description,
                        price=Decimal(500 + (number * 37) % 50000),
                        stock_quantity=number % 50,
                        search_text=search_text_for(
                            name=name, description=description, category_name=category.name
                        ),
                    )
                )
            with transaction.atomic():
                Product.objects.bulk_create(batch, batch_size=BULK_BATCH)
            made += len(batch)
            progress.show(made)
        progress.done()

    # ------------------------------------------------------------ what to try

    def _print_summary(self, admin: User, stores: list[Store], buyer: User) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo data ready (every password: {DEMO_PASSWORD})."))
        write(f"  admin:          {admin.username}")
        write(f"  sellers:        {', '.join(store.seller.username for store in stores)}")
        write(f"  pending seller: {PENDING_SELLER[0]} (waiting for the admin's approval)")
        write(f"  buyers:         {', '.join(username for username, *_ in BUYERS)}")
        write(
            f"  {Product.objects.count()} products in {len(stores)} stores, "
            f"{Order.objects.filter(buyer__username__startswith='demo-').count()} orders, "
            f"{Review.objects.count()} reviews"
        )
        pending = (
            Order.objects.filter(
                buyer=buyer, status=OrderStatus.PENDING, payment__method=PaymentMethod.REFERENCE
            )
            .select_related("payment")
            .first()
        )
        if pending is not None:
            write(
                f"  {buyer.username}'s order {pending.order_number} awaits payment by reference: entity "
                f"{pending.payment.reference_entity}, reference {pending.payment.reference_number}, "
                f"amount {pending.total_amount} AOA (POST /payments/webhook/ confirms it)"
            )
        write("Three queries to paste into GraphiQL at /graphql/:")
        for title, query in EXAMPLE_QUERIES:
            write(f"  # {title}\n  {query}")


class Progress:
    """A progress bar on a terminal; a line every tenth of the way elsewhere (CI logs)."""

    WIDTH = 40

    def __init__(self, stdout, total: int):
        self.stdout, self.total, self.shown = stdout, total, 0
        self.tty = stdout.isatty()

    def show(self, done: int) -> None:
        if self.tty:
            filled = self.WIDTH * done // self.total
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.stdout.write(f"\r  products [{bar}] {done}/{self.total}", ending="")
            self.stdout.flush()
        elif done * 10 // self.total > self.shown or done == self.total:
            self.shown = done * 10 // self.total
            self.stdout.write(f"  products: {done}/{self.total}")

    def done(self) -> None:
        if self.tty:
            self.stdout.write("")


# ---------------------------------------------------------------- people, stores, products


def _admin() -> User:
    username, email, first_name, last_name = ADMIN
    return User.objects.filter(username=username).first() or User.objects.create_superuser(
        username, email, DEMO_PASSWORD, first_name=first_name, last_name=last_name
    )


def _user(username: str, email: str, first_name: str, last_name: str, *, user_type: str) -> User:
    # A throttle key of its own per demo user: seeding never uses up a real address's registrations.
    user = User.objects.filter(username=username).first() or user_register(
        username=username,
        email=email,
        password=DEMO_PASSWORD,
        user_type=user_type,
        first_name=first_name,
        last_name=last_name,
        client_ip=f"seed_demo:{username}",
    )
    if not user.email_verified:  # as if each had followed the link their registration e-mailed
        user = email_verify(token=verify_token_make(user, user.email))
    return user


def _category(name: str, description: str) -> Category:
    return Category.objects.filter(name=name).first() or category_create(name=name, description=description)


def _store(spec: dict, categories: dict[str, Category]) -> Store:
    seller = seller_approve(user_id=_user(*spec["seller"], user_type=UserType.SELLER).pk)
    store = Store.objects.filter(seller=seller).first() or store_create(
        seller=seller,
        name=spec["name"],
        description=spec["description"],
        logo=tile(spec["name"], spec["colour"], size=256, name="logo"),
    )
    for name, category, price, stock, description in spec["products"]:
        if store.products.filter(name=name).exists():
            continue
        product = product_create(
            seller=seller,
            name=name,
            description=description,
            price=Decimal(price),
            stock_quantity=stock,
            category_id=categories[category].pk,
            image=tile(name, _colour(name), size=480, name=name),
        )
        if name == HIDDEN_PRODUCT:
            product_update(seller=seller, product_id=product.pk, is_active=False)
    return store


def tile(text: str, colour: tuple[int, int, int], *, size: int, name: str) -> ContentFile:
    """A JPEG square of `colour` with the initials of `text` in white: the demo's photos and logos."""
    initials = "".join(word[0] for word in text.split() if word[0].isalnum())[:2].upper() or "K"
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size * 2 // 5)
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return ContentFile(out.getvalue(), name=f"{slugify(name) or 'demo'}.jpg")


def _colour(name: str) -> tuple[int, int, int]:
    """A stable, fairly dark colour for a name (white initials stay readable)."""
    hue = zlib.crc32(name.encode())
    return (40 + hue % 150, 40 + (hue >> 8) % 150, 40 + (hue >> 16) % 150)


# ---------------------------------------------------------------- orders, reviews


def _orders(buyers: dict[str, User], stores: list[Store], catalogue: dict[str, Product]) -> None:
    """Ana's orders in every status and the other buyers' delivered orders, each with its reviews;
    a buyer who has orders already is left alone."""
    sellers = {store.pk: store.seller for store in stores}
    ana = buyers["demo-buyer"]
    if not Order.objects.filter(buyer=ana).exists():
        for lines, method, status in ANA_ORDERS:
            (order,) = _buy(ana, [(catalogue[name], quantity) for name, quantity in lines], method)
            _advance(order, status, seller=sellers[order.store_id], buyer=ana)
        for name, rating, comment in ANA_REVIEWS:
            review_create(user=ana, product_id=catalogue[name].pk, rating=rating, comment=comment)
    for username, bought in OTHER_BUYERS_BOUGHT.items():
        buyer = buyers[username]
        if Order.objects.filter(buyer=buyer).exists():
            continue
        for order in _buy(buyer, [(catalogue[name], 1) for name, *_ in bought], PaymentMethod.CARD):
            _advance(order, OrderStatus.DELIVERED, seller=sellers[order.store_id], buyer=buyer)
        for name, rating, comment in bought:
            review_create(user=buyer, product_id=catalogue[name].pk, rating=rating, comment=comment)


def _buy(buyer: User, lines: list[tuple[Product, int]], method: str) -> list[Order]:
    for product, quantity in lines:
        cart_add_item(user=buyer, cart_code=None, product_id=product.pk, quantity=quantity)
    return checkout_place(
        buyer=buyer,
        shipping_address=DEMO_ADDRESS,
        contact_phone=DEMO_PHONE,
        payment_method=method,
        card_number=DEMO_CARD if method == PaymentMethod.CARD else None,
        phone_number=DEMO_PHONE if method == PaymentMethod.MOBILE else None,
    )


def _advance(order: Order, status: str, *, seller: User, buyer: User) -> None:
    """Move a paid order along the fulfilment steps up to `status`, or cancel it (by its buyer)."""
    if status == OrderStatus.CANCELLED:
        order_cancel(actor=buyer, order_number=order.order_number)
        return
    if status == OrderStatus.PENDING:
        return
    for step in FULFILMENT_FLOW[1 : FULFILMENT_FLOW.index(status) + 1]:
        order_update_status(actor=seller, order_number=order.order_number, status=step)
