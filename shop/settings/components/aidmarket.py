"""The shop's own domain settings."""

from ..env import env

# Site-wide default reserved share of an organisation's purchases, as a decimal fraction.
AIDMARKET_DEFAULT_QUOTA_SHARE = env.str("AIDMARKET_DEFAULT_QUOTA_SHARE", default="0.10")

# The platform's account that bank-transfer customers pay into (shown on the thank-you and order pages).
# The defaults are demo values; set the real account in the environment.
AIDMARKET_BANK_ACCOUNT_NAME = env.str("AIDMARKET_BANK_ACCOUNT_NAME", default="消费帮扶商城运营有限公司")
AIDMARKET_BANK_NAME = env.str("AIDMARKET_BANK_NAME", default="中国农业银行北京朝阳支行")
AIDMARKET_BANK_ACCOUNT_NUMBER = env.str("AIDMARKET_BANK_ACCOUNT_NUMBER", default="6228 4800 1234 5678 901")
# Last day (month-day, in the declared year) on which organisations may submit a year's declaration of
# canteen food spending, unless staff set a deadline for that year (Declaration deadlines in the admin).
AIDMARKET_DECLARATION_DEADLINE = env.str("AIDMARKET_DECLARATION_DEADLINE", default="12-31")
# On: the quota ledger's rows are recomputed by a task queued when the transaction commits. Off:
# recomputed at once (the test suite, one-off scripts).
QUOTA_LEDGER_ON_COMMIT = env.bool("QUOTA_LEDGER_ON_COMMIT", default=True)
