"""``python -m bench`` (``make bench``): the benchmark suite of issue 10.

    python -m bench [--database sqlite|postgresql] [--sizes 1000,10000,50000] [--repeat 30] [--out bench/results]

Per size: a fresh database (PostgreSQL: ``wmr_bench_<size>`` created from ``wmr_bench_template``, which is migrated
once per run; SQLite: a copy of a migrated template file), ``manage.py seed_synthetic --stays N --facilities
max(1, N // 10000) --seed 1`` in a subprocess (its seconds recorded), then ``python -m bench.measure`` in a subprocess
with DATABASE_URL set, DEBUG off and no Celery broker (tasks eager). The results are merged into
``<out>/bench-<database>.json`` and ``.md`` after every size (sizes measured earlier and not now are kept unless
``--fresh``). The databases are kept for EXPLAIN; the next run replaces them.
"""

import sys

from bench.orchestrate import main

if __name__ == "__main__":
    sys.exit(main())
