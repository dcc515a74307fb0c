"""Load benchmark of the public dashboards (issue 7): gunicorn + PostgreSQL, locust, 20 users.

Loads about 100,000 published organisation-years into its own PostgreSQL database the way the
portal holds them (Organisation rows, closed collections with accepted ReturnVersions, each
collection published, then the release files and the dashboard snapshot built by the real
services), starts gunicorn and runs locust headless against /dashboard/, the measure pages,
random organisations' profiles and /accessibility/ (a static page: the floor). Prints requests
per second and p50/p95/p99 per request type.

    .venv/bin/python bench/load_dashboards.py [--duration 90] [--reuse] [--users 20]

``--reuse`` keeps the loaded database when it already holds the expected published rows
(loading takes a few minutes). Not part of CI; wall-clock figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_support import (
    Server,
    common_arguments,
    database_create,
    django_setup,
    environment,
    load_average,
    locust_run,
    manage,
    redis_flush,
    stats_print,
)

YEARS = range(2015, 2027)  # 12 collections
SYSTEM_ACTOR = "load_dashboards"


def _at(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def loaded(organisations: int) -> bool:
    """Whether the database holds the expected publications, release and snapshot."""
    from dashboards.snapshot import dashboard_open
    from extracts.models import PublishedReturn
    from extracts.release import current_publications, release_open

    publications = current_publications()
    if len(publications) != len(YEARS):
        return False
    rows = PublishedReturn.objects.filter(publication__in=publications).count()
    return (
        rows == organisations * len(YEARS)
        and release_open() is not None
        and (dashboard_open() is not None)
    )


def load(organisations: int, years: range = YEARS, *, actor: str = SYSTEM_ACTOR) -> None:
    """Organisations, closed collections with accepted versions, publications, release, snapshot.

    Organisation codes are ``SYN0001`` onwards, as :func:`indicators.synthesise` names them.
    """
    from django.db import transaction
    from django.db.models import OuterRef, Subquery

    from extracts.services import collection_publish, publication_outputs_build
    from indicators import compute_national, synthesise
    from indicators.dictionary import ITEMS
    from organisations.models import Organisation, OrganisationType, Region
    from returns.models import Collection, Return, ReturnState, ReturnVersion

    started = time.perf_counter()
    frame = synthesise(organisations, years, seed=7)
    metrics = compute_national(frame.drop(columns=["synthetic", "region", "type", "sector"]))
    print(
        f"  synthesised {len(frame):,} rows and their metrics: "
        f"{time.perf_counter() - started:.0f} s"
    )

    region_code = {label: code for code, label in Region.choices}
    first = frame.drop_duplicates("organisation")
    Organisation.objects.bulk_create(
        (
            Organisation(
                ods_code=code,
                name=f"Synthetic trust {code}",
                org_type=OrganisationType.NHS_TRUST,
                sector=sector,
                region=region_code[region],
                is_demo=True,
            )
            for code, sector, region in zip(
                first["organisation"], first["type"], first["region"], strict=True
            )
        ),
        batch_size=2000,
    )
    ids = dict(Organisation.objects.values_list("ods_code", "pk"))
    counts = {item.code for item in ITEMS if item.unit == "count"}
    item_codes = [item.code for item in ITEMS]
    metric_codes = list(metrics.columns.drop(["organisation", "year"]))
    for year in years:
        step = time.perf_counter()
        collection = Collection.objects.create(
            name=f"WRES {year}",
            year=year,
            snapshot_date=dt.date(year, 3, 31),
            opens_on=dt.date(year, 5, 1),
            deadline=dt.date(year, 8, 31),
            closes_on=dt.date(year, 9, 30),
            organisation_types=[OrganisationType.NHS_TRUST],
            opened_at=_at(dt.date(year, 5, 1)),
            closed_at=_at(dt.date(year, 9, 30)),
        )
        rows = (frame["year"] == year).to_numpy()
        codes = frame.loc[rows, "organisation"].tolist()
        # JSON through pandas: native ints and floats, NaN and NA as null (dropped for values).
        values = json.loads(
            frame.loc[rows, item_codes].to_json(orient="records", double_precision=15)
        )
        figures = json.loads(
            metrics.loc[rows, metric_codes].to_json(orient="records", double_precision=15)
        )
        with transaction.atomic():
            returns, versions = [], []
            for code, raw, computed in zip(codes, values, figures, strict=True):
                clean = {k: (int(v) if k in counts else v) for k, v in raw.items() if v is not None}
                return_ = Return(
                    organisation_id=ids[code],
                    collection=collection,
                    state=ReturnState.ACCEPTED,
                    values=clean,
                    filled_items=len(clean),
                    last_submitted_at=_at(dt.date(year, 8, 15)),
                    accepted_at=_at(dt.date(year, 9, 15)),
                )
                returns.append(return_)
                versions.append(
                    ReturnVersion(
                        wres_return=return_,
                        organisation_id=ids[code],
                        collection=collection,
                        number=1,
                        values=clean,
                        metrics=computed,
                        issues=[],
                        submitted_at=_at(dt.date(year, 8, 15)),
                        approver_name="Synthetic load data",
                        board_approved_on=dt.date(year, 7, 31),
                        synthetic=True,
                    )
                )
            Return.objects.bulk_create(returns, batch_size=1000)
            ReturnVersion.objects.bulk_create(versions, batch_size=1000)
            Return.objects.filter(collection=collection).update(
                accepted_version=Subquery(
                    ReturnVersion.objects.filter(wres_return=OuterRef("pk")).values("pk")[:1]
                )
            )
        print(f"  {year}: {len(returns):,} accepted returns in {time.perf_counter() - step:.0f} s")
    step = time.perf_counter()
    publications = [
        collection_publish(collection=c, actor=actor, rebuild_release=False)
        for c in Collection.objects.filter(year__in=years).order_by("year")
    ]
    print(f"  {len(publications)} collections published in {time.perf_counter() - step:.0f} s")
    step = time.perf_counter()
    publication_outputs_build(publication=publications[-1])
    print(f"  release and dashboard snapshot built in {time.perf_counter() - step:.0f} s")
    print(f"loaded in {time.perf_counter() - started:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_arguments(parser, database="wres_load_dashboards", redis_db=7)
    parser.add_argument("--organisations", type=int, default=8400, help="x 12 years of rows")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=90, help="seconds of load")
    parser.add_argument(
        "--wait",
        default="0.5,1.5",
        help="each user's pause between requests, seconds MIN,MAX (0,0: no pause)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep a loaded database")
    args = parser.parse_args()

    env = environment(args, name="dashboards")
    folder = Path(env["WRES_LOAD_DIR"])
    created = database_create(env, fresh=not args.reuse)
    redis_flush(env)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    django_setup(env)
    if args.reuse and not created and loaded(args.organisations):
        print(f"reusing {args.database}: {args.organisations * len(YEARS):,} published rows")
    else:
        if not created:
            from django.db import connections

            connections.close_all()
            database_create(env, fresh=True)
            manage(env, "migrate", "--no-input", "-v", "0")
        print(
            f"loading {args.organisations * len(YEARS):,} organisation-years into {args.database}"
        )
        load(args.organisations)
        assert loaded(args.organisations), "the load did not produce the expected rows"

    from django.db import connections

    from dashboards.measures import MEASURES

    connections.close_all()
    codes = folder / "organisations.txt"
    codes.write_text(
        "\n".join(
            f"SYN{i:0{max(4, len(str(args.organisations)))}d}"
            for i in range(1, args.organisations + 1)
        )
    )
    env |= {
        "WRES_LOAD_ORGANISATIONS": str(codes),
        "WRES_LOAD_MEASURES": ",".join(m.slug for m in MEASURES),
        "WRES_LOAD_WAIT": args.wait,
    }
    server = Server(env, args, folder)
    try:
        # Warm-up: each worker reads the snapshot once (as after any deploy), not counted.
        for _ in range(args.workers * args.threads * 2):
            for path in (
                "/dashboard/",
                f"/dashboard/{MEASURES[0].slug}/",
                "/organisations/SYN0001/",
            ):
                assert server.get(path) == 200, path
        print(f"before the run: {load_average()}")
        rows = locust_run(
            "locustfile_dashboards.py",
            host=server.url,
            users=args.users,
            spawn_rate=args.spawn_rate,
            duration=args.duration,
            folder=folder,
            env=env,
        )
        print(f"after the run: {load_average()}")
    finally:
        server.stop()
    errors = stats_print(rows)
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
