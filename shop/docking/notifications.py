"""Who hears about docking, through shop.core.mail (recorded in the transaction, sent after commit)."""

from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.urls import reverse

from shop.core import mail
from shop.sellers.notifications import seller_addresses


def demand_to_seller(demand, partner, *, pushed_by=None) -> None:
    """One mail per seller and demand, however often matching or officers push it."""
    mail.send(
        seller_addresses([partner]),
        template="docking/email/demand_for_seller",
        context={
            "demand": demand,
            "partner": partner,
            "pushed": pushed_by is not None,
            "url": _absolute(reverse("docking:quote", kwargs={"pk": demand.pk})),
        },
        key=f"docking:demand:{demand.pk}:seller:{partner.pk}",
    )


def quote_received(quote) -> None:
    demand = quote.demand
    mail.send(
        _buyer_addresses(demand),
        template="docking/email/quote_received",
        context={
            "demand": demand,
            "quote": quote,
            "url": _absolute(reverse("docking:demand", kwargs={"pk": demand.pk})),
        },
        key=f"docking:quote:{quote.pk}:received",
    )


def awarded(award) -> None:
    mail.send(
        seller_addresses([award.quote.partner]),
        template="docking/email/awarded",
        context={"award": award, "demand": award.demand, "order": award.order},
        key=f"docking:award:{award.pk}",
    )


def _buyer_addresses(demand) -> list[str]:
    users = get_user_model().objects.filter(pk=demand.posted_by_id, is_active=True)
    return [email for email in users.values_list("email", flat=True) if email]


def _absolute(path: str) -> str:
    """A link for a mail: the site's domain (django.contrib.sites) and the path."""
    return f"https://{Site.objects.get_current().domain}{path}"
