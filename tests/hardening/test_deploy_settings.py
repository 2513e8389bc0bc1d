import subprocess
import sys

import pytest
from django.conf import settings

from tests.hardening.prod_settings import subprocess_env


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_production_settings_pass_check_deploy_without_any_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without_required_variable(missing):
    result = manage("check", **{missing: None})

    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_silences_no_system_check():
    result = manage("diffsettings", "--all")

    assert "SILENCED_SYSTEM_CHECKS = []" in result.stdout, result.stderr
