"""What happens to orders, announced to the apps above them (economics, notifications), so that
orders never imports them. Each signal is sent synchronously inside the transaction that causes
it: a receiver's writes (the ledger's) commit or roll back with the order's, and a receiver that
must wait for the commit (an e-mail) defers itself with transaction.on_commit. An exception in a
receiver rolls the whole change back. Receivers are connected in their app's AppConfig.ready().
"""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: lines, the unsaved OrderItems of a checkout's new orders, before they are inserted. A
# receiver may fill in what each line owes (economics: the commission and IVA rates in force).
order_lines_pre_create = Signal()

# kwargs: orders, the unsaved Orders of a checkout, before they are inserted. A receiver may fill
# in what each delivery fee owes (economics: its IVA and any commission on it).
orders_pre_create = Signal()

# kwargs: orders, placed by one checkout (paid or not).
orders_placed = Signal()

# kwargs: orders, just marked paid; at_checkout, True when paid as they were placed (card, mobile),
# False when a REFERENCE payment arrived later.
orders_paid = Signal()

# kwargs: order, just moved to SHIPPED.
order_shipped = Signal()

# kwargs: order, just CANCELLED (by its buyer, its store, an admin or expiry); refunded, True when
# its completed payment is now owed back.
order_cancelled = Signal()
