"""The shop's own domain settings."""

from ..env import env

# Site-wide default reserved share of an organisation's purchases, as a decimal fraction.
AIDMARKET_DEFAULT_QUOTA_SHARE = env.str("AIDMARKET_DEFAULT_QUOTA_SHARE", default="0.10")
