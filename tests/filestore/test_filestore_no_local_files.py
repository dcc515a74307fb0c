"""After ADR 0024 no code path writes under MEDIA_ROOT: an upload and its check, a publication
with its release, dashboard snapshot and profiles, and an extract's build all keep their files
in the shared store, so any node can serve what another wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from extracts.services import collection_publish, publication_outputs_build
from filestore.models import StoredFile
from returns.models import Collection, Return
from tests.extracts.conftest import history  # noqa: F401 - a fixture, registered by name
from tests.submissions.upload_helpers import csv_bytes
from uploads.models import Upload
from uploads.services import upload_process, upload_receive

pytestmark = pytest.mark.django_db


def test_upload_publication_snapshot_and_extract_leave_media_root_empty(
    history: Any,  # noqa: F811
    settings: Any,
    tmp_path: Path,
    client: Any,
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    draft = Return.objects.get(organisation__ods_code="RJ1", collection__year=2018)

    upload = upload_receive(
        return_=draft, actor="tests", filename="figures.csv",
        data=csv_bytes([("i2.shortlisted.white", 12)]),
    )  # fmt: skip
    assert StoredFile.objects.filter(name=f"uploads/{upload.file.name}").exists()
    upload_process(upload_id=upload.pk)  # reads it back from the store
    publications = [
        collection_publish(collection=c, actor="tests", rebuild_release=False)
        for c in Collection.objects.filter(year__in=(2015, 2016, 2017)).order_by("year")
    ]
    publication_outputs_build(publication=publications[-1])
    pages = [
        "/data/wres-all-wide.csv",
        "/data/wres-2017-long.xlsx",
        reverse("dashboards:national"),
        reverse("organisations:detail", args=["RJ1"]),
    ]
    responses = [client.get(url) for url in pages]

    assert [r.status_code for r in responses] == [200] * len(pages)
    assert b"".join(responses[0].streaming_content).startswith(b"organisation,")
    assert Upload.objects.get(pk=upload.pk).is_done
    assert list(media.rglob("*")) == []
    stored = set(StoredFile.objects.values_list("name", flat=True))
    publications[-1].refresh_from_db()
    stem = publications[-1].release_file
    assert {f"{stem}.parquet", f"{stem}.mask.parquet", f"{stem}.dashboard.json",
            f"{stem}.profiles.parquet"} <= stored  # fmt: skip
    assert sum(name.startswith("releases/built/") for name in stored) == 2
