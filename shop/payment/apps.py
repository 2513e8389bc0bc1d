from django.conf import settings
from oscar.apps.payment import apps


class PaymentConfig(apps.PaymentConfig):
    name = "shop.payment"

    def ready(self):
        super().ready()
        if settings.STRIPE_SECRET_KEY:
            from shop.checkout import payment_methods
            from shop.payment import methods

            payment_methods.register_online_provider(methods.stripe_methods)
