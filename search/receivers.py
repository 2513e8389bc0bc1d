"""React to catalogue, stock, certificate, seller and order changes saved by code we do not own (Oscar's
dashboard and the forms built on it) by scheduling re-indexing after commit.

Our own domain functions write inside ``catalogue_ext.changes.ours()`` and call
``changes.products_changed`` themselves; these receivers stand aside for them."""

from django.db.models.signals import post_delete, post_save
from oscar.core.loading import get_model

from search import indexing

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductCertificate = get_model("catalogue", "ProductCertificate")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
Order = get_model("order", "Order")
Line = get_model("order", "Line")


def _product_changed(sender, instance, **kwargs):
    indexing.schedule([instance.pk, instance.parent_id])


def _product_link_changed(sender, instance, **kwargs):
    product_id = instance.product_id
    parent_id = Product.objects.filter(pk=product_id).values_list("parent_id", flat=True).first()
    indexing.schedule([product_id, parent_id])


def _partner_changed(sender, instance, **kwargs):
    indexing.schedule(StockRecord.objects.filter(partner=instance).values_list("product_id", flat=True))


def _category_changed(sender, instance, **kwargs):
    subtree = Category.objects.filter(path__startswith=instance.path)
    indexing.schedule(
        ProductCategory.objects.filter(category__in=subtree).values_list("product_id", flat=True).distinct()
    )


def _order_changed(sender, instance, **kwargs):
    indexing.schedule(Line.objects.filter(order=instance).values_list("product_id", flat=True))


def _unless_ours(receiver):
    def guarded(sender, instance, **kwargs):
        from catalogue_ext import changes

        if not changes.by_our_code():
            receiver(sender, instance, **kwargs)

    return guarded


def connect():
    for model, receiver in (
        (Product, _product_changed),
        (StockRecord, _product_link_changed),
        (ProductCategory, _product_link_changed),
        (ProductCertificate, _product_link_changed),
        (Partner, _partner_changed),
        (Category, _category_changed),
        (Order, _order_changed),
        (Line, _product_link_changed),
    ):
        _connect(model, _unless_ours(receiver))


def _connect(model, receiver):
    uid = f"search.{model._meta.label}"
    # weak=False: the guarded receiver is a closure nothing else keeps alive.
    post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save", weak=False)
    post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
