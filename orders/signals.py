"""Hooks other apps connect to, sent INSIDE the order's transaction (a receiver's rows commit or
roll back with the order, e.g. the kitchen's print jobs). Receivers must not do I/O that outlives
the transaction; side effects go through `transaction.on_commit`.

- order_placed(sender=Order, order=Order, lines=list[OrderLine]): a new order was written.
"""

from django.dispatch import Signal

order_placed = Signal()
