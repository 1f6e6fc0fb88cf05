import pytest
from django.contrib.auth.models import User

from tests.factories import AuthorFactory, EditorFactory


@pytest.fixture
def author(db: None) -> User:
    return AuthorFactory(username="author")


@pytest.fixture
def editor(db: None) -> User:
    return EditorFactory(username="editor")
