"""`python -m devtools.benchmarks.database URL`: create the benchmark database if it does not exist yet."""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database named in `url`; returns True when it had to be created."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


if __name__ == "__main__":
    if ensure_database(sys.argv[1]):
        print(f"created {urlsplit(sys.argv[1]).path.lstrip('/')}")
