"""The database search index: one denormalised row per product, kept by search.indexing.

The database backend searches and counts facets on these rows; the Elasticsearch backend indexes the
same documents. Catalogue tables stay the source of truth: `rebuild_search_index` recreates all rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductDocumentQuerySet(models.QuerySet):
    def available(self):
        """What shoppers may see: public, standalone or parent products with a price."""
        return self.filter(available=True)


class ProductDocument(models.Model):
    product = models.OneToOneField(
        "catalogue.Product", primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.CharField(max_length=255)
    title_tokens = models.TextField(help_text="Normalised CJK bigrams/unigrams and words, space-delimited.")
    body_tokens = models.TextField(help_text="The same for description, categories, places and seller.")
    pinyin = models.TextField(blank=True, help_text="Pinyin keys (full and initials), space-delimited.")
    province = models.CharField(max_length=6, blank=True)
    city = models.CharField(max_length=6, blank=True)
    county = models.CharField(max_length=6, blank=True)
    seller_id = models.IntegerField(null=True, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    in_stock = models.BooleanField(default=False)
    certified = models.BooleanField(default=False)
    certified_until = models.DateField(null=True, blank=True)
    help_sell = models.BooleanField(default=False)
    num_sold = models.PositiveIntegerField(default=0)
    date_created = models.DateTimeField()
    available = models.BooleanField(default=False)
    indexed_at = models.DateTimeField(auto_now=True)

    objects = ProductDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Product search document")
        indexes = [
            models.Index(fields=["available", "province", "city", "county"], name="search_doc_region"),
            models.Index(fields=["available", "-date_created"], name="search_doc_newest"),
            models.Index(fields=["available", "price"], name="search_doc_price"),
            models.Index(fields=["available", "-num_sold"], name="search_doc_sold"),
            models.Index(fields=["available", "seller_id"], name="search_doc_seller"),
            # Relevance order after the match and certification (search.backends.database.RANK_INDEX):
            # autocomplete walks it and stops at the first few matches of a common prefix.
            models.Index(
                fields=["-in_stock", "-num_sold", "-date_created", "-product"],
                condition=models.Q(available=True),
                name="search_doc_rank",
            ),
        ]

    def __str__(self):
        return self.title


class ProductDocumentCategory(models.Model):
    """A product's category and each of its ancestors, so a parent category counts its subtree."""

    document = models.ForeignKey(ProductDocument, on_delete=models.CASCADE, related_name="categories")
    category_id = models.IntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "category_id"], name="search_doc_category_unique")
        ]

    def __str__(self):
        return f"{self.document_id} in {self.category_id}"
