"""The text a person sees on a page, and the English phrases in it.

Script, style and template contents are not text; placeholder, title and alt attributes and the labels
of input buttons are. Elements with the `hidden` attribute are not shown. Screen-reader-only text
(aria-label, .sr-only, Wagtail's .w-sr-only) is not visible and not read here:
Oscar hard-codes some of it in English in dozens of templates (aria-label="breadcrumb"), which no
translation can reach. E-mail addresses, web addresses and codes mixing letters with digits
(tracking numbers, SKUs, credit codes) are data, not UI, and are removed before looking for English.
"""

import re
from html.parser import HTMLParser

SKIPPED = {"script", "style", "noscript", "template", "svg", "head"}
LITERAL = {"code", "kbd", "samp"}  # values to type as shown (an import file's column keys), not UI words
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("placeholder", "title", "alt")
HIDDEN_CLASSES = {"sr-only", "visually-hidden", "w-sr-only"}

# Words that are fine in the Chinese interface: brands and format names people know by these names.
ALLOWED = {
    "Aidmarket",  # the shop's brand, also in its Chinese name "Aidmarket 消费帮扶商城"
    "Alipay",
    "WeChat",
    "Pay",  # "WeChat Pay"
    "Stripe",
    "PDF",
    "CSV",
    "XLSX",
    "Excel",
    "WPS",
    "UTF",
    "GBK",
    "GB",
    "EMS",
    "SKU",
    "ID",
    "JD",
    "SEO",
    "URL",
    "API",
    "HTML",
    "PNG",
    "JPEG",
    "JPG",
    "WebP",
    "WEBP",  # Wagtail lists the accepted image formats by their upper-case extensions
    "UPC",  # the barcode standard, named so in Oscar's range forms as SKU is
    "ICP",  # ICP备案号, the site's registration number as the law names it
    "Wagtail",  # the CMS's name, shown in its own admin
    "Oscar",
    "Django",  # "the fields are rendered with Django's template system" (Oscar's e-mail editor)
    "English",  # the language switcher names each language in its own language
}

_EMAIL = re.compile(r"[\w.+-]*@[\w-]+(\.[\w-]+)+")
_TEMPLATE_SYNTAX = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")  # template code staff edit (Oscar's e-mail texts)
_FILE_NAME = re.compile(r"[\w.-]+\.(?:pdf|png|jpe?g|webp|gif|csv|xlsx|docx?)\b", re.I)
_DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\b")  # an app_label.model identifier (Wagtail's page-type report)
_URL = re.compile(r"(https?://|www\.)\S+|(?<!\w)/[\w/.\-?=&%]+")
_CODE = re.compile(r"\b(?=\w*\d)(?=\w*[A-Za-z])\w+\b")  # letters mixed with digits
_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z'’]*(?![A-Za-z0-9_])")
_RAW_CODE = re.compile(r"(?<![\w/])[a-z]+(?:_[a-z]+)+(?![\w/])")  # a status key such as pending_payment
_RUN = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z'’]*(?:[ \t\-,:/&]+[A-Za-z][A-Za-z'’]*)*(?![A-Za-z0-9_])")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.stack = []
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = (
            tag in SKIPPED
            or tag in LITERAL
            or "hidden" in attributes
            or bool(HIDDEN_CLASSES & set((attributes.get("class") or "").split()))
        )
        if tag not in VOID:
            self.stack.append((tag, hidden))
            if hidden:
                self.skipping += 1
        if self.skipping:
            return
        for name in SHOWN_ATTRIBUTES:
            if attributes.get(name):
                self.chunks.append(attributes[name])
        if (
            tag == "input"
            and attributes.get("type") in ("submit", "button", "reset")
            and attributes.get("value")
        ):
            self.chunks.append(attributes["value"])

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            return  # <div/>: nothing opens
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID or tag not in (opened for opened, _hidden in self.stack):
            return
        while self.stack:
            opened, hidden = self.stack.pop()
            if hidden:
                self.skipping -= 1
            if opened == tag:
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    """The page's text pieces as a person meets them."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return [" ".join(chunk.split()) for chunk in parser.chunks]


def _proper_names() -> set[str]:
    """Names that are not UI words: time-zone names and each language's name in that language."""
    import zoneinfo

    from django.conf.locale import LANG_INFO

    zones = zoneinfo.available_timezones()
    areas = {zone.split("/")[0] for zone in zones}
    languages = {info["name_local"] for info in LANG_INFO.values() if "name_local" in info}
    return zones | areas | languages


def english_phrases(html: str, *, data=()) -> set[str]:
    """Runs of English words outside the allow-list; `data` are strings the test created (names, titles)."""
    found = set()
    names = _proper_names()
    for chunk in visible_text(html):
        if chunk.strip() in names:
            continue
        chunk = _TEMPLATE_SYNTAX.sub(" ", _EMAIL.sub(" ", chunk))
        for value in data:
            chunk = chunk.replace(value, " ")
        chunk = _DOTTED.sub(" ", _FILE_NAME.sub(" ", _URL.sub(" ", chunk)))
        found.update(_RAW_CODE.findall(chunk))
        chunk = _CODE.sub(" ", chunk)
        for run in _RUN.findall(chunk):
            words = [word for word in _WORD.findall(run) if word not in ALLOWED]
            if not words:
                continue
            if len(words) == 1 and len(words[0]) < 3:
                continue  # a lone letter or unit (e.g. "g", "kg" next to a number)
            found.add(run.strip(" -,:/&"))
    return found
