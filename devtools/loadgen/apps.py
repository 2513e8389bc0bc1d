from django.apps import AppConfig


class LoadgenConfig(AppConfig):
    """`generate_load_data`: deterministic synthetic catalogues, orders and organisations."""

    name = "devtools.loadgen"
    label = "devtools_loadgen"
    verbose_name = "Load generator"
