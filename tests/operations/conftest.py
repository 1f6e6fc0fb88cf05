import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader


@pytest.fixture
def staff_groups(transactional_db: None) -> None:
    """The Authors and Editors groups, which a data migration creates and which loaddemo
    needs: a transactional test that ran earlier emptied every table, groups included."""
    migration = importlib.import_module("campaigns.migrations.0002_staff_groups")
    migration.create_groups(MigrationLoader(connection).project_state().apps, None)
