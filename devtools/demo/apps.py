from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`load_demo_data`: the demo shop for `make demo` and the browser journeys."""

    name = "devtools.demo"
    label = "devtools_demo"
    verbose_name = "Demo data"
