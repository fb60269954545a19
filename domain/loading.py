"""Rows made into model instances without Model.__init__, through Django's documented seam for
customising model loading (`Model.from_db`): a page of 20 products with their store and category
builds 60 instances, and __init__ spends most of its time on what a loaded row does not need (the
pre_init and post_init signals, keyword handling, a setattr per field).

The instance is what Django's own from_db makes: a ModelState with adding=False and the database
alias, and each selected column's value in the instance's __dict__ under its attname (a column not
selected stays deferred, loaded on access as Django does). That is exactly what __init__ does with
positional values only where no field's descriptor does more on assignment, no one listens to
pre_init or post_init for the model, and it has no __init__ of its own; anywhere else Django's from_db
runs. tests/test_loading.py compares the two for every model."""

from __future__ import annotations

from django.db.models import Model, signals
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor, ImageFileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute

# Descriptors whose assignment on a new instance only writes the value into __dict__.
PLAIN_DESCRIPTORS = (DeferredAttribute, FileDescriptor, ImageFileDescriptor, ForeignKeyDeferredAttribute)


class LeanLoading:
    """Put first among a model's bases: rows load as Django's from_db would, without __init__."""

    @classmethod
    def from_db(cls, db, field_names, values):
        plain = cls.__dict__.get("_lean_loading")
        if plain is None:
            plain = cls._lean_loading = _loads_plainly(cls)
        if (
            not plain
            or (signals.pre_init.receivers and signals.pre_init.has_listeners(cls))
            or (signals.post_init.receivers and signals.post_init.has_listeners(cls))
        ):
            return Model.from_db.__func__(cls, db, field_names, values)
        new = cls.__new__(cls)
        state = new._state = ModelState()
        state.adding = False
        state.db = db
        new.__dict__.update(zip(field_names, values, strict=True))
        return new


def _loads_plainly(model: type[Model]) -> bool:
    if model.__init__ is not Model.__init__:
        return False
    for field in model._meta.concrete_fields:
        descriptor = model.__dict__.get(field.attname)
        if descriptor is None:  # inherited from a parent class: look it up as Python does
            descriptor = getattr(model, field.attname, None)
        if type(descriptor) not in PLAIN_DESCRIPTORS:
            return False
    return True
