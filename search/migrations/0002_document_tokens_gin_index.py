from django.db import migrations

INDEX = "search_doc_tokens_gin"


def create_index(apps, schema_editor):
    # PostgreSQL only: a GIN index on the token array the database backend matches with `@>`.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON search_productdocument "
            "USING gin (string_to_array(title_tokens || body_tokens, ' '))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_product_search_documents")]

    operations = [migrations.RunPython(create_index, drop_index)]
