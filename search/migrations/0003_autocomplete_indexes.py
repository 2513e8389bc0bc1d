from django.db import migrations, models, transaction

TITLE_INDEX = "search_doc_title_tokens_gin"
PINYIN_INDEX = "search_doc_pinyin_trgm"


def create_indexes(apps, schema_editor):
    # PostgreSQL only (SQLite matches with LIKE): the autocomplete's title-token match and pinyin prefix
    # match each get an index, so a keystroke reads only the matching rows.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TITLE_INDEX} ON search_productdocument "
        "USING gin (string_to_array(title_tokens, ' '))"
    )
    try:
        # pg_trgm ships with PostgreSQL (contrib) and is a trusted extension; where it cannot be
        # installed the pinyin match still works, by scanning.
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {PINYIN_INDEX} ON search_productdocument USING gin (pinyin gin_trgm_ops)"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {PINYIN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_document_tokens_gin_index")]

    operations = [
        migrations.AddIndex(
            model_name="productdocument",
            index=models.Index(
                condition=models.Q(("available", True)),
                fields=["-in_stock", "-num_sold", "-date_created", "-product"],
                name="search_doc_rank",
            ),
        ),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
