"""StreamField blocks shared by the CMS page types."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from cms.choosers import county_chooser_viewset, product_chooser_viewset, seller_chooser_viewset

ProductChooserBlock = product_chooser_viewset.get_block_class(
    name="ProductChooserBlock", module_path="cms.blocks"
)
CountyChooserBlock = county_chooser_viewset.get_block_class(
    name="CountyChooserBlock", module_path="cms.blocks"
)
SellerChooserBlock = seller_chooser_viewset.get_block_class(
    name="SellerChooserBlock", module_path="cms.blocks"
)


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "cms/blocks/image_with_caption.html"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    images = blocks.ListBlock(ImageWithCaptionBlock(), label=_("Images"), min_num=1)

    class Meta:
        icon = "image"
        label = _("Gallery")
        template = "cms/blocks/gallery.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(
        label=_("Video URL"), help_text=_("A link to the video page, e.g. on Bilibili or Youku.")
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"


class ProductCarouselBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    products = blocks.ListBlock(ProductChooserBlock(), label=_("Products"), min_num=1)

    class Meta:
        icon = "pick"
        label = _("Product carousel")
        template = "cms/blocks/product_carousel.html"

    def get_context(self, value, parent_context=None):
        from cms.products import product_cards

        context = super().get_context(value, parent_context=parent_context)
        context["cards"] = product_cards([product.pk for product in value["products"] if product])
        return context


class OriginBlock(blocks.StructBlock):
    """Where the products come from, named rather than mapped."""

    county = CountyChooserBlock(label=_("County"))
    description = blocks.TextBlock(label=_("About the place"), required=False)

    class Meta:
        icon = "site"
        label = _("Origin")
        template = "cms/blocks/origin.html"


class SellerBlock(blocks.StructBlock):
    seller = SellerChooserBlock(label=_("Seller"))
    description = blocks.TextBlock(label=_("About the seller"), required=False)

    class Meta:
        icon = "group"
        label = _("Seller")
        template = "cms/blocks/seller.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=255)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "cms/blocks/document.html"


class HeroSlideBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.CharBlock(label=_("Text"), required=False, max_length=255)
    link_page = blocks.PageChooserBlock(label=_("Link to page"), required=False)
    link_url = blocks.CharBlock(label=_("Or link to URL"), required=False, max_length=255)
    button_text = blocks.CharBlock(label=_("Button text"), required=False, max_length=40)

    class Meta:
        icon = "image"
        label = _("Slide")


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(label=_("Or URL"), required=False, max_length=255)

    class Meta:
        icon = "link"
        label = _("Link")


class FooterColumnBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=60)
    links = blocks.ListBlock(LinkBlock(), label=_("Links"))

    class Meta:
        icon = "list-ul"
        label = _("Footer column")


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


def article_blocks():
    return [
        ("rich_text", blocks.RichTextBlock(label=_("Rich text"), features=RICH_TEXT_FEATURES)),
        ("image", ImageWithCaptionBlock()),
        ("gallery", GalleryBlock()),
        ("quote", QuoteBlock()),
        ("video", VideoBlock()),
        ("product_carousel", ProductCarouselBlock()),
    ]


def story_blocks():
    """A brand story: an article's blocks plus the county it comes from and its seller."""
    return [*article_blocks(), ("origin", OriginBlock()), ("seller", SellerBlock())]


def training_blocks():
    return [
        ("rich_text", blocks.RichTextBlock(label=_("Rich text"), features=RICH_TEXT_FEATURES)),
        ("image", ImageWithCaptionBlock()),
        ("video", VideoBlock()),
        ("document", DocumentBlock()),
    ]
