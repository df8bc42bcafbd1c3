"""Pure parts of the report: the bars of issue 10 evaluated on the merged results, and the Markdown page.

Results shape (``bench-<database>.json``): ``{"database", "generated_at", "command", "sizes": {"<stays>": run}}``,
a run being what ``bench.measure`` wrote for that size plus ``seed_seconds``. A page in ``run["pages"]`` has ``key``,
``title``, ``group`` (trivial, worklist, overview, api, dashboard, audit), ``p50_ms``, ``p95_ms``, ``ratio_p50``,
``ratio_p95`` (to the trivial view requested right before each of its requests, same client), ``queries`` (the
highest count per request seen), ``statuses`` and ``ok`` (every response 200).
"""

from __future__ import annotations

from dataclasses import dataclass

PASS, FAIL, NA = "PASS", "FAIL", "n/a"

# A facility of 6,000 stays a year admits about 1,500 a quarter: the quarterly report's bar is stated for it.
REPORT_BAR_SECONDS = 30.0
REPORT_BAR_QUARTER_STAYS = 1500
LETTER_BAR_CPU_SECONDS = 1.0  # a two-page discharge letter


@dataclass(frozen=True)
class PageBar:
    name: str
    group: str
    limit: float  # highest allowed ratio of the page's p50 to the trivial view's p50


PAGE_BARS = [
    PageBar("worklist ≤ 3× trivial view", "worklist", 3.0),
    PageBar("case overview ≤ 3× trivial view", "overview", 3.0),
    PageBar("API lists ≤ 3× trivial view", "api", 3.0),
    PageBar("dashboard (facility-quarter) and drill-down ≤ 10× trivial view", "dashboard", 10.0),
]


def sizes_of(results: dict) -> list[int]:
    return sorted(int(size) for size in results.get("sizes", {}))


def run_of(results: dict, size: int) -> dict:
    return results["sizes"][str(size)]


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def page_bar(bar: PageBar, run: dict, size: int) -> dict:
    pages = [page for page in run.get("pages", []) if page.get("group") == bar.group]
    if not pages:
        return {"bar": bar.name, "verdict": NA, "detail": f"no such page measured at {size} stays"}
    failed = [page["key"] for page in pages if not page.get("ok")]
    missing = [page["key"] for page in pages if page.get("ratio_p50") is None]
    over = [page for page in pages if page.get("ratio_p50") is not None and page["ratio_p50"] > bar.limit]
    figures = ", ".join(f"{page['key']} {_fmt(page.get('ratio_p50'), 2)}×" for page in pages)
    if failed:
        verdict, why = FAIL, f"not every response was 200: {', '.join(failed)}"
    elif over:
        verdict, why = FAIL, f"over {bar.limit:g}×: {', '.join(page['key'] for page in over)}"
    elif missing:
        verdict, why = NA, f"no ratio for {', '.join(missing)}"
    else:
        verdict, why = PASS, ""
    detail = f"at {size} stays, p50 ratios: {figures}" + (f" ({why})" if why else "")
    return {"bar": bar.name, "verdict": verdict, "detail": detail}


def queries_bar(results: dict) -> dict:
    name = "query counts identical at the smallest and the largest size"
    sizes = sizes_of(results)
    if len(sizes) < 2:
        return {"bar": name, "verdict": NA, "detail": "needs two sizes"}
    small, large = run_of(results, sizes[0]), run_of(results, sizes[-1])
    before = {page["key"]: page.get("queries") for page in small.get("pages", [])}
    after = {page["key"]: page.get("queries") for page in large.get("pages", [])}
    common = [key for key in before if key in after]
    if not common:
        return {"bar": name, "verdict": NA, "detail": "no page measured at both sizes"}
    unknown = [key for key in common if before[key] is None or after[key] is None]
    differ = [f"{key} {before[key]}→{after[key]}" for key in common if key not in unknown and before[key] != after[key]]
    if differ:
        verdict = FAIL
        detail = f"{sizes[0]} vs {sizes[-1]} stays: " + ", ".join(differ)
    elif unknown:
        verdict, detail = NA, f"no count for {', '.join(unknown)}"
    else:
        verdict, detail = PASS, f"{len(common)} pages, {sizes[0]} vs {sizes[-1]} stays"
    return {"bar": name, "verdict": verdict, "detail": detail}


def letter_bar(run: dict, size: int) -> dict:
    name = "two-page discharge letter < 1 s CPU"
    letter = run.get("figures", {}).get("letter") or {}
    cpu, pages = letter.get("cpu_seconds"), letter.get("pages")
    if cpu is None or not pages:
        return {"bar": name, "verdict": NA, "detail": letter.get("error") or "not measured"}
    two_pages = cpu if pages == 2 else cpu / pages * 2
    how = "measured" if pages == 2 else f"{pages} pages, scaled to two"
    verdict = PASS if two_pages < LETTER_BAR_CPU_SECONDS else FAIL
    return {"bar": name, "verdict": verdict, "detail": f"{two_pages:.2f} s CPU for two pages ({how}, {size} stays)"}


def report_bar(run: dict, size: int, key: str, label: str) -> dict:
    name = f"{label} < 30 s for a facility of 6,000 stays a year"
    figure = run.get("figures", {}).get(key) or {}
    seconds, stays = figure.get("seconds"), figure.get("stays_in_quarter")
    if seconds is None:
        return {"bar": name, "verdict": NA, "detail": figure.get("error") or "not measured"}
    where = f"{figure.get('facility', '?')} {figure.get('period', '')}"
    if not stays:
        return {"bar": name, "verdict": NA, "detail": f"{where}: no stays in the quarter ({seconds:.2f} s)"}
    if stays >= REPORT_BAR_QUARTER_STAYS:
        verdict = PASS if seconds < REPORT_BAR_SECONDS else FAIL
        return {"bar": name, "verdict": verdict, "detail": f"{where}: {seconds:.2f} s for {stays} stays in the quarter"}
    projected = seconds * REPORT_BAR_QUARTER_STAYS / stays
    verdict = PASS if projected < REPORT_BAR_SECONDS else FAIL
    detail = (
        f"{where}: {seconds:.2f} s for {stays} stays in the quarter, projected linearly to "
        f"{REPORT_BAR_QUARTER_STAYS}: {projected:.1f} s (largest size {size} stays; verdict on the projection)"
    )
    return {"bar": name, "verdict": verdict, "detail": detail}


def evaluate_bars(results: dict) -> list[dict]:
    """Every bar of issue 10 on the largest size measured (query counts: smallest vs largest)."""
    sizes = sizes_of(results)
    if not sizes:
        return []
    largest = sizes[-1]
    run = run_of(results, largest)
    bars = [page_bar(bar, run, largest) for bar in PAGE_BARS]
    bars.append(queries_bar(results))
    bars.append(letter_bar(run, largest))
    bars.append(report_bar(run, largest, "quarterly_report", "quarterly screening report"))
    bars.append(report_bar(run, largest, "compliance_export", "compliance quarterly export (PDF + stay table)"))
    return bars


def _queries_cell(page: dict) -> str:
    low, high = page.get("queries_min"), page.get("queries_max")
    if low is not None and high is not None and low != high:
        return f"{low}–{high}"
    return _fmt(page.get("queries"))


def _status_cell(page: dict) -> str:
    statuses = page.get("statuses") or {}
    text = ", ".join(f"{code}×{count}" for code, count in sorted(statuses.items()))
    return text if page.get("ok") else f"**{text or 'error'}**"


def page_table(results: dict) -> list[str]:
    lines = [
        "| page | stays | p50 ms | p95 ms | × trivial p50 | × trivial p95 | queries | responses |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    order: list[tuple[str, str]] = []
    for size in sizes_of(results):
        for page in run_of(results, size).get("pages", []):
            if (page["key"], page["title"]) not in order:
                order.append((page["key"], page["title"]))
    for key, title in order:
        for size in sizes_of(results):
            page = next((p for p in run_of(results, size).get("pages", []) if p["key"] == key), None)
            if page is None:
                continue
            lines.append(
                f"| {title} | {size} | {_fmt(page.get('p50_ms'))} | {_fmt(page.get('p95_ms'))} | "
                f"{_fmt(page.get('ratio_p50'), 2)} | {_fmt(page.get('ratio_p95'), 2)} | {_queries_cell(page)} | "
                f"{_status_cell(page)} |"
            )
    return lines


def _seconds(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def figure_table(results: dict) -> list[str]:
    lines = [
        "| stays | seed s | letter CPU s (pages) | letter CPU s/page | goal copy CPU s (pages) | quarterly report s "
        "(stays in quarter / year) | compliance export s | 20-person group session s |",
        "|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for size in sizes_of(results):
        run = run_of(results, size)
        figures = run.get("figures", {})
        letter = figures.get("letter") or {}
        goal = figures.get("goal_copy") or {}
        report = figures.get("quarterly_report") or {}
        export = figures.get("compliance_export") or {}
        group = figures.get("group_session") or {}
        report_cell = (
            f"{_seconds(report.get('seconds'))} ({report.get('stays_in_quarter', '–')} / "
            f"{report.get('stays_in_year', '–')}, {report.get('period', '')})"
            if report.get("seconds") is not None
            else (report.get("error") or "–")
        )
        lines.append(
            f"| {size} | {_seconds(run.get('seed_seconds'), 1)} | "
            f"{_seconds(letter.get('cpu_seconds'))} ({letter.get('pages', '–')}) | "
            f"{_seconds(letter.get('cpu_per_page'))} | "
            f"{_seconds(goal.get('cpu_seconds'))} ({goal.get('pages', '–')}) | "
            f"{report_cell} | {_seconds(export.get('seconds'))} | {_seconds(group.get('seconds'))} |"
        )
    return lines


def problems(results: dict) -> list[str]:
    """Pages that did not answer 200 and figures that could not be measured, per size."""
    out = []
    for size in sizes_of(results):
        run = run_of(results, size)
        for page in run.get("pages", []):
            for error in page.get("errors", [])[:3]:
                out.append(f"- {size} stays, {page['title']}: {error}")
        for key, figure in sorted((run.get("figures") or {}).items()):
            if figure and figure.get("error"):
                out.append(f"- {size} stays, {key}: {figure['error']}")
    return out


def render_markdown(results: dict) -> str:
    database = results.get("database", "?")
    sizes = sizes_of(results)
    lines = [
        f"# Benchmark ({database})",
        "",
        f"{results.get('generated_at', '')} · sizes {', '.join(str(s) for s in sizes)} stays · "
        f"{results.get('command', '')}",
        "",
    ]
    for size in sizes:
        run = run_of(results, size)
        lines.append(
            f"- {size} stays: facilities {run.get('facilities', '?')}, {run.get('repeat', '?')} rounds after "
            f"{run.get('warmup', '?')} warm-up, app {run.get('commit', '?')}, measured {run.get('measured_at', '?')}"
        )
    lines += ["", "## Pages", ""]
    lines += page_table(results)
    lines += [
        "",
        "Each round requests the trivial view (`/account/session/`, same user and client) and then the page; the "
        "ratios divide the page's p50/p95 by those of the trivial requests of the same rounds. Nearest-rank "
        "percentiles of wall-clock time in-process (django.test.Client, DEBUG off); queries = the most per request "
        "(a range when they differed, e.g. over the rotated stays).",
        "",
        "## Other figures",
        "",
    ]
    lines += figure_table(results)
    lines += [
        "",
        "CPU seconds = `time.process_time()` around the render function (median of the renders); the quarterly "
        "report is `screening.services.reports.report_build` for the last complete quarter of the largest facility; "
        "the compliance export is that quarter's dashboard PDF plus the stay-table CSV; the group session is "
        "`therapy.services.sessions.group_session_log` with 20 attendees, commit included.",
        "",
        "## Bars (issue 10)",
        "",
        "| bar | verdict | detail |",
        "|---|---|---|",
    ]
    for bar in results.get("bars") or evaluate_bars(results):
        lines.append(f"| {bar['bar']} | **{bar['verdict']}** | {bar['detail']} |")
    trouble = problems(results)
    if trouble:
        lines += ["", "## Problems", "", *trouble]
    return "\n".join(lines) + "\n"
