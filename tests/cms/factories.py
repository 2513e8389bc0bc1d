"""Builders for CMS pages, images and documents used by the CMS tests."""

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from cms.models import (
    BrandStoryPage,
    CampaignPage,
    CampaignProduct,
    NewsArticlePage,
    TrainingAttachment,
    TrainingPage,
)


def make_image(title, *, description="图片说明", color=(230, 120, 30), size=(640, 480)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG")
    return Image.objects.create(
        title=title, description=description, file=ImageFile(buffer, name=f"{uuid.uuid4().hex}.jpg")
    )


def make_document(title, text="电商培训讲义"):
    return Document.objects.create(
        title=title, file=ContentFile(text.encode(), name=f"{uuid.uuid4().hex}.txt")
    )


def story_body(
    *,
    products=(),
    image=None,
    county=None,
    seller=None,
    video_url="https://www.bilibili.com/video/BV1xx411c7mD",
):
    body = [
        ("rich_text", "<p>红土地上的甜蜜事业。</p>"),
        ("quote", {"quote": "种好每一棵树。", "attribution": "钟建华"}),
    ]
    if image is not None:
        body.append(("image", {"image": image, "caption": "果园"}))
        body.append(("gallery", {"title": "采摘季", "images": [{"image": image, "caption": "采摘"}]}))
    body.append(("video", {"video": video_url, "caption": "果园纪录片"}))
    if products:
        body.append(("product_carousel", {"heading": "本期好物", "products": list(products)}))
    if county is not None:
        body.append(("origin", {"county": county, "description": "武夷山余脉的红壤丘陵。"}))
    if seller is not None:
        body.append(("seller", {"seller": seller, "description": ""}))
    return body


def add_story(
    parent, *, title="安远脐橙的故事", products=(), image=None, county=None, seller=None, live=True, **kwargs
):
    page = BrandStoryPage(
        title=title,
        intro_text="一颗脐橙带动一方百姓增收。",
        cover_image=image,
        county=county,
        seller=seller,
        body=story_body(products=products, image=image, county=county),
        live=live,
        **kwargs,
    )
    parent.add_child(instance=page)
    if live:
        page.save_revision().publish()
    return page


def add_campaign(parent, *, title="春节年货节：助农增收", products=(), category=None, live=True, **kwargs):
    page = CampaignPage(
        title=title, intro="<p>年货买起来，农户笑起来。</p>", category=category, live=False, **kwargs
    )
    parent.add_child(instance=page)
    for product in products:
        CampaignProduct.objects.create(page=page, product=product)
    revision = page.save_revision()
    if live:
        revision.publish()
    page.refresh_from_db()
    return page


def add_article(parent, *, title="典型案例：十八洞村的猕猴桃", date=None, tags=(), **kwargs):
    page = NewsArticlePage(
        title=title, intro_text="精准扶贫首倡地的产业路。", body=[("rich_text", "<p>正文</p>")], **kwargs
    )
    if date is not None:
        page.date = date
    parent.add_child(instance=page)
    page.tags.add(*tags)
    page.save_revision().publish()
    return page


def add_training(parent, *, title="农产品网店开店指南", document=None):
    body = [
        ("rich_text", "<p>第一课：拍好商品图。</p>"),
        ("video", {"video": "https://www.bilibili.com/video/BV1xx411c7mD"}),
    ]
    if document is not None:
        body.append(("document", {"document": document, "description": "课件"}))
    page = TrainingPage(title=title, intro_text="写给合作社的电商入门课。", body=body)
    parent.add_child(instance=page)
    if document is not None:
        TrainingAttachment.objects.create(page=page, document=document, title="开店流程图解")
    page.save_revision().publish()
    return page
