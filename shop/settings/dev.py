"""Development: base, with DEBUG on by default and the developer tools (load_demo_data …) installed."""

from .base import *  # noqa: F401,F403
from .base import INSTALLED_APPS
from .components.devtools import DEVTOOLS_APPS
from .env import env

DEBUG = env.bool("DEBUG", default=True)
INSTALLED_APPS = [*INSTALLED_APPS, *DEVTOOLS_APPS]
