from wagtail import hooks

from cms.choosers import county_chooser_viewset, product_chooser_viewset, seller_chooser_viewset


@hooks.register("register_admin_viewset")
def register_shop_choosers():
    return [product_chooser_viewset, county_chooser_viewset, seller_chooser_viewset]
