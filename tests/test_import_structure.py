"""Modules import one way, and models know nothing of the modules that read them.

What acts on a model's change (the API's stored answers, the webhooks, search, the
messages to partners, the task that sends an invitation, the session engine) reads the
models, and is named in settings for the models to call. A models module that imported
one of them, even inside a function, would close a circle through the whole app.

Nor does any other module import, directly or through others, one that imports it: the
API's stored answers (campaigns/documents.py) read the statement's serializer from
campaigns/serializers.py, and the API reads both.
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
    path = Path(settings.BASE_DIR, *module.split("."))
    if path.is_dir():
        path, package = path / "__init__.py", module
    else:
        path, package = path.with_suffix(".py"), module.rpartition(".")[0]
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
    # The sign-on messages import these models at the top, and the API inside a function.
    assert {"campaigns.models", "campaigns.api"} <= imported_by("campaigns.sign_on")


def project_modules() -> set[str]:
    """Every module of the project's packages (the apps, config, lib, bench), tests apart."""
    base = Path(settings.BASE_DIR)
    modules = set()
    for init in base.glob("*/__init__.py"):
        if init.parent.name == "tests":
            continue
        for path in init.parent.rglob("*.py"):
            parts = path.relative_to(base).with_suffix("").parts
            modules.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def import_circles(imports: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import each other, directly or through others
    (the strongly connected components of more than one module, or of one that imports
    itself)."""
    reaches = {module: set(imported) for module, imported in imports.items()}
    # Until nothing is added: each module reaches what the modules it reaches import.
    changed = True
    while changed:
        changed = False
        for reached in reaches.values():
            further = set().union(*(imports[module] for module in reached)) - reached
            if further:
                reached |= further
                changed = True
    circles: list[set[str]] = []
    for module, reached in sorted(reaches.items()):
        if module in reached and not any(module in circle for circle in circles):
            circles.append({other for other in reached if module in reaches[other]})
    return circles


def test_no_module_imports_itself_through_others() -> None:
    modules = project_modules()
    assert {"campaigns.api", "campaigns.documents", "campaigns.serializers"} <= modules
    imports = {module: imported_by(module) & modules for module in modules}
    assert import_circles(imports) == []


def test_the_circle_check_finds_a_circle() -> None:
    imports = {
        "campaigns.api": {"campaigns.documents", "campaigns.serializers"},
        "campaigns.documents": {"campaigns.serializers", "campaigns.api"},
        "campaigns.serializers": set(),
    }
    assert import_circles(imports) == [{"campaigns.api", "campaigns.documents"}]


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
