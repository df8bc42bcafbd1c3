"""First reads after a write: the cached pages (worklist, case overview, API lists) with their cache entries gone.

    DATABASE_URL=postgres://…/wmr_bench_50000 python -m bench.first_reads [--rounds 20]

``make bench`` measures repeated reads, which the caches serve; this prints what the first reader after a write pays:
for each page, the cache is cleared before every read, interleaved with the trivial view like ``bench.measure``
(p50 of the page, of the trivial view and their ratio). Run it on a database ``make bench`` left behind.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.first_reads", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed reads per page after 3 warm-ups (default 20)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wmr.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from bench import measure

    settings.ALLOWED_HOSTS = ["*"]
    t = measure.choose_targets(timezone.localdate())
    client = measure.logged_in_client(t.clinician)
    measure.verify_session(client, t.clinician)
    stay = t.stays[0].pk
    pages = {
        "worklist": "/cases/",
        "overview": f"/cases/stays/{stay}/",
        "api_stays": "/api/v1/stays/",
        "api_patients": "/api/v1/patients/",
        "api_stay_sessions": f"/api/v1/stays/{stay}/sessions/",
    }
    for name, url in pages.items():
        triv, page = [], []
        for i in range(args.rounds + 3):
            t0 = time.perf_counter()
            client.get("/account/session/")
            a = time.perf_counter() - t0
            measure.verify_session(client, t.clinician)
            cache.clear()
            t0 = time.perf_counter()
            r = client.get(url)
            b = time.perf_counter() - t0
            if r.status_code != 200:
                raise SystemExit(f"{url} answered {r.status_code}")
            if i >= 3:
                triv.append(a * 1000)
                page.append(b * 1000)
        m, tm = statistics.median(page), statistics.median(triv)
        print(f"{name:18} first read p50 {m:7.1f} ms   trivial view {tm:5.1f} ms   {m / tm:5.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
