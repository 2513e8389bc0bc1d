"""Readable ASCII slugs for Chinese titles: 赣南脐橙 5kg → gan-nan-qi-cheng-5kg.

Oscar's default slugifier escapes every Chinese character (u8d63u5357…); shoppers and search
engines get pinyin instead. Oscar calls this through OSCAR_SLUG_FUNCTION for products, categories
and every other slug it makes.

Pinyin is several times longer than the characters it spells: a 255-character Chinese title becomes
well over a thousand characters of pinyin, which the 255-character slug columns refuse (a database
error on PostgreSQL). So slugs are cut to MAX_SLUG_LENGTH, at a word boundary where there is one.
"""

from django.utils.text import slugify
from pypinyin import lazy_pinyin

#: The shortest slug column Oscar fills from this function without truncating itself
#: (Product.slug and Category.slug; AutoSlugFields such as ProductClass.slug cut their own).
MAX_SLUG_LENGTH = 255


def pinyin_slugify(value: str, allow_unicode: bool = False) -> str:
    """The value with Chinese characters spelt in toneless pinyin, slugified as Django does, at most 255 long."""
    spelt = " ".join(lazy_pinyin(str(value), errors="default"))
    return truncate_slug(slugify(spelt, allow_unicode=allow_unicode))


def truncate_slug(slug: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """The slug cut to max_length, preferably after a whole word, never ending in a hyphen."""
    if len(slug) <= max_length:
        return slug
    cut = slug[:max_length]
    if slug[max_length] != "-" and "-" in cut:
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-_") or slug[:max_length]
