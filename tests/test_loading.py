"""Rows loaded without Model.__init__ (domain/loading.py) are the instances Django's from_db makes."""

from unittest import mock

import pytest
from django.apps import apps
from django.db.models import signals

from domain.accounts.models import Store
from domain.catalog.models import Product
from domain.loading import LeanLoading

from .factories import make_product

DOMAIN_MODELS = [model for model in apps.get_models() if model.__module__.startswith("domain.")]


def test_every_domain_model_loads_leanly():
    assert DOMAIN_MODELS
    assert [model.__name__ for model in DOMAIN_MODELS if not issubclass(model, LeanLoading)] == []
    # A descriptor that does more on assignment, or an __init__ of a model's own, would send the
    # model back to Django's from_db: name them here when that is meant.
    for model in DOMAIN_MODELS:
        model.from_db("default", [], [])
    assert [model.__name__ for model in DOMAIN_MODELS if not model.__dict__["_lean_loading"]] == []


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("selected", ["all", "some"])
def test_an_instance_is_what_djangos_from_db_makes(model, selected):
    fields = model._meta.concrete_fields
    if selected == "some":  # only() / defer(): the others stay deferred
        fields = fields[::2]
    names = [field.attname for field in fields]
    values = [object() for _ in names]
    ours = model.from_db("replica", names, values)
    with mock.patch.object(model, "_lean_loading", False):  # Django's from_db (under the model's own)
        django = model.from_db("replica", names, values)
    assert type(ours) is type(django) is model
    assert vars(ours).keys() - {"_state"} == vars(django).keys() - {"_state"}
    assert all(vars(ours)[name] is vars(django)[name] for name in names)
    assert (
        (ours._state.db, ours._state.adding) == (django._state.db, django._state.adding) == ("replica", False)
    )
    assert ours.get_deferred_fields() == django.get_deferred_fields()


@pytest.mark.django_db
def test_loaded_rows_behave_as_models():
    product = make_product(name="Mesa")
    loaded = Product.objects.select_related("store").only("name", "store__name").get(pk=product.pk)
    assert (loaded.name, loaded.store.name, loaded.pk) == ("Mesa", product.store.name, product.pk)
    assert loaded.get_deferred_fields() >= {"description", "price"}
    assert loaded.price == product.price  # a deferred column loads on access
    loaded.name = "Mesa grande"
    loaded.save(update_fields=["name"])
    assert Product.objects.get(pk=product.pk).name == "Mesa grande"
    assert loaded == product and hash(loaded) == hash(product)


@pytest.mark.django_db
def test_a_post_init_listener_gets_djangos_from_db():
    product = make_product()
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.pk)

    signals.post_init.connect(listener, sender=Product)
    try:
        loaded = Product.objects.select_related("store").get(pk=product.pk)
        # Another model's rows still load without __init__ (no listener of theirs to call).
        store_loads_leanly = "_lean_loading" in vars(Store) and not signals.post_init.has_listeners(Store)
    finally:
        signals.post_init.disconnect(listener, sender=Product)
    assert seen == [product.pk]
    assert loaded.store == product.store and store_loads_leanly
