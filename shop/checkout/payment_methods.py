"""The ways a customer can pay, and which of them this installation offers."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

BANK_TRANSFER = "bank_transfer"
CASH_ON_DELIVERY = "cash_on_delivery"


@dataclass(frozen=True)
class PaymentMethod:
    code: str
    label: str
    description: str
    online: bool = False


OFFLINE_METHODS = (
    PaymentMethod(
        BANK_TRANSFER,
        _("Bank transfer"),
        _("Transfer the order total to our account; the order is processed once staff record your payment."),
    ),
    PaymentMethod(
        CASH_ON_DELIVERY,
        _("Pay on delivery"),
        _("Pay the courier when the goods arrive."),
    ),
)

# Online methods register themselves here when their service is configured (see shop.payment).
_online_providers = []


def register_online_provider(provider) -> None:
    """provider(request) returns the PaymentMethod objects it can offer for this request, or []."""
    if provider not in _online_providers:
        _online_providers.append(provider)


def available(request=None) -> list[PaymentMethod]:
    methods = []
    for provider in _online_providers:
        methods.extend(provider(request))
    methods.extend(OFFLINE_METHODS)
    return methods


def get(code: str, request=None) -> PaymentMethod | None:
    return next((method for method in available(request) if method.code == code), None)


@dataclass(frozen=True)
class BankTransfer:
    """Where a bank-transfer customer sends the money, and what to write so staff can match it."""

    account_name: str
    bank: str
    account_number: str
    reference: str


def bank_transfer_details(order) -> BankTransfer:
    """The platform's account (from settings) and the order's transfer reference."""
    return BankTransfer(
        account_name=settings.AIDMARKET_BANK_ACCOUNT_NAME,
        bank=settings.AIDMARKET_BANK_NAME,
        account_number=settings.AIDMARKET_BANK_ACCOUNT_NUMBER,
        reference=str(_("Order %(number)s") % {"number": order.number}),
    )
