"""Stand-ins for hooks other apps provide to search."""


def flag_potatoes(products):
    """A help-sell hook: the sellers' app would return the products flagged as surplus."""
    return products.filter(title__contains="马铃薯")
