"""What the demo makes: its accounts, categories, stores and products, orders, reviews and wishlists,
and the queries it suggests. Every password is DEMO_PASSWORD."""

from domain.orders.models import OrderStatus, PaymentMethod

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

# One product per store taken off sale by its seller: visible only in the seller's dashboard.
HIDDEN_PRODUCTS = {
    "Rádio Ngola FM",
    "Chapéu de Palha Benguela",
    "Chá de Caxinde",
    "Colar de Sementes",
    "Garrafa Térmica 1 l",
}

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
BULK_SQL_BATCH = 100_000  # PostgreSQL: rows per INSERT ... SELECT generate_series

# Sizes and colours: product -> (options [(name, values)], values out of stock, stock per variant).
# Every combination of the options is a variant; one holding an out-of-stock value has none.
VARIANTS = {
    "Sapatilhas Maianga": (
        [("Tamanho", ["38", "39", "40", "41", "42", "43", "44"]), ("Cor", ["Branco", "Preto"])],
        {"38", "44"},
        2,
    ),
    "Calças de Linho Cabinda": ([("Tamanho", ["S", "M", "L", "XL"]), ("Cor", ["Bege", "Branco"])], {"XL"}, 4),
    "Bolsa de Capulana": ([("Cor", ["Vermelho", "Azul", "Amarelo"])], {"Amarelo"}, 8),
    "Sandálias Mussulo": (
        [("Tamanho", ["36", "37", "38", "39", "40", "41"])],
        {"36", "37", "38", "39", "40", "41"},
        0,
    ),
    "Sapatilhas de Corrida Marginal": ([("Tamanho", ["39", "40", "41", "42", "43", "44", "45"])], {"42"}, 2),
}
