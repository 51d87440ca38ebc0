"""Files in storage that no row refers to.

A service stores an upload through the storage API inside its transaction; when the transaction is rolled
back (a later check fails, the same form races itself), the row goes and the file stays. Those files are
found and removed later, once they are old enough that no transaction still in progress can own them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.core.files.storage import Storage

BATCH = 500


def orphaned_files(
    storage: Storage, directory: str, known: Callable[[list[str]], Iterable[str]], before: datetime
) -> Iterator[str]:
    """Names of the files under ``directory`` modified before ``before`` that ``known`` does not return.

    ``known`` gets a batch of names and answers which of them rows refer to.
    """
    if not storage.exists(directory):
        return
    folders, files = storage.listdir(directory)
    names = [f"{directory}/{name}" for name in files]
    for start in range(0, len(names), BATCH):
        batch = names[start : start + BATCH]
        referred = set(known(batch))
        for name in batch:
            if name not in referred and storage.get_modified_time(name) < before:
                yield name
    for folder in sorted(folders):
        yield from orphaned_files(storage, f"{directory}/{folder}", known, before)
