"""The input renderer writes, for every plain <input> widget, exactly what Django's templates write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from shop.core.rendering import InputRenderer

WIDGETS = [
    (
        forms.TextInput(attrs={"placeholder": gettext_lazy("Search"), "class": "form-control"}),
        'a "b" <c> & d',
    ),
    (forms.TextInput(attrs={"required": True, "disabled": False, "data-x": None}), ""),
    (forms.TextInput(), mark_safe("<already safe>")),
    (forms.TextInput(), None),
    (forms.NumberInput(attrs={"min": 0, "max": 958}), 3),
    (forms.HiddenInput(), 1000),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.EmailInput(), "王芳@example.cn"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.DateInput(), "2026-12-01"),
    (forms.Select(choices=[("1", "一"), ("2", "二")]), "2"),  # not an input: rendered by the templates
    (forms.Textarea(), "多行\n文字"),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=lambda item: type(item).__name__)
def test_input_renderer_writes_what_the_django_templates_write(widget, value):
    attrs = {"id": "id_field"}

    written = widget.render("field", value, attrs=attrs, renderer=InputRenderer())

    assert written == widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())


def test_a_whole_form_renders_the_same_with_the_input_renderer():
    class VoucherForm(forms.Form):
        code = forms.CharField(max_length=128, label="优惠码")
        quantity = forms.IntegerField(min_value=0, initial=2)
        keep = forms.BooleanField(required=False, initial=True)
        line = forms.IntegerField(widget=forms.HiddenInput, initial=81)

    assert str(VoucherForm(renderer=InputRenderer())) == str(VoucherForm(renderer=DjangoTemplates()))
    bound = {"code": "<x>", "quantity": "-1"}
    assert str(VoucherForm(bound, renderer=InputRenderer())) == str(
        VoucherForm(bound, renderer=DjangoTemplates())
    )


def test_input_renderer_writes_djangos_input_widgets_itself():
    """Django's own input templates are installed here, so the comparisons above test the Python path."""
    renderer = InputRenderer()

    assert {"django/forms/widgets/text.html", "django/forms/widgets/checkbox.html"} <= renderer._python_inputs
    assert "django/forms/widgets/select.html" not in renderer._python_inputs
