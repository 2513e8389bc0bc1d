"""A small pool of product photos shared by every generated product (one file, many rows)."""

import random
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

POOL_DIR = "loadgen/images"
PALETTE = [(233, 150, 40), (200, 60, 50), (90, 160, 70), (150, 110, 60), (240, 200, 80), (120, 80, 140)]


def ensure_pool(size: int, *, seed: int) -> list[str]:
    """Write `size` simple JPEGs under MEDIA_ROOT (once); returns their storage names."""
    rng = random.Random(seed)
    names = []
    for index in range(size):
        name = f"{POOL_DIR}/pool-{index:03d}.jpg"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(_picture(rng, index)))
        names.append(name)
    return names


def _picture(rng, index):
    background = PALETTE[index % len(PALETTE)]
    image = Image.new("RGB", (600, 600), tuple(min(255, c + 60) for c in background))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y, r = rng.randint(80, 520), rng.randint(80, 520), rng.randint(40, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=background, outline=(60, 40, 20), width=4)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()
