"""Demo data for search: index everything the other demo loaders created (idempotent)."""

from search import indexing


def load(stdout):
    summary = indexing.rebuild()
    stdout.write(f"Search: indexed {summary['products']} products.\n")
