"""What happens to stores and users, announced to the apps above accounts (the catalogue shows every
store's name and state on its products, reviews show their author's name), so that accounts never
imports them. Sent synchronously inside the transaction of the change; a receiver that must wait
for the commit defers itself with transaction.on_commit. Receivers are connected in their app's AppConfig.ready()."""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: store, just created, changed or deleted; products_affected, False for a new or deleted
# store (it has no products), True when what its products show (its name, logo, state) may have
# changed.
store_changed = Signal()

# kwargs: user, whose public name (User.display_name: what reviews show) may have changed: a
# profile edit, an admin's edit, an account that leaves. The reviews bump the products they are of.
display_name_changed = Signal()
