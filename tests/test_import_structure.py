"""Models import one way: they know nothing of the modules that read them.

What acts on a model's change (the API's stored answers, the webhooks, search, the
messages to partners, the task that sends an invitation, the session engine) reads the
models, and is named in settings for the models to call. A models module that imported
one of them, even inside a function, would close a circle through the whole app.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# What each models module must not import, at the top or inside a function.
READ_THE_MODELS = {
    "campaigns.models": [
        "campaigns.api",
        "campaigns.webhooks",
        "campaigns.documents",
        "campaigns.search",
        "campaigns.sign_on",
    ],
    "invitations.models": ["invitations.sending"],
    "staff.models": ["staff.sessions"],
}


def imported_by(module: str) -> set[str]:
    """Every module an import statement of `module` names, anywhere in it: for
    `from . import x`, both the package and `package.x`."""
    path = Path(settings.BASE_DIR, *module.split(".")).with_suffix(".py")
    package = module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            source = ".".join(part for part in (base, node.module or "") if part)
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("models_module", sorted(READ_THE_MODELS))
def test_models_import_nothing_that_reads_them(models_module: str) -> None:
    assert imported_by(models_module) & set(READ_THE_MODELS[models_module]) == set()


def test_the_import_check_sees_imports_inside_functions() -> None:
    # The webhooks module imports these models at the top, and the API inside a function.
    assert {"campaigns.models", "campaigns.api"} <= imported_by("campaigns.webhooks")


# A fresh interpreter: the apps set up (every models module imported, with what they
# import in turn) without the admin's autodiscovery, which imports every admin.py.
PROGRAM = """
import sys

import django
from django.conf import settings

settings.INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig" if app == "django.contrib.admin" else app
    for app in settings.INSTALLED_APPS
]
django.setup()
print(" ".join(sorted(sys.modules)))
"""


def test_setting_up_the_models_imports_nothing_that_reads_them() -> None:
    run = subprocess.run(  # noqa: S603 - this interpreter, the program above
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=settings.BASE_DIR,
    )
    imported = set(run.stdout.split())
    assert set(READ_THE_MODELS) <= imported
    readers = {reader for listed in READ_THE_MODELS.values() for reader in listed}
    assert readers & imported == set()
