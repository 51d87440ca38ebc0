"""Files in storage that no row refers to.

A service stores an upload through the storage API inside its transaction; when the transaction is rolled
back (a later check fails, the same form races itself), the row goes and the file stays. Those files are
found and removed later, once they are old enough that no transaction still in progress can own them. The same
holds for a file written before its transaction begins (a raw inbound message) whose process dies before the row
is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import partial

from django.apps import apps
from django.core.files.storage import Storage
from django.db.models import FileField

BATCH = 500


def orphaned_files(
    storage: Storage, directory: str, known: Callable[[list[str]], Iterable[str]], before: datetime
) -> Iterator[str]:
    """Names of the files under ``directory`` modified before ``before`` that ``known`` does not return.

    ``known`` gets a batch of names and answers which of them rows refer to.
    """
    try:
        # Not storage.exists(): in a bucket a "directory" is only a prefix, which exists() does not see.
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    names = [f"{directory}/{name}" for name in files]
    for start in range(0, len(names), BATCH):
        batch = names[start : start + BATCH]
        referred = set(known(batch))
        for name in batch:
            if name not in referred and storage.get_modified_time(name) < before:
                yield name
    for folder in sorted(folders):
        yield from orphaned_files(storage, f"{directory}/{folder}", known, before)


def file_directories() -> dict[tuple[Storage, str], list[FileField]]:
    """Every model file field of the project, by the storage and directory its files are saved under.

    Read from the app registry, so a file field added later is swept without anyone remembering to: an
    attachment, a raw inbound message or a generated report alike.
    """
    found: dict[tuple[Storage, str], list[FileField]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField) and not callable(field.upload_to):
                directory = str(field.upload_to).split("%", 1)[0].rstrip("/")
                found.setdefault((field.storage, directory), []).append(field)
    return found


def remove_orphaned_files(before: datetime) -> int:
    """Delete the files older than ``before`` that no row of any file field refers to; how many went."""
    directories = file_directories()
    removed = 0
    for (storage, directory), _fields in directories.items():
        # Asked of every field on the same storage: a directory may hold another's (``mail`` and ``mail/inbound``).
        fields = [field for (other, _), group in directories.items() if other is storage for field in group]
        for name in orphaned_files(storage, directory, partial(_referred, fields), before):
            storage.delete(name)
            removed += 1
    return removed


def _referred(fields: list[FileField], names: list[str]) -> set[str]:
    referred: set[str] = set()
    for field in fields:
        rows = field.model._default_manager.filter(**{f"{field.name}__in": names})
        referred.update(rows.values_list(field.name, flat=True))
    return referred
