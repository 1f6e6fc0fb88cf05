"""The public dataset as files: statements, laws and organisations, in JSON Lines and CSV.

Built by the task worker after public content changes, never on request, from the same
querysets and serializers the API answers anyone without a key (statements from their
kept answers, campaigns/documents.py): a file holds exactly what the API shows, under
CC BY 4.0. Each build is written to a folder of its own and the
manifest that lists it (with each file's SHA-256) is replaced last, so a download never
meets a half-written file; the build before it is kept for downloads still running.
"""

import csv
import hashlib
import io
import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import batched
from typing import IO, Any, cast

import orjson
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db.models import QuerySet
from django.tasks import default_task_backend, task
from django.utils import timezone
from rest_framework.serializers import BaseSerializer

from legislation.api import LawSerializer, LawViewSet
from organisations.api import OrganisationSerializer, OrganisationViewSet

from .documents import DOCUMENT_KEY_COLUMNS, detail_fields, detail_json, json_origin, kept_parts
from .models import PublicContentVersion, Statement
from .serializers import StatementSerializer

logger = logging.getLogger("chorus.datasets")

FOLDER = "datasets"
MANIFEST = f"{FOLDER}/manifest.json"
LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "Chorus: joint statements of civil society coalitions",
}
FORMATS = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
# Rows read and serialised at a time: memory stays flat whatever the number of rows.
CHUNK = 500
# Changes often come in bursts (an editor saving a statement, then its signatures): a
# rebuild waits this long, and the first to run builds what the last change left.
REBUILD_DELAY = timedelta(seconds=30)


@dataclass(frozen=True)
class Dataset:
    name: str
    rows: Callable[[], QuerySet[Any]]
    serializer: type[BaseSerializer[Any]]
    # Where the records are kept encoded already: read from there instead of serialised.
    kept: Callable[[], Iterator[dict[str, Any]]] | None = None


def kept_statements() -> Iterator[dict[str, Any]]:
    """Published statements as their API detail, from their kept documents (built and
    kept for any whose document is missing or older), in id order, a chunk at a time; the
    gate picks them, as for an answer. The same fields in the same order as
    StatementSerializer gives them, links on SITE_URL as without a request."""
    origin = json_origin(settings.SITE_URL.rstrip("/"))
    fields = detail_fields()
    statements = Statement.objects.published().only(*DOCUMENT_KEY_COLUMNS).order_by("pk")
    for chunk in batched(statements.iterator(chunk_size=CHUNK), CHUNK):
        parts = kept_parts(list(chunk))
        for statement in chunk:
            record = orjson.loads(detail_json(parts[statement.pk].detail, statement, origin))
            yield {field: record[field] for field in fields}


DATASETS = (
    Dataset(
        "statements",
        lambda: Statement.objects.published().with_everything_shown(),
        StatementSerializer,
        kept=kept_statements,
    ),
    Dataset("laws", LawViewSet.law_queryset, LawSerializer),
    Dataset("organisations", OrganisationViewSet.organisation_queryset, OrganisationSerializer),
)


def fingerprint() -> str:
    """What the files were built from: the content number, and the statements public now
    (a scheduled one becomes public without any change being saved)."""
    number = PublicContentVersion.objects.values_list("number", flat=True).first() or 0
    public = Statement.objects.published().order_by("-publish_at", "-pk")
    newest = public.values_list("pk", "publish_at").first()
    return f"{number}:{public.count()}:{newest}"


def read_manifest(storage: Storage = default_storage) -> dict[str, Any] | None:
    if not storage.exists(MANIFEST):
        return None
    with storage.open(MANIFEST, "rb") as manifest:
        return cast(dict[str, Any], json.load(manifest))


def build(storage: Storage = default_storage, force: bool = False) -> dict[str, Any]:
    """Write every dataset in both formats, then the manifest. Nothing to do when the
    content is what the last build saw, unless forced."""
    built_from = fingerprint()
    previous = read_manifest(storage)
    if previous is not None and previous["fingerprint"] == built_from and not force:
        return previous
    started = timezone.now()
    folder = f"{FOLDER}/{started:%Y%m%dT%H%M%S%f}"
    files = []
    for dataset in DATASETS:
        for extension in FORMATS:
            files.append(write_file(storage, folder, dataset, extension))
    manifest = {
        "built_at": started.isoformat(),
        "fingerprint": built_from,
        "folder": folder,
        "licence": LICENCE,
        "files": files,
    }
    replace(storage, MANIFEST, json.dumps(manifest, indent=2).encode())
    if previous is not None:
        remove_older_builds(storage, keep={folder, previous["folder"]})
    logger.info("Public dataset built", extra={"folder": folder, "files": len(files)})
    schedule_next_publication()
    return manifest


def write_file(storage: Storage, folder: str, dataset: Dataset, extension: str) -> dict[str, Any]:
    name = f"{dataset.name}.{extension}"
    digest = hashlib.sha256()
    rows = 0
    with tempfile.TemporaryFile() as spooled:
        writer = JSONLinesWriter(spooled) if extension == "jsonl" else CSVWriter(spooled)
        for record in serialised(dataset):
            writer.write(record)
            rows += 1
        writer.close()
        size = spooled.tell()
        spooled.seek(0)
        for block in iter(lambda: spooled.read(1 << 16), b""):
            digest.update(block)
        spooled.seek(0)
        path = storage.save(f"{folder}/{name}", File(spooled, name=name))
    return {
        "name": name,
        "dataset": dataset.name,
        "format": extension,
        "path": path,
        "bytes": size,
        "rows": rows,
        "sha256": digest.hexdigest(),
    }


def serialised(dataset: Dataset) -> Iterator[dict[str, Any]]:
    """Each row as the API shows it to anyone, in id order, a chunk at a time."""
    if dataset.kept is not None:
        yield from dataset.kept()
        return
    rows = dataset.rows().order_by("pk")
    chunk: list[Any] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from dataset.serializer(chunk, many=True, context={}).data
            chunk = []
    if chunk:
        yield from dataset.serializer(chunk, many=True, context={}).data


class JSONLinesWriter:
    def __init__(self, out: IO[bytes]) -> None:
        self.out = out

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
        self.out.write(line.encode() + b"\n")

    def close(self) -> None:
        pass


class CSVWriter:
    """One row a record; nested lists become the names they hold, joined by "; "."""

    def __init__(self, out: IO[bytes]) -> None:
        self.text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        self.writer: csv.DictWriter[str] | None = None

    def write(self, record: dict[str, Any]) -> None:
        flat = {key: cell(value) for key, value in record.items()}
        if self.writer is None:
            self.writer = csv.DictWriter(self.text, fieldnames=list(flat))
            self.writer.writeheader()
        self.writer.writerow(flat)

    def close(self) -> None:
        self.text.flush()
        self.text.detach()


NAME_KEYS = ("name", "display_name", "title", "identifier", "text", "url")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(cell(named(item)) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def named(item: Any) -> Any:
    if isinstance(item, dict):
        for key in NAME_KEYS:
            if item.get(key):
                return item[key]
        return json.dumps(item, ensure_ascii=False, default=str)
    return item


def replace(storage: Storage, name: str, content: bytes) -> None:
    # Storage.save() never overwrites: it would pick another name.
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, File(io.BytesIO(content), name=name.rsplit("/", 1)[-1]))


def remove_older_builds(storage: Storage, keep: set[str]) -> None:
    folders, _ = storage.listdir(FOLDER)
    for folder in folders:
        path = f"{FOLDER}/{folder}"
        if path in keep:
            continue
        _, names = storage.listdir(path)
        for name in names:
            storage.delete(f"{path}/{name}")


def queue_rebuild() -> None:
    """After a change the public may see: rebuild a little later, in the worker.

    Inline tasks (the embedded default) cannot wait, and a rebuild on every save would
    hold up the editor: there `manage.py builddatasets` builds them.
    """
    if default_task_backend.supports_defer:
        rebuild_datasets.using(run_after=timezone.now() + REBUILD_DELAY).enqueue()


def schedule_next_publication() -> None:
    """A scheduled statement joins the files at its publish time, though nothing is saved then."""
    upcoming = Statement.objects.scheduled().order_by("publish_at")
    next_time = cast(datetime | None, upcoming.values_list("publish_at", flat=True).first())
    if next_time is not None and default_task_backend.supports_defer:
        rebuild_datasets.using(run_after=next_time + timedelta(seconds=1)).enqueue()


@task()
def rebuild_datasets() -> str:
    return str(build()["built_at"])


def public_file(name: str) -> dict[str, Any] | None:
    """The manifest's entry for a file name, if the last build has it."""
    manifest = read_manifest()
    if manifest is None:
        return None
    return next((entry for entry in manifest["files"] if entry["name"] == name), None)
