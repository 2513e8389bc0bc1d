"""Benchmark results as JSON, a Markdown table and a PNG chart under var/bench/."""

import json
import os
import subprocess
from pathlib import Path

TARGETS_MS = {  # page -> (cold median target, warm median target), the targets in docs/performance.md
    "category": (30, 5),
    "catalogue_filtered": (30, 5),
    "product_detail": (30, 5),
    "quota_report": (200, 200),
}


def environment() -> dict:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    return {"commit": commit, "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}


def write(results: dict, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out_dir / "results.json",
        "markdown": out_dir / "results.md",
        "chart": out_dir / "server_time.png",
    }
    paths["json"].write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    paths["markdown"].write_text(markdown(results), encoding="utf-8")
    chart(results, paths["chart"])
    return paths


def _ms(value):
    return "—" if value is None else f"{value:.1f}"


def markdown(results: dict) -> str:
    lines = [
        f"Benchmark of {results['started_at']} (commit {results['environment']['commit']}, "
        f"{results['environment']['cpus']} CPUs, load average at start "
        f"{results['environment']['load_average']}), PostgreSQL, Redis cache; "
        f"{results['requests']} measured requests per cell after warm-up. Visitor: anonymous (served "
        "the page cache when warm) or signed in as a shopper, an institutional buyer or a seller, each "
        "with one product in the basket (never the page cache; warm = shared fragments cached).",
        "",
        "| page | products | visitor | queries cold | median cold ms | p95 cold ms | queries warm "
        "| median warm ms | p95 warm ms | note |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    rows = {}
    for m in results["measurements"]:
        rows.setdefault((m["page"], m["products"], m.get("visitor", "anonymous")), {})[m["cache"]] = m
    for (page, products, visitor), cells in rows.items():
        cold, warm = cells.get("cold", {}), cells.get("warm", {})
        note = "; ".join(filter(None, {cold.get("note", ""), warm.get("note", "")}))
        lines.append(
            f"| {page} | {products:,} | {visitor} | {cold.get('queries', '—')} | {_ms(cold.get('median_ms'))} "
            f"| {_ms(cold.get('p95_ms'))} | {warm.get('queries', '—')} | {_ms(warm.get('median_ms'))} "
            f"| {_ms(warm.get('p95_ms'))} | {note} |"
        )
    for run in results.get("generation", []):
        lines.append("")
        lines.append(
            f"Generating {run['products']:,} products / {run['orders']:,} orders: {run['seconds']:.0f} s"
            f" ({run.get('order_lines', 0):,} order lines)."
        )
    background = results.get("jobs")
    if background:
        done = background["import"]
        lines += [
            "",
            f"Background jobs at {results['sizes'][-1]:,} products (a real Celery worker on Redis):",
            "",
            "| job | rows | seconds |",
            "|---|---:|---:|",
            f"| seller import, queued to done | {done['rows']:,} | {done['seconds']:.2f} |",
        ]
        for export in background["exports"]:
            lines.append(
                f"| {export['export']} export (XLSX) | {export['rows']:,} | {export['seconds']:.2f} |"
            )
    live_runs = results.get("live_runs") or ([results["live"]] if results.get("live") else [])
    for live in live_runs:
        lines += [
            "",
            f"Live run at {live['products']:,} products, {live.get('visitors', 'anonymous')} visitors: "
            f"gunicorn {live['workers']} workers, locust {live['users']} users for {live['seconds']} s.",
            "",
            "| requests | failures | req/s | median ms | p95 ms | p99 ms |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {live['requests']} | {live['failures']} | {live['rps']:.1f} | {live['p50_ms']} | {live['p95_ms']} "
            f"| {live['p99_ms']} |",
        ]
        if live.get("per_endpoint"):
            lines += [
                "",
                "| endpoint | requests | failures | req/s | median ms | p95 ms | p99 ms |",
                "|---|---:|---:|---:|---:|---:|---:|",
            ]
            for row in live["per_endpoint"]:
                lines.append(
                    f"| {row['name']} | {row['requests']} | {row['failures']} | {row['rps']:.1f} "
                    f"| {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} |"
                )
    capacity = results.get("capacity_runs")
    if capacity:
        first = capacity[0]
        lines += [
            "",
            f"Capacity at {first['products']:,} products: gunicorn {first['workers']} workers, "
            f"{first['users']} locust users (or wrk connections) without think time, {first['seconds']} s "
            "per endpoint (counted once every user runs). Anonymous visitors send no cookies (page "
            "cache); signed-in ones are generated consumers with one product in the basket, each signed "
            "in once before the run. Load average at the end of the runs: "
            f"{results.get('capacity_load_average', '—')}.",
            "",
            "| visitors | endpoint | load generator | requests | failures | req/s | target req/s | median ms "
            "| p95 ms | p99 ms |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in capacity:
            target = row.get("target_rps")
            lines.append(
                f"| {row['visitors']} | {row['endpoint']} | {row.get('generator', 'locust')} "
                f"| {row['requests']} | {row['failures']} "
                f"| {row['rps']:.1f} | {'—' if target is None else f'≥ {target:,}'} | {row['p50_ms']} "
                f"| {row['p95_ms']} | {row['p99_ms']} |"
            )
    return "\n".join(lines) + "\n"


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 5), sharey=False)
    for axis, state in zip(axes, ("cold", "warm"), strict=True):
        series = {}
        for m in results["measurements"]:
            if m["cache"] == state and m["median_ms"] is not None:
                label = f"{m['page']} ({m.get('visitor', 'anonymous')})"
                series.setdefault(label, []).append((m["products"], m["median_ms"]))
        for page, points in sorted(series.items()):
            points.sort()
            axis.plot([p for p, _ in points], [t for _, t in points], marker="o", label=page)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("products in catalogue")
        axis.set_ylabel("median server time (ms)")
        axis.set_title(f"{state} cache")
        axis.grid(True, which="both", alpha=0.3)
    axes[1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
