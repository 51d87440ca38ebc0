"""Copy Tuki's bucket to a folder and back, for backups: ``bucket_sync.py download|upload FOLDER``, ``count``,
``empty``.

Reads the bucket from the same TUKI_S3_* variables as Tuki. Any S3 tool does the same (``aws s3 sync``,
``rclone sync``); this one needs nothing beyond Tuki's own dependencies.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import boto3


def bucket():  # noqa: ANN201 - boto3's resources are untyped
    secret = (
        os.environ.get("TUKI_S3_SECRET_ACCESS_KEY") or Path(os.environ["TUKI_S3_SECRET_ACCESS_KEY_FILE"]).read_text()
    )
    s3 = boto3.resource(
        "s3",
        endpoint_url=os.environ.get("TUKI_S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("TUKI_S3_REGION") or None,
        aws_access_key_id=os.environ.get("TUKI_S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=secret.strip() or None,
    )
    return s3.Bucket(os.environ["TUKI_S3_BUCKET"])


def main(action: str, folder: str = "") -> None:
    files = bucket()
    if action == "download":
        for item in files.objects.all():
            target = Path(folder, item.key)
            target.parent.mkdir(parents=True, exist_ok=True)
            files.download_file(item.key, str(target))
    elif action == "upload":
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                files.upload_file(str(path), path.relative_to(folder).as_posix())
    elif action == "empty":
        files.objects.all().delete()
    elif action == "count":
        print(sum(1 for _ in files.objects.all()))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(*sys.argv[1:])
