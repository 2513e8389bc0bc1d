"""Product search: Elasticsearch when ELASTICSEARCH_URL is set, the database otherwise."""

from ..env import BASE_DIR, env

ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="aidmarket")
# Seconds; then fall back to the database.
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=3.0)
# On: index changes when the transaction commits. Off: index at once (the test suite, one-off scripts).
SEARCH_INDEX_ON_COMMIT = env.bool("SEARCH_INDEX_ON_COMMIT", default=True)
# Tests: make writes visible at once.
SEARCH_REFRESH_ON_INDEX = env.bool("SEARCH_REFRESH_ON_INDEX", default=False)
SEARCH_SYNONYMS_FILE = env("SEARCH_SYNONYMS_FILE", default=str(BASE_DIR / "search" / "synonyms.txt"))
