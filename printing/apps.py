from django.apps import AppConfig


class PrintingConfig(AppConfig):
    name = "printing"

    def ready(self):
        # The kitchen's print jobs are written with the order, in its transaction.
        from orders.signals import order_placed
        from printing.services import print_jobs_for_new_order

        order_placed.connect(print_jobs_for_new_order, dispatch_uid="printing.new-order-jobs")
