"""Publishes the demo history, so that public pages and downloads have data on `make run`."""

from extracts.models import Publication
from extracts.services import collection_publish, publication_outputs_build
from returns.models import Collection


def publish_demo_history(*, before_year: int) -> int:
    """Publishes every collection before `before_year` that has never been published.

    The release is rebuilt once, at the end. Returns how many collections it published.
    """
    unpublished = (
        Collection.objects.filter(year__lt=before_year, publications__isnull=True)
        .order_by("year")
        .distinct()
    )
    published: list[Publication] = [
        collection_publish(collection=collection, actor="seed_demo", rebuild_release=False)
        for collection in unpublished
        if collection.returns.filter(accepted_version__isnull=False).exists()
    ]
    if published:
        publication_outputs_build(publication=published[-1])
    return len(published)
