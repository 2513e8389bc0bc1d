"""One pass of PostgreSQL's GROUPING SETS over a queryset: aggregates of its rows grouped by each column
alone (and, if asked, over all of them), where one GROUP BY per column would read the rows each time.
Used by the facet counts (search) and the quota figures (institutions)."""

from collections.abc import Iterator

from django.db import connection


def grouping_sets(
    rows, columns: list[str], aggregates: list[str], *, params=(), grand_total: bool = False
) -> Iterator[tuple[str | None, object, tuple]]:
    """Yield (column, value, figures) for each value of each of `columns` in `rows` (a `.values()`
    queryset holding the columns and whatever the aggregates read), and (None, None, figures) for the
    grand total when `grand_total`. `aggregates` are SQL over the queryset's columns ("COUNT(*)",
    "SUM(amount) FILTER (WHERE reason = %s)"); `params` fill their placeholders."""
    query, query_params = rows.query.sql_with_params()
    quoted = [connection.ops.quote_name(column) for column in columns]
    sets = [f"({name})" for name in quoted] + (["()"] if grand_total else [])
    sql = (
        f"SELECT {', '.join(quoted)}, {', '.join(f'GROUPING({name})' for name in quoted)}, "
        f"{', '.join(aggregates)} FROM ({query}) AS grouped GROUP BY GROUPING SETS ({', '.join(sets)})"
    )
    width = len(columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *query_params])
        for row in cursor.fetchall():
            values, grouping, figures = row[:width], row[width : 2 * width], tuple(row[2 * width :])
            if 0 not in grouping:
                yield None, None, figures
                continue
            index = grouping.index(0)  # GROUPING(x) is 0 for the one column this row is grouped by
            yield columns[index], values[index], figures
