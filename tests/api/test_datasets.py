"""The whole public dataset as files: built by the worker, never with anything non-public."""

import csv
import hashlib
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Signature, Statement
from tests.factories import (
    DemandFactory,
    LawFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draftmarker": {},
    "inreviewmarker": {"in_review": True},
    "approvedmarker": {"approved": True},
    "scheduledmarker": {"scheduled": True},
    "withdrawnmarker": {"withdrawn": True},
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def build() -> None:
    call_command("builddatasets", stdout=io.StringIO())


def download(api: APIClient, url: str) -> bytes:
    response = api.get(url)
    assert response.status_code == 200, url
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def files(api: APIClient) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in api.get("/api/v1/datasets/").json()["files"]}


def test_before_the_first_build_there_are_no_files(api: APIClient) -> None:
    index = api.get("/api/v1/datasets/").json()

    assert index["files"] == []
    assert index["built_at"] is None
    assert index["licence"]["name"] == "CC BY 4.0"


TITLE = "Abrogez la loi sur les « agents de l’étranger »"
SIGNATORY = "Fédération internationale pour les droits humains"


def test_every_dataset_in_both_formats_with_its_checksum(api: APIClient) -> None:
    statement = StatementFactory(published=True, title=TITLE)
    SignatureFactory(statement=statement, organisation__name=SIGNATORY)
    DemandFactory(statement=statement, law=LawFactory(common_title="Foreign agents law"))
    build()

    listed = files(api)

    assert set(listed) == {
        f"{dataset}.{extension}"
        for dataset in ("statements", "laws", "organisations")
        for extension in ("jsonl", "csv")
    }
    for name, entry in listed.items():
        content = download(api, entry["url"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], name
        assert len(content) == entry["bytes"], name
        assert download(api, entry["url"] + ".sha256").decode() == f"{entry['sha256']}  {name}\n"
    [row] = [
        json.loads(line) for line in download(api, listed["statements.jsonl"]["url"]).splitlines()
    ]
    assert row["id"] == statement.pk
    assert row["title"] == TITLE
    assert [s["organisation"]["name"] for s in row["signatories"]] == [SIGNATORY]
    table = list(
        csv.DictReader(io.StringIO(download(api, listed["statements.csv"]["url"]).decode()))
    )
    assert table[0]["title"] == TITLE
    assert SIGNATORY in table[0]["signatories"]
    csv_response = api.get(listed["statements.csv"]["url"])
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["ETag"] == f'"{listed["statements.csv"]["sha256"]}"'
    assert "attachment" in csv_response["Content-Disposition"]


def test_nothing_that_is_not_public_is_in_any_file(api: APIClient) -> None:
    public = StatementFactory(published=True)
    SignatureFactory(
        statement=public,
        organisation__name="Pendingmarker NGO",
        status=Signature.Status.PENDING,
    )
    for marker, traits in HIDDEN.items():
        hidden = StatementFactory(**traits, title=f"Title {marker}", body=f"Body {marker}")
        SignatureFactory(statement=hidden, organisation__name=f"Signatory {marker}")
        DemandFactory(statement=hidden, text=f"Demand {marker}", law=LawFactory())
    OrganisationFactory(name="Unknownmarker NGO")  # named by nothing public
    build()

    for name, entry in files(api).items():
        content = download(api, entry["url"]).decode()
        for marker in [*HIDDEN, "pendingmarker", "unknownmarker"]:
            assert marker not in content.casefold(), (name, marker)
    assert public.title in download(api, files(api)["statements.jsonl"]["url"]).decode()


def test_a_scheduled_statement_joins_the_files_once_its_time_comes(api: APIClient) -> None:
    StatementFactory(published=True)
    scheduled = StatementFactory(scheduled=True, title="Scheduled for later")
    build()
    first = files(api)["statements.jsonl"]
    build()  # nothing changed: nothing built
    assert files(api)["statements.jsonl"] == first

    Statement.objects.filter(pk=scheduled.pk).update(
        publish_at=timezone.now() - timedelta(seconds=1)
    )
    build()

    statements = download(api, files(api)["statements.jsonl"]["url"]).decode()
    assert "Scheduled for later" in statements
    assert files(api)["statements.jsonl"]["sha256"] != first["sha256"]


def test_a_withdrawn_statement_leaves_the_files(api: APIClient, editor: Any) -> None:
    statement = StatementFactory(published=True, title="Soon withdrawn")
    build()
    assert "Soon withdrawn" in download(api, files(api)["statements.jsonl"]["url"]).decode()

    statement.withdraw(by=editor, reason="Issued in error")
    build()

    assert "Soon withdrawn" not in download(api, files(api)["statements.jsonl"]["url"]).decode()


def test_an_unknown_file_is_not_found(api: APIClient) -> None:
    build()

    for name in ("secrets.csv", "manifest.json", "..%2Fmanifest.json", "statements.xml"):
        assert api.get(f"/api/v1/datasets/{name}").status_code == 404, name


def test_older_builds_are_removed_but_the_one_before_is_kept(api: APIClient, media: Path) -> None:
    for number in range(4):
        StatementFactory(published=True, title=f"Statement {number}")
        build()

    builds = [folder for folder in (media / "datasets").iterdir() if folder.is_dir()]
    non_empty = [folder for folder in builds if any(folder.iterdir())]
    assert len(non_empty) == 2
