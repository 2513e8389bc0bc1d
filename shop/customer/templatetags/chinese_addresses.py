from django import template

from shop.customer import addresses

register = template.Library()


@register.filter
def address_lines(address):
    """Any Oscar address in Chinese order: 省 市 区 详细地址, then 收货人 手机号."""
    return addresses.lines(address)
