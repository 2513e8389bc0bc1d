"""A form renderer that writes plain <input> widgets in Python: Django's templates, minus their cost.

Django renders every widget through two templates (the widget's, which includes input.html, which
includes attrs.html): about a quarter of a millisecond per field, so a few milliseconds on a page with a
formset (the basket's management form, and per line its id, quantity, "save for later" and delete
fields). `InputRenderer` writes exactly what those templates write for the widgets built on input.html,
and hands everything else (selects, textareas, whole forms, a widget template an app overrides) to the
templates.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

# Django's widget templates that are nothing but {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "hidden",
        "number",
        "checkbox",
        "email",
        "password",
        "url",
        "tel",
        "search",
        "date",
        "datetime",
        "time",
        "color",
    )
)
DJANGO_FORM_TEMPLATES = Path(django.forms.__file__).parent / "templates"


class InputRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in self._python_inputs:
            return input_html(context["widget"])
        return super().render(template_name, context, request)

    @cached_property
    def _python_inputs(self) -> frozenset:
        """The input templates this renderer may write itself: those still Django's own (an app may
        override one, and then its template is what the page must show)."""
        names = {"django/forms/widgets/input.html", "django/forms/widgets/attrs.html"}
        if any(not self._is_djangos(name) for name in names):
            return frozenset()
        return frozenset(name for name in INPUT_TEMPLATES if self._is_djangos(name))

    def _is_djangos(self, template_name: str) -> bool:
        origin = Path(self.get_template(template_name).origin.name)
        return origin.is_relative_to(DJANGO_FORM_TEMPLATES)


def input_html(widget: dict) -> str:
    """What input.html and attrs.html render for a widget's template context."""
    parts = [
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
    ]
    if widget["value"] is not None:
        parts.append(f' value="{_formatted(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{_formatted(value)}"')
    parts.append(">")
    return "".join(parts)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: the text of the value, escaped unless it was marked safe."""
    return str(value) if isinstance(value, SafeData) else escape(f"{value}")


INPUT_RENDERER = InputRenderer()
