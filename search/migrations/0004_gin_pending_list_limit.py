from django.db import migrations

GIN_INDEXES = ("search_doc_tokens_gin", "search_doc_title_tokens_gin", "search_doc_pinyin_trgm")
# kB. Re-indexed rows wait in a GIN index's pending list until it is merged; every search scans that
# list, and with PostgreSQL's default of 4 MB a few thousand re-indexed products made the planner give
# up the index (1.2 s instead of 20 ms for one facet count at 100,000 products) until autovacuum came.
PENDING_LIST_LIMIT = 64  # search.indexing.GIN_PENDING_LIST_LIMIT; a rebuild raises it while it runs


def limit_pending_lists(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in GIN_INDEXES:
        schema_editor.execute(
            f"DO $$ BEGIN IF to_regclass('{name}') IS NOT NULL THEN "
            f"ALTER INDEX {name} SET (gin_pending_list_limit = {PENDING_LIST_LIMIT}); END IF; END $$"
        )


def reset_pending_lists(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in GIN_INDEXES:
        schema_editor.execute(
            f"DO $$ BEGIN IF to_regclass('{name}') IS NOT NULL THEN "
            f"ALTER INDEX {name} RESET (gin_pending_list_limit); END IF; END $$"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0003_autocomplete_indexes")]

    operations = [migrations.RunPython(limit_pending_lists, reset_pending_lists)]
