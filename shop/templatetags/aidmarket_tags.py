from django import template

from shop.order import statuses

register = template.Library()


@register.filter
def order_status_label(status):
    return statuses.order_label(status)


@register.filter
def line_status_label(status):
    return statuses.line_label(status)
