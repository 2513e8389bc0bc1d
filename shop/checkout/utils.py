from oscar.apps.checkout import utils


class CheckoutSessionData(utils.CheckoutSessionData):
    def set_payment_method(self, code: str) -> None:
        self._set("payment", "method", code)

    def payment_method(self) -> str | None:
        return self._get("payment", "method")
