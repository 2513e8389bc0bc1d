"""CMS demo content: published pages of every type, navigation, and the Editors/Reviewers groups.

Idempotent: pages are found by slug under their parent, images and documents by title, so running
it again refreshes nothing that exists and adds only what is missing. Core objects (users, sellers,
products, counties) are looked up by e-mail, name, UPC and division code; missing ones are skipped.
"""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page, Site

from cms import campaigns, roles
from cms.models import (
    BrandStoryPage,
    CampaignIndexPage,
    CampaignPage,
    CampaignProduct,
    HomePage,
    HomePageFeaturedCampaign,
    NewsArticlePage,
    NewsIndexPage,
    SiteNavigation,
    StoryIndexPage,
    TrainingAttachment,
    TrainingIndexPage,
    TrainingPage,
)
from shop.core import dates

Product = get_model("catalogue", "Product")
Region = get_model("catalogue", "Region")
Partner = get_model("partner", "Partner")
Category = get_model("catalogue", "Category")

VIDEO = "https://www.bilibili.com/video/BV1GJ411x7h7"


def _say(stdout, message):
    if stdout is not None:
        stdout.write(message)


def _image(title, description, colour):
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    picture = PILImage.new("RGB", (1600, 900), colour)
    draw = ImageDraw.Draw(picture)
    for band in range(6):
        shade = tuple(max(channel - band * 18, 0) for channel in colour)
        draw.rectangle([0, 900 - (band + 1) * 60, 1600, 900 - band * 60], fill=shade)
    draw.ellipse([1150, 120, 1400, 370], fill=(255, 236, 160))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82)
    return Image.objects.create(
        title=title,
        description=description,
        file=ImageFile(buffer, name=f"cms-demo-{abs(hash(title)) % 10**8}.jpg"),
    )


def _document(title, text):
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    return Document.objects.create(title=title, file=ContentFile(text.encode("utf-8"), name="training.txt"))


def _products(*upcs):
    found = {product.upc: product for product in Product.objects.filter(upc__in=upcs)}
    return [found[upc] for upc in upcs if upc in found]


def _child(parent, model, slug, **fields):
    """The child page with this slug, created and published if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    return page, True


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()


def home_page():
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="首页", slug="aidmarket-home", hero_title="买脱贫地区产品，助乡村全面振兴")
        Page.get_first_root_node().add_child(instance=home)
        _publish(home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Aidmarket"
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.save()
        if old_root.specific_class is Page and old_root.depth == 2 and not old_root.get_children().exists():
            old_root.delete()  # Wagtail's placeholder "Welcome" page
    return home


def load_stories(home, images):
    index, created = _child(
        home,
        StoryIndexPage,
        "stories",
        title="品牌故事",
        intro="<p>每一件好产品背后，都有一方水土和一群用心的人。</p>",
        search_description="脱贫地区特色产品的品牌故事：产地、合作社与农户。",
    )
    if created:
        _publish(index)
    county = Region.objects.filter(code="360726").first()
    seller = Partner.objects.filter(name="安远县橙乡脐橙专业合作社").first()
    oranges = _products("AM00001", "AM00004", "AM00002")
    body = [
        (
            "rich_text",
            "<h2>红土地上的甜蜜事业</h2><p>安远县地处赣南，是国家级脱贫县。"
            "合作社统一技术标准、统一分级、统一品牌，2025年带动386户社员增收。</p>",
        ),
        ("image", {"image": images["orchard"], "caption": "冬至前后，安远的脐橙进入采摘旺季"}),
        ("quote", {"quote": "以前橙子卖不出去烂在树上，现在订单比果子还多。", "attribution": "社员 钟建华"}),
        (
            "gallery",
            {
                "title": "从枝头到餐桌",
                "images": [
                    {"image": images["orchard"], "caption": "采摘"},
                    {"image": images["packing"], "caption": "分拣包装车间"},
                ],
            },
        ),
        ("video", {"video": VIDEO, "caption": "纪录片：脐橙之乡的一天"}),
    ]
    if oranges:
        body.append(("product_carousel", {"heading": "合作社好物", "products": oranges}))
    if county:
        body.append(
            ("origin", {"county": county, "description": "武夷山余脉的红壤丘陵，昼夜温差大，果实化渣多汁。"})
        )
    if seller:
        body.append(("seller", {"seller": seller, "description": ""}))
    story, created = _child(
        index,
        BrandStoryPage,
        "anyuan-navel-oranges",
        title="安远脐橙：红土地上的甜蜜事业",
        intro_text="一颗脐橙，带动三百多户农户稳定增收。",
        cover_image=images["orchard"],
        county=county,
        seller=seller,
        body=body,
        search_description="赣南安远县脐橙合作社的品牌故事。",
    )
    if created:
        _publish(story)

    kiwi_county = Region.objects.filter(code="433124").first()
    kiwi_seller = Partner.objects.filter(name="花垣县十八洞村集体经济合作社").first()
    kiwis = _products("AM00051", "AM00052")
    body = [
        (
            "rich_text",
            "<p>湘西花垣县十八洞村，是“精准扶贫”重要理念的首倡地。"
            "村集体经济合作社发展猕猴桃产业，村民以土地入股，年年分红。</p>",
        ),
        ("image", {"image": images["village"], "caption": "十八洞村的苗寨与梯田"}),
        ("quote", {"quote": "日子越过越红火，我们要把猕猴桃卖到全国去。", "attribution": "村民 施金通"}),
    ]
    if kiwis:
        body.append(("product_carousel", {"heading": "十八洞猕猴桃", "products": kiwis}))
    if kiwi_county:
        body.append(("origin", {"county": kiwi_county, "description": "武陵山区腹地，云雾缭绕。"}))
    story, created = _child(
        index,
        BrandStoryPage,
        "shibadong-kiwi",
        title="十八洞村的猕猴桃",
        intro_text="从“地无三尺平”到产业兴旺，一个苗寨的致富路。",
        cover_image=images["village"],
        county=kiwi_county,
        seller=kiwi_seller,
        body=body,
    )
    if created:
        _publish(story)

    tea_county = Region.objects.filter(code="530828").first()
    teas = _products("AM00021", "AM00022")
    body = [
        (
            "rich_text",
            "<p>景迈山的千年万亩古茶林，是拉祜族、布朗族世代守护的家园。"
            "合作社社员以古茶园入股，按交售鲜叶量二次分红。</p>",
        ),
        ("image", {"image": images["tea"], "caption": "景迈山古茶林"}),
    ]
    if teas:
        body.append(("product_carousel", {"heading": "古树普洱", "products": teas}))
    if tea_county:
        body.append(("origin", {"county": tea_county, "description": "澜沧江畔，海拔1400米的古茶山。"}))
    story, created = _child(
        index,
        BrandStoryPage,
        "jingmai-ancient-tea",
        title="景迈山：守护千年古茶林",
        intro_text="一片茶叶里的民族团结与生态保护。",
        cover_image=images["tea"],
        county=tea_county,
        seller=Partner.objects.filter(name="澜沧县景迈山古茶合作社").first(),
        body=body,
    )
    if created:
        _publish(story)
    return index


def load_campaigns(home, images):
    index, created = _child(
        home,
        CampaignIndexPage,
        "campaigns",
        title="助农活动",
        intro="<p>节日促销与产销对接活动，买得实惠，帮得实在。</p>",
    )
    if created:
        _publish(index)
    now = timezone.now()
    specs = [
        (
            "spring-festival-2027",
            "春节年货节：帮农户卖年货",
            now - datetime.timedelta(days=2),
            now + datetime.timedelta(days=40),
            10,
            ("AM00001", "AM00004", "AM00061"),
            "<p>年货买起来，农户笑起来。活动期间精选脱贫地区年货享九折优惠，结算时自动减免。</p>",
        ),
        (
            "mid-autumn-harvest",
            "中秋山货节",
            now + datetime.timedelta(days=200),
            now + datetime.timedelta(days=215),
            None,
            ("AM00101", "AM00081"),
            "<p>月饼之外，再添一份山里的心意：土蜂蜜、香菇、山茶油。</p>",
        ),
    ]
    running = []
    for slug, title, starts_at, ends_at, discount, upcs, intro in specs:
        campaign, created = _child(
            index,
            CampaignPage,
            slug,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            discount_percent=discount,
            intro=intro,
            banner=images["banner"],
            live=False,
        )
        if created:
            for order, product in enumerate(_products(*upcs)):
                CampaignProduct.objects.create(page=campaign, product=product, sort_order=order)
            _publish(campaign)  # publishing creates the campaign's offer
        else:
            campaigns.sync_offer(campaign)
        if campaign.starts_at <= now < campaign.ends_at:
            running.append(campaign)
    for order, campaign in enumerate(running):
        HomePageFeaturedCampaign.objects.get_or_create(
            page=home, campaign=campaign, defaults={"sort_order": order}
        )
    return index


NEWS = [
    (
        "consumption-aid-policy-2026",
        "政策解读：2026年消费帮扶重点工作",
        ["政策解读"],
        0,
        "持续推进消费帮扶，巩固拓展脱贫攻坚成果。",
        "<p>各级预算单位应按照不低于年度农副产品采购总额10%的比例，预留份额采购脱贫地区农副产品。</p>",
    ),
    (
        "typical-case-anyuan",
        "典型案例：安远脐橙“合作社+农户”模式",
        ["典型案例"],
        3,
        "统一标准、统一品牌，让小农户对接大市场。",
        "<p>合作社以保底价收购社员脐橙，并吸纳脱贫户在分拣包装车间务工，户均年增收逾8000元。</p>",
    ),
    (
        "typical-case-zhaojue",
        "典型案例：大凉山苦荞走出深山",
        ["典型案例", "产销对接"],
        7,
        "从一粒苦荞到全国餐桌。",
        "<p>昭觉县苦荞专业合作社引入烘焙生产线，开发苦荞茶、苦荞米等产品，带动彝族群众就业。</p>",
    ),
    (
        "institution-procurement-fair",
        "机关单位消费帮扶产销对接会举行",
        ["产销对接"],
        12,
        "42家单位现场签约采购。",
        "<p>对接会上，42家预算单位与脱贫县供应商现场签约，意向采购金额1200万元。</p>",
    ),
]


def load_news(home, images):
    index, created = _child(
        home, NewsIndexPage, "news", title="新闻动态", intro="<p>政策新闻与典型经验。</p>"
    )
    if created:
        _publish(index)
    today = dates.today()
    for slug, title, tags, days_ago, summary, text in NEWS:
        article, created = _child(
            index,
            NewsArticlePage,
            slug,
            title=title,
            date=today - datetime.timedelta(days=days_ago),
            intro_text=summary,
            image=images["village"] if "案例" in title else None,
            body=[("rich_text", text), ("quote", {"quote": "消费帮扶，人人可为。", "attribution": ""})],
        )
        if created:
            article.tags.add(*tags)
            _publish(article)
    return index


def load_training(home):
    index, created = _child(
        home,
        TrainingIndexPage,
        "training",
        title="电商培训",
        intro="<p>面向脱贫地区合作社和农户的电商实操课程。</p>",
    )
    if created:
        _publish(index)
    lessons = [
        (
            "opening-a-shop",
            "第一课：在商城开店与上架商品",
            "从入驻申请到第一件商品上架。",
            "开店流程：1. 提交入驻申请与营业执照；2. 县级审核；3. 平台审核；4. 上架商品并上传认定证书。",
        ),
        (
            "product-photography",
            "第二课：用手机拍出好商品图",
            "光线、构图与白底图。",
            "拍摄要点：自然光、干净背景、正面与细节各一张，主图600×600像素以上。",
        ),
    ]
    for slug, title, summary, handout in lessons:
        document = _document(f"{title} 讲义", handout)
        page, created = _child(
            index,
            TrainingPage,
            slug,
            title=title,
            intro_text=summary,
            body=[
                ("rich_text", f"<p>{summary}</p><p>{handout}</p>"),
                ("video", {"video": VIDEO, "caption": "课程视频"}),
                ("document", {"document": document, "description": "课程讲义，可下载打印"}),
            ],
        )
        if created:
            TrainingAttachment.objects.create(page=page, document=document, title="讲义")
            _publish(page)
    return index


def load_navigation(indexes):
    navigation = SiteNavigation.load()
    if navigation.menu:
        return navigation
    navigation.menu = [("link", {"label": "全部商品", "page": None, "url": "/catalogue/"})] + [
        ("link", {"label": page.title, "page": page, "url": ""}) for page in indexes
    ]
    navigation.footer_columns = [
        (
            "column",
            {
                "heading": "关于商城",
                "links": [{"label": page.title, "page": page, "url": ""} for page in indexes[:2]],
            },
        ),
        (
            "column",
            {
                "heading": "帮助",
                "links": [
                    {"label": "电商培训", "page": indexes[-1], "url": ""},
                    {"label": "网站地图", "page": None, "url": "/sitemap.xml"},
                ],
            },
        ),
    ]
    navigation.footer_text = "<p>Aidmarket 消费帮扶商城 · 开源项目，数据仅供演示。</p>"
    navigation.icp_number = "京ICP备00000000号-1（演示）"
    navigation.save()
    return navigation


def load_roles():
    editors, reviewers = roles.install()
    User = get_user_model()
    for email, group in (("editor@example.com", editors), ("reviewer@example.com", reviewers)):
        user = User.objects.filter(email=email).first()
        if user is not None:
            user.groups.add(group)


@transaction.atomic
def load(stdout=None):
    """Create the CMS demo: every page type published, navigation, and the editorial groups."""
    _say(stdout, "CMS roles and workflow…")
    load_roles()
    images = {
        "orchard": _image("安远脐橙果园", "果农在安远县的山坡果园里采摘成熟的脐橙", (236, 140, 40)),
        "packing": _image("脐橙分拣车间", "合作社分拣包装车间里，工人按果径给脐橙分级装箱", (210, 120, 60)),
        "village": _image("十八洞村苗寨", "湘西十八洞村的苗寨木屋和山间梯田", (70, 140, 90)),
        "tea": _image("景迈山古茶林", "景迈山云雾中的千年古茶树", (60, 110, 70)),
        "banner": _image("春节年货节横幅", "红色背景的春节年货节活动横幅", (200, 30, 40)),
    }
    _say(stdout, "CMS pages…")
    home = home_page()
    if not home.hero_slides:
        home.hero_slides = [
            (
                "slide",
                {
                    "image": images["banner"],
                    "title": "春节年货节",
                    "text": "精选年货九折，结算自动减免",
                    "link_page": None,
                    "link_url": "/campaigns/spring-festival-2027/",
                    "button_text": "去看看",
                },
            ),
            (
                "slide",
                {
                    "image": images["orchard"],
                    "title": "赣南脐橙熟了",
                    "text": "产地直发，48小时内发货",
                    "link_page": None,
                    "link_url": "/stories/anyuan-navel-oranges/",
                    "button_text": "读故事",
                },
            ),
        ]
        _publish(home)
    stories = load_stories(home, images)
    campaign_index = load_campaigns(home, images)
    news = load_news(home, images)
    training = load_training(home)
    load_navigation([stories, campaign_index, news, training])
    _say(
        stdout,
        f"CMS: {Page.objects.live().type(BrandStoryPage).count()} stories, "
        f"{CampaignPage.objects.live().count()} campaigns, {NewsArticlePage.objects.live().count()} news.",
    )
