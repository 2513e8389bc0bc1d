from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from oscar.core.loading import get_model
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from cms import blocks
from cms.forms import CampaignPageForm
from cms.panels import FeaturedProductWarningsPanel
from shop import caching

Region = get_model("catalogue", "Region")
Partner = get_model("partner", "Partner")

NEWS_PER_PAGE = 10
STORIES_PER_PAGE = 12


class SeoMixin(models.Model):
    """SEO title and description come with Wagtail's Page; a social sharing image is added here."""

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Social sharing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared (WeChat, Weibo). Defaults to the page's main image."),
    )

    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
                FieldPanel("social_image"),
            ],
            heading=_("For search engines and sharing"),
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], heading=_("For site menus")),
    ]

    class Meta:
        abstract = True

    def main_image(self):
        return None

    def get_social_image(self):
        return self.social_image or self.main_image()

    def get_meta_description(self):
        return self.search_description or getattr(self, "intro_text", "") or ""


def _paginate(request, queryset, per_page):
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


# ---------------------------------------------------------------------------
# Home page


class HomePage(SeoMixin, Page):  # noqa: DJ008 - Page supplies __str__
    """The shop's front page: hero carousel, campaigns, chosen products, help-sell rail, stories, news."""

    hero_title = models.CharField(_("Hero title"), max_length=120)
    hero_text = models.CharField(_("Hero text"), max_length=255, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_slides = StreamField(
        [("slide", blocks.HeroSlideBlock())],
        verbose_name=_("Hero carousel"),
        blank=True,
        help_text=_("Slides rotate in order; without slides the hero title, text and image are shown."),
    )
    intro = RichTextField(_("Introduction"), blank=True)
    show_help_sell_rail = models.BooleanField(
        _("Show the help-sell rail"),
        default=True,
        help_text=_("Products whose sellers asked for help selling a surplus."),
    )

    content_panels = Page.content_panels + [
        FeaturedProductWarningsPanel(),
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_slides"),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("intro"),
        InlinePanel("featured_campaigns", label=_("Featured campaigns")),
        InlinePanel("featured_products", label=_("Featured products")),
        FieldPanel("show_help_sell_rail"),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("Home page")

    def main_image(self):
        if self.hero_image:
            return self.hero_image
        for slide in self.hero_slides:
            return slide.value["image"]
        return None

    def serve(self, request, *args, **kwargs):
        """The page; marked private when only some visitors may see it, so that neither page cache
        (shop.caching) stores it for everyone."""
        response = super().serve(request, *args, **kwargs)
        if self.get_view_restrictions().exists():
            patch_cache_control(response, private=True)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The same for every visitor: shared per catalogue version (which publishing a page bumps),
        # except in an editor's preview.
        version = (
            ""
            if getattr(request, "is_preview", False)
            else caching.fragment_versions(request)["catalogue_cache_version"]
        )
        context.update(caching.remember(version, "home", (self.pk,), self.shared_context))
        return context

    def shared_context(self) -> dict:
        """The rails and lists the home page shows, evaluated (so they can be cached)."""
        from cms.products import featured_products, help_sell_products

        now = timezone.now()
        return {
            "featured_products": featured_products(self),
            "featured_campaigns": [
                item.campaign.specific
                for item in self.featured_campaigns.select_related("campaign")
                if item.campaign.live and item.campaign.specific.ends_at > now
            ],
            "help_sell_products": help_sell_products() if self.show_help_sell_rail else [],
            "latest_stories": list(
                BrandStoryPage.objects.live()
                .public()
                .select_related("cover_image", "county")
                .order_by("-first_published_at")[:3]
            ),
            "latest_news": list(NewsArticlePage.objects.live().public().order_by("-date", "-pk")[:5]),
        }


class HomePageFeaturedProduct(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_products")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("product")]


class HomePageFeaturedCampaign(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_campaigns")
    campaign = models.ForeignKey("cms.CampaignPage", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("campaign", "cms.CampaignPage")]


# ---------------------------------------------------------------------------
# Brand stories


class StoryIndexPage(RoutablePageMixin, SeoMixin, Page):  # noqa: DJ008 - Page supplies __str__
    """Lists brand stories; also serves county and seller pages (county/<code>/, seller/<id>/)."""

    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.BrandStoryPage"]

    class Meta:
        verbose_name = _("Brand story index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        stories = (
            BrandStoryPage.objects.child_of(self)
            .live()
            .public()
            .select_related("cover_image", "county", "seller")
            .order_by("-first_published_at")
        )
        context["stories"] = _paginate(request, stories, STORIES_PER_PAGE)
        return context

    @path("county/<str:code>/", name="county")
    def county_page(self, request, code):
        from cms import directory, related

        county = get_object_or_404(Region.objects.counties().select_related("parent", "province"), code=code)
        return self.render(
            request,
            template="cms/county_page.html",
            context_overrides={
                "county": county,
                "featuring_pages": related.pages_featuring(county=county, limit=24),
                "products": directory.county_products(county),
            },
        )

    @path("seller/<int:pk>/", name="seller")
    def seller_page(self, request, pk):
        from cms import directory, related

        seller = get_object_or_404(Partner.objects.select_related("county"), pk=pk)
        return self.render(
            request,
            template="cms/seller_page.html",
            context_overrides={
                "seller": seller,
                "featuring_pages": related.pages_featuring(seller=seller, limit=24),
                "products": directory.seller_products(seller),
            },
        )


class BrandStoryPage(SeoMixin, Page):  # noqa: DJ008 - Page supplies __str__
    """品牌故事: the story of a county, a seller or a product line."""

    intro_text = models.CharField(_("Summary"), max_length=255, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    county = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("County"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"level": "county"},
    )
    seller = models.ForeignKey(
        "partner.Partner",
        verbose_name=_("Seller"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(blocks.story_blocks(), verbose_name=_("Body"), blank=True)

    content_panels = Page.content_panels + [
        FeaturedProductWarningsPanel(),
        FieldPanel("intro_text"),
        FieldPanel("cover_image"),
        FieldRowPanel([FieldPanel("county"), FieldPanel("seller")], heading=_("About")),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro_text"), index.SearchField("body")]
    parent_page_types = ["cms.StoryIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Brand story")
        verbose_name_plural = _("Brand stories")

    def main_image(self):
        return self.cover_image


# ---------------------------------------------------------------------------
# Campaigns


class CampaignPageQuerySet(PageQuerySet):
    def running(self, at=None):
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at)

    def not_ended(self, at=None):
        return self.filter(ends_at__gt=at or timezone.now())


class CampaignPageManager(PageManager.from_queryset(CampaignPageQuerySet)):
    pass


class CampaignIndexPage(SeoMixin, Page):  # noqa: DJ008 - Page supplies __str__
    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.CampaignPage"]

    class Meta:
        verbose_name = _("Campaign index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        campaigns = (
            CampaignPage.objects.child_of(self)
            .live()
            .public()
            .not_ended()
            .select_related("banner")
            .order_by("starts_at")
        )
        context["campaigns"] = campaigns
        return context


class CampaignPage(SeoMixin, Page):  # noqa: DJ008 - Page supplies __str__
    """A promotion with dates, chosen products and/or a category, and optionally a basket discount."""

    starts_at = models.DateTimeField(_("Starts at"))
    ends_at = models.DateTimeField(_("Ends at"))
    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Banner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intro = RichTextField(_("Introduction"), blank=True)
    category = models.ForeignKey(
        "catalogue.Category",
        verbose_name=_("Product category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("All products of this category take part, in addition to the chosen products."),
    )
    discount_percent = models.DecimalField(
        _("Discount (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Optional. Applied in the basket to the campaign's products while the campaign runs."),
    )
    body = StreamField(blocks.article_blocks(), verbose_name=_("Body"), blank=True)

    objects = CampaignPageManager()
    base_form_class = CampaignPageForm

    content_panels = Page.content_panels + [
        FeaturedProductWarningsPanel(),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("Dates")),
        FieldPanel("banner"),
        FieldPanel("intro"),
        InlinePanel("campaign_products", label=_("Products")),
        FieldPanel("category"),
        FieldPanel("discount_percent"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["cms.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Campaign")
        verbose_name_plural = _("Campaigns")

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The campaign must end after it starts.")})

    def main_image(self):
        return self.banner

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()

    @property
    def has_ended(self):
        return self.ends_at <= timezone.now()

    @property
    def is_running(self):
        return self.has_started and not self.has_ended

    def get_context(self, request, *args, **kwargs):
        from cms.campaigns import campaign_products

        context = super().get_context(request, *args, **kwargs)
        context["products"] = [] if self.has_ended else campaign_products(self)
        return context


class CampaignProduct(Orderable):
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="campaign_products")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("product")]


class CampaignDiscount(models.Model):
    """The Oscar offer a campaign maintains; kept outside the page so revisions never overwrite it."""

    campaign = models.OneToOneField(CampaignPage, on_delete=models.CASCADE, related_name="discount")
    offer = models.OneToOneField("offer.ConditionalOffer", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("Campaign discount")

    def __str__(self):
        return str(self.offer)


# ---------------------------------------------------------------------------
# News


class NewsIndexPage(SeoMixin, Page):  # noqa: DJ008 - Page supplies __str__
    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.NewsArticlePage"]

    class Meta:
        verbose_name = _("News index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = NewsArticlePage.objects.child_of(self).live().public().order_by("-date", "-pk")
        tag = (request.GET.get("tag") or "").strip()
        if tag:
            articles = articles.filter(tags__name=tag)
        context["tag"] = tag
        context["articles"] = _paginate(request, articles.prefetch_related("tags"), NEWS_PER_PAGE)
        return context


class NewsArticleTag(TaggedItemBase):
    content_object = ParentalKey("cms.NewsArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsArticlePage(SeoMixin, Page):  # noqa: DJ008 - Page supplies __str__
    """Publicity of typical practices (典型案例) and policy news."""

    date = models.DateField(_("Date"), default=timezone.localdate)
    intro_text = models.CharField(_("Summary"), max_length=255, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=NewsArticleTag, blank=True, verbose_name=_("Tags"))
    body = StreamField(blocks.article_blocks(), verbose_name=_("Body"), blank=True)

    content_panels = Page.content_panels + [
        FeaturedProductWarningsPanel(),
        FieldRowPanel([FieldPanel("date"), FieldPanel("tags")]),
        FieldPanel("intro_text"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro_text"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("News article")

    def main_image(self):
        return self.image


# ---------------------------------------------------------------------------
# Training


class TrainingIndexPage(SeoMixin, Page):  # noqa: DJ008 - Page supplies __str__
    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.TrainingPage"]

    class Meta:
        verbose_name = _("Training index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["trainings"] = (
            TrainingPage.objects.child_of(self).live().public().order_by("-first_published_at")
        )
        return context


class TrainingPage(SeoMixin, Page):  # noqa: DJ008 - Page supplies __str__
    """E-commerce training material for sellers (电商培训)."""

    intro_text = models.CharField(_("Summary"), max_length=255, blank=True)
    body = StreamField(blocks.training_blocks(), verbose_name=_("Body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro_text"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro_text"), index.SearchField("body")]
    parent_page_types = ["cms.TrainingIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Training page")


class TrainingAttachment(Orderable):
    page = ParentalKey(TrainingPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(
        _("Title"), max_length=255, blank=True, help_text=_("Defaults to the document's title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def display_title(self):
        return self.title or self.document.title


# ---------------------------------------------------------------------------
# Trade fairs (洽谈会/对接会)


class TradeFairPage(SeoMixin, Page):  # noqa: DJ008 - Page supplies __str__
    """A trade fair: when, where, who organises it, its exhibitors and the intents buyers signed there."""

    date = models.DateField(_("Date"))
    place = models.CharField(_("Place"), max_length=200)
    organiser = models.CharField(_("Organiser"), max_length=200)
    intro_text = models.CharField(_("Summary"), max_length=255, blank=True)
    body = RichTextField(_("Programme"), blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("place")], heading=_("When and where")),
        FieldPanel("organiser"),
        FieldPanel("intro_text"),
        FieldPanel("body"),
        InlinePanel("exhibitors", label=_("Exhibitors")),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro_text"), index.SearchField("place")]
    subpage_types = []

    class Meta:
        verbose_name = _("Trade fair")
        verbose_name_plural = _("Trade fairs")

    def get_context(self, request, *args, **kwargs):
        from shop.docking import intents

        context = super().get_context(request, *args, **kwargs)
        event_intents = self.intents.all()
        context["exhibitors"] = self.exhibitors.select_related("seller", "seller__county")
        context["intent_totals"] = intents.totals(event_intents)
        context["intents_by_county"] = intents.totals_by_county(event_intents)
        return context


class TradeFairExhibitor(Orderable):
    page = ParentalKey(TradeFairPage, on_delete=models.CASCADE, related_name="exhibitors")
    seller = models.ForeignKey(
        "partner.Partner", verbose_name=_("Seller"), on_delete=models.CASCADE, related_name="+"
    )
    booth = models.CharField(_("Booth"), max_length=32, blank=True)

    panels = [FieldPanel("seller"), FieldPanel("booth")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "seller"], name="trade_fair_exhibitor_once")]


# ---------------------------------------------------------------------------
# Site-wide navigation and footer


@register_setting(icon="list-ul")
class SiteNavigation(ClusterableModel, BaseGenericSetting):
    """The header menu and footer, edited in the CMS (Settings → Navigation)."""

    menu = StreamField([("link", blocks.LinkBlock())], verbose_name=_("Main menu"), blank=True)
    footer_columns = StreamField(
        [("column", blocks.FooterColumnBlock())], verbose_name=_("Footer columns"), blank=True
    )
    footer_text = RichTextField(_("Footer text"), blank=True, features=["bold", "italic", "link"])
    icp_number = models.CharField(_("ICP licence number"), max_length=64, blank=True)

    panels = [
        FieldPanel("menu"),
        FieldPanel("footer_columns"),
        FieldPanel("footer_text"),
        FieldPanel("icp_number"),
    ]

    class Meta:
        verbose_name = _("Navigation and footer")
