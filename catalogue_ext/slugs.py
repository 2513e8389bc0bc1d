"""Readable ASCII slugs for Chinese titles: 赣南脐橙 5kg → gan-nan-qi-cheng-5kg.

Oscar's default slugifier escapes every Chinese character (u8d63u5357…); shoppers and search
engines get pinyin instead. Oscar calls this through OSCAR_SLUG_FUNCTION for products, categories
and every other slug it makes.
"""

from django.utils.text import slugify
from pypinyin import lazy_pinyin


def pinyin_slugify(value: str, allow_unicode: bool = False) -> str:
    """The value with Chinese characters spelt in toneless pinyin, then slugified as Django does."""
    spelt = " ".join(lazy_pinyin(str(value), errors="default"))
    return slugify(spelt, allow_unicode=allow_unicode)
