# A catalogue that grows (issue 26): an index in the order of every product list, so that a page is
# an index walk that stops after its rows, at a thousand products or a million; and PostgreSQL full
# text search in Portuguese (domain/catalog/search.py). PostgreSQL only, like 0002's trigram index:
# SQLite walks its small tables and searches search_text as before.
#
# The lists' partial indexes hold the rows on sale or visible to their seller (`deleted_at IS NULL`,
# most also `is_active`): the selectors' ON_SALE implies their predicate, so the planner uses them.
# The existing product_newest_idx and product_price_idx (is_active first) already serve the
# catalogue's newest and price orders.

from django.db import migrations

ON_SALE = "is_active AND deleted_at IS NULL"

# (name, definition)
INDEXES = [
    # sort=RATING: rating_average DESC NULLS LAST, rating_count DESC, id DESC (selectors.SORT_ORDER)
    (
        "product_rating_sort_idx",
        f"catalog_product (rating_average DESC NULLS LAST, rating_count DESC, id DESC) WHERE {ON_SALE}",
    ),
    # sort=NAME: Lower(name), id
    ("product_name_sort_idx", f"catalog_product (lower(name), id) WHERE {ON_SALE}"),
    # a category, newest first or by price (with a price range)
    (
        "product_category_newest_idx",
        f"catalog_product (category_id, created_at DESC, id DESC) WHERE {ON_SALE}",
    ),
    ("product_category_price_idx", f"catalog_product (category_id, price, id) WHERE {ON_SALE}"),
    # a store's products, newest first: its page (on sale) and its seller's list (hidden ones too)
    (
        "product_store_newest_idx",
        "catalog_product (store_id, created_at DESC, id DESC) WHERE deleted_at IS NULL",
    ),
    # full text: the search_vector column below
    ("product_search_fts_idx", "catalog_product USING gin (search_vector)"),
]

# The text search configuration of the catalogue: Portuguese stemming and stop words, accents taken
# off first by the unaccent dictionary (a document or query typed with or without them gives the
# same lexemes). to_tsvector with a configuration named is immutable, so it can be indexed without
# a wrapper around the unaccent() function.
SEARCH_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kitanda_pt') THEN
           CREATE TEXT SEARCH CONFIGURATION kitanda_pt (COPY = portuguese);
           ALTER TEXT SEARCH CONFIGURATION kitanda_pt
             ALTER MAPPING FOR hword, hword_part, word WITH unaccent, portuguese_stem;
         END IF;
       END $$""",
    # search_text (already lowercased and unaccented) in Portuguese, stemmed, kept by the database:
    # a list walking an order index tests it row by row without computing it. The models do not
    # name it (domain/catalog/search.py reads it as SQL): Django's writes never list it.
    """ALTER TABLE catalog_product ADD COLUMN IF NOT EXISTS search_vector tsvector
       GENERATED ALWAYS AS (to_tsvector('kitanda_pt'::regconfig, search_text)) STORED""",
    # Finer statistics of the searched columns: with the default target a word that no product
    # holds was guessed at 0.5 % of the catalogue, and the planner walked a whole order index for it.
    """ALTER TABLE catalog_product ALTER COLUMN search_text SET STATISTICS 1000,
       ALTER COLUMN search_vector SET STATISTICS 1000""",
]


def indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in SEARCH_SETUP:
        schema_editor.execute(statement)
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    schema_editor.execute("ANALYZE catalog_product")  # the planner's statistics of the new expressions


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS kitanda_pt")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_option_keys"),
    ]

    operations = [
        migrations.RunPython(indexes_create, indexes_drop),
    ]
