from oscar.apps.catalogue import apps


class CatalogueConfig(apps.CatalogueConfig):
    """Oscar's catalogue, extended with regions, origin counties and product certificates."""

    name = "catalogue_ext"
    label = "catalogue"
