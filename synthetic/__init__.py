"""The synthetic clinic group for benchmarks (issue 10): ``manage.py seed_synthetic``. Owns no data.

``PARTS`` are the generator's parts in journey order; each has ``NAME``, ``seed_chunk(options, writer, chunk)`` and
optionally ``prepare(options, writer, facility_context)`` (facility-level rows such as instrument versions or groups,
run once per facility before the first chunk). ``people`` comes first: it inserts the chunk's patients and stays.
"""


def __getattr__(name):  # the parts import models: load them only when the command asks (apps are ready then)
    if name == "PARTS":
        from synthetic import audit, compliance, diagnostics, goals, people, reintegration, screening, therapy

        return [people, screening, goals, diagnostics, therapy, reintegration, compliance, audit]
    raise AttributeError(name)
