"""The shop's own domain settings."""

from ..env import env

# Site-wide default reserved share of an organisation's purchases, as a decimal fraction.
AIDMARKET_DEFAULT_QUOTA_SHARE = env.str("AIDMARKET_DEFAULT_QUOTA_SHARE", default="0.10")

# Last day (month-day, in the declared year) on which organisations may submit a year's declaration of
# canteen food spending, unless staff set a deadline for that year (Declaration deadlines in the admin).
AIDMARKET_DECLARATION_DEADLINE = env.str("AIDMARKET_DECLARATION_DEADLINE", default="12-31")
