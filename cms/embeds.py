"""An embed finder for Chinese video sites, which publish no oEmbed endpoint.

Bilibili and Youku player URLs are derived from the video's id, so no network request is made.
WAGTAILEMBEDS_FINDERS lists this finder before Wagtail's oEmbed finder.
"""

import re

from django.utils.html import format_html
from wagtail.embeds.finders.base import EmbedFinder

BILIBILI = re.compile(r"^https?://(?:www\.|m\.)?bilibili\.com/video/(?P<id>BV[0-9A-Za-z]{10})")
YOUKU = re.compile(r"^https?://v\.youku\.com/v_show/id_(?P<id>[0-9A-Za-z=]+)\.html")

PLAYERS = [
    (BILIBILI, "Bilibili", "https://player.bilibili.com/player.html?bvid={id}&autoplay=0"),
    (YOUKU, "Youku", "https://player.youku.com/embed/{id}"),
]


class ChineseVideoFinder(EmbedFinder):
    def __init__(self, **options):
        self.options = options

    def accept(self, url):
        return any(pattern.match(url) for pattern, _name, _player in PLAYERS)

    def find_embed(self, url, max_width=None, max_height=None):
        for pattern, provider, player in PLAYERS:
            match = pattern.match(url)
            if match:
                width = max_width or 800
                height = round(width * 9 / 16)
                html = format_html(
                    '<iframe src="{}" title="{}" width="{}" height="{}" frameborder="0" allowfullscreen '
                    'sandbox="allow-scripts allow-same-origin allow-popups allow-presentation"></iframe>',
                    player.format(id=match["id"]),
                    provider,  # the frame's accessible name
                    width,
                    height,
                )
                return {
                    "title": "",
                    "author_name": "",
                    "provider_name": provider,
                    "type": "video",
                    "thumbnail_url": "",
                    "width": width,
                    "height": height,
                    "html": str(html),
                }
        raise ValueError(url)
