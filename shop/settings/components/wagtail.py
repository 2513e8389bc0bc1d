"""Wagtail: the CMS pages, images, documents and embeds."""

from ..env import env
from .uploads import MAX_IMAGE_PIXELS, MAX_IMAGE_UPLOAD_BYTES

WAGTAIL_SITE_NAME = "Aidmarket"
WAGTAILADMIN_USER_LOGIN_FORM = "cms.forms.AdminLoginForm"  # a labelled (translated) password field
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party avatar requests from the admin
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.images.ImageForm"  # alt text (description) is required
WAGTAILIMAGES_MAX_UPLOAD_SIZE = MAX_IMAGE_UPLOAD_BYTES
WAGTAILIMAGES_MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]  # only decodable images
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "zip"]
WAGTAILEMBEDS_FINDERS = [
    {"class": "cms.embeds.ChineseVideoFinder"},
    {"class": "wagtail.embeds.finders.oembed"},
]
