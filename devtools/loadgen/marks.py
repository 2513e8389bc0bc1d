"""How generated rows are recognised, so the generator can refuse to touch anybody else's data."""

from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

USER_DOMAIN = "@loadgen.example"
UPC_PREFIX = "LG"
ORDER_PREFIX = "LG"
PARTNER_CODE_PREFIX = "lg-"
CATEGORY_CODE_PREFIX = "lg-"


def foreign_data() -> dict[str, int]:
    """Counts of rows the generator did not create, per kind; empty when there are none."""
    Product = get_model("catalogue", "Product")
    Partner = get_model("partner", "Partner")
    Order = get_model("order", "Order")
    Category = get_model("catalogue", "Category")
    User = get_user_model()
    counts = {
        "products": Product.objects.exclude(upc__startswith=UPC_PREFIX).count(),
        "sellers": Partner.objects.exclude(code__startswith=PARTNER_CODE_PREFIX).count(),
        "categories": Category.objects.exclude(code__startswith=CATEGORY_CODE_PREFIX).count(),
        # Orders placed by generated users (a benchmark's checkout runs) count as generated.
        "orders": Order.objects.exclude(number__startswith=ORDER_PREFIX)
        .exclude(user__email__endswith=USER_DOMAIN)
        .count(),
        "users": User.objects.exclude(email__endswith=USER_DOMAIN).count(),
    }
    Organisation = get_model("institutions", "Organisation")
    counts["organisations"] = (
        Organisation.objects.exclude(memberships__user__email__endswith=USER_DOMAIN).distinct().count()
    )
    return {kind: n for kind, n in counts.items() if n}
