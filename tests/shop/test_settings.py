"""Settings: developer tools only outside production, one list of apps and middleware, no app code."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.hardening.prod_settings import PROD_ENV

SETTINGS_DIR = Path(settings.BASE_DIR) / "shop" / "settings"
OUR_PACKAGES = ("shop", "catalogue_ext", "cms", "search", "devtools", "tests")
DEVTOOLS_APPS = [
    "devtools.demo.apps.DemoConfig",
    "devtools.loadgen.apps.LoadgenConfig",
    "devtools.benchmarks.apps.BenchmarksConfig",
]


def installed_apps(module: str) -> list[str]:
    """INSTALLED_APPS as the settings module builds it, in a fresh interpreter with prod's variables."""
    script = f"import importlib, json; print(json.dumps(importlib.import_module({module!r}).INSTALLED_APPS))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**_environment(), **PROD_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _environment() -> dict:
    import os

    return {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}


def test_production_installs_no_developer_tools():
    apps = installed_apps("shop.settings.prod")

    assert "shop.sellers.apps.SellersConfig" in apps
    assert [app for app in apps if app.startswith("devtools")] == []


def test_production_has_no_demo_or_benchmark_commands():
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo_data"],
        cwd=settings.BASE_DIR,
        env={**_environment(), **PROD_ENV, "DJANGO_SETTINGS_MODULE": "shop.settings.prod"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "Unknown command: 'load_demo_data'" in result.stderr


@pytest.mark.parametrize("module", ["shop.settings.dev", "shop.settings.test", "shop.settings.bench"])
def test_development_test_and_bench_settings_install_the_developer_tools(module):
    apps = installed_apps(module)

    assert apps[-len(DEVTOOLS_APPS) :] == DEVTOOLS_APPS
    assert len(apps) == len(set(apps))


def _imported_modules(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.append(node.module)
    return modules


@pytest.mark.parametrize("path", sorted(SETTINGS_DIR.rglob("*.py")), ids=lambda path: path.name)
def test_settings_modules_import_no_application_code(path):
    ours = [name for name in _imported_modules(path) if name.split(".")[0] in OUR_PACKAGES]

    assert ours == []


def test_installed_apps_and_middleware_are_each_assigned_once_in_base():
    tree = ast.parse((SETTINGS_DIR / "base.py").read_text())
    assigned = [
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AugAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    ]
    mutated = [
        node.func.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.attr in {"append", "insert", "extend", "remove"}
    ]

    assert assigned.count("INSTALLED_APPS") == 1
    assert assigned.count("MIDDLEWARE") == 1
    assert not {"INSTALLED_APPS", "MIDDLEWARE"} & set(mutated)
