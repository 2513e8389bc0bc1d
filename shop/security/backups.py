"""Backups of the database and media that restore exactly: pg_dump/pg_restore or SQLite's backup API.

A backup is a folder: database.dump (PostgreSQL custom format) or database.sqlite3, media.tar.gz,
private-media.tar.gz (licence and certificate scans, shop.core.files.PrivateStorage) and manifest.json (when,
which engine, which migrations, row counts of the tables that matter).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from oscar.core.loading import get_model

from shop.core import dates
from shop.core.files import private_root

COUNTED_MODELS = (
    ("order", "Order"),
    ("order", "Line"),
    ("catalogue", "Product"),
    ("catalogue", "ProductCertificate"),
    ("partner", "Partner"),
    ("partner", "StockRecord"),
)


class BackupError(Exception):
    pass


def _postgres_env() -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        PGHOST=str(db.get("HOST") or "127.0.0.1"),
        PGPORT=str(db.get("PORT") or "5432"),
        PGUSER=str(db.get("USER") or "postgres"),
        PGDATABASE=str(db["NAME"]),
    )
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_postgres_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _row_counts() -> dict:
    return {f"{app}.{name}": get_model(app, name).objects.count() for app, name in COUNTED_MODELS}


def backup(destination: Path | str | None = None) -> Path:
    """Write a complete backup of the database and media into a new folder and return it."""
    root = Path(destination or Path(settings.BASE_DIR) / "var" / "backups")
    folder = root / timezone.now().strftime("%Y%m%dT%H%M%S%f")
    folder.mkdir(parents=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(folder / "database.dump")]
        )
    elif vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.sqlite3") as target:
            connection.connection.backup(target)
    else:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    for archive_name, root in _media_folders():
        with tarfile.open(folder / archive_name, "w:gz") as archive:
            if root.exists():
                archive.add(root, arcname=".")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "engine": vendor,
        "database": str(connection.settings_dict["NAME"]),
        "migrations": sorted(
            f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
        ),
        "row_counts": _row_counts(),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return folder


def _media_folders() -> list[tuple[str, Path]]:
    return [("media.tar.gz", Path(settings.MEDIA_ROOT)), ("private-media.tar.gz", Path(private_root()))]


def latest(root: Path | str | None = None) -> Path:
    root = Path(root or Path(settings.BASE_DIR) / "var" / "backups")
    folders = sorted(path for path in root.glob("*") if (path / "manifest.json").exists())
    if not folders:
        raise BackupError(f"No backup found in {root}.")
    return folders[-1]


def restore(folder: Path | str) -> dict:
    """Replace the database and media with the backup's, exactly; return the backup's manifest."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    vendor = connection.vendor
    if manifest["engine"] != vendor:
        raise BackupError(f"This backup is of a {manifest['engine']} database, not {vendor}.")
    if vendor == "postgresql":
        connection.close()
        # An empty schema first, so that tables created after the backup do not survive the restore.
        _run(
            [
                "psql",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "-c",
                "DROP SCHEMA public CASCADE; CREATE SCHEMA public;",
            ]
        )
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                _postgres_env()["PGDATABASE"],
                str(folder / "database.dump"),
            ]
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.sqlite3") as source:
            source.backup(connection.connection)
    for archive_name, root in _media_folders():
        if (folder / archive_name).exists():  # backups made before scans were private have no private part
            _restore_media(folder / archive_name, root)
    if _row_counts() != manifest["row_counts"]:
        raise BackupError("The restored database does not hold the rows the backup recorded.")
    return manifest


def _restore_media(archive_path: Path, media: Path) -> None:
    media.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media.parent))
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(staging, filter="data")  # refuses absolute paths and ../ escapes
    previous = media.with_name(f"{media.name}.before-restore-{dates.now():%Y%m%d%H%M%S}")
    if media.exists():
        media.rename(previous)
    staging.rename(media)
    shutil.rmtree(previous, ignore_errors=True)
