"""Markdown report of the tabular benchmark, and the README section it refreshes."""
from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from pathlib import Path

from _paired import PairedDifference, paired_differences, summary_line

OURS, MEMORY_PEER = "automl-studio", "AutoGluon"
#: The model-quality targets: our mean at least AutoGluon's plus this margin, and our score at least
#: each peer's (within the paired comparison's tolerance) on this share of the datasets.
MEAN_MARGIN_PEER, MEAN_MARGIN = "AutoGluon", 0.003
AT_LEAST_SHARE = {"AutoGluon": 0.7, "FLAML": 0.8, "LightGBM": 1.0}
STAGES = ("setup", "search", "ensembles", "refit", "explanation", "tracking")
#: The stages besides the search and the refit: what should not grow with the budget.
OVERHEAD_STAGES = ("setup", "ensembles", "test", "result", "explanation", "tracking")
#: The promises: wall time within the budget + 5%, peak memory at most 2x AutoGluon's, overhead under 10%.
GRACE, MEMORY_RATIO, MAX_OVERHEAD = 0.05, 2.0, 0.10
README_START, README_END = "<!-- bench:tabular:start -->", "<!-- bench:tabular:end -->"


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _fmt(value, digits: int = 4, suffix: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}{suffix}"
    return f"{value}{suffix}"


def _by(records: list[dict], *keys: str) -> dict:
    grouped = defaultdict(list)
    for r in records:
        grouped[tuple(r[k] for k in keys)].append(r)
    return grouped


def _score_table(records: list[dict], systems: list[str]) -> list[str]:
    """Mean held-out score per dataset and system over its splits; the best of a row in bold."""
    scores = {key: _mean([r.get("score") for r in group if "error" not in r])
              for key, group in _by(records, "dataset", "system").items()}
    datasets = list(dict.fromkeys(r["dataset"] for r in records))
    metric = {r["dataset"]: r["metric"] for r in records}
    splits = {d: len({r["seed"] for r in records if r["dataset"] == d}) for d in datasets}
    lines = [f"| dataset | metric | splits | {' | '.join(systems)} |", "|---|---|---|" + "---|" * len(systems)]
    for d in datasets:
        row = [scores.get((d, s)) for s in systems]
        best = max((v for v in row if v is not None), default=None)
        cells = [("**" + _fmt(v) + "**") if v is not None and v == best else _fmt(v) for v in row]
        lines.append(f"| {d} | {metric[d]} | {splits[d]} | {' | '.join(cells)} |")
    means = [_mean([scores.get((d, s)) for d in datasets]) for s in systems]
    lines.append(f"| **mean** | | | {' | '.join(_fmt(m) for m in means)} |")
    return lines


def _mean(values: list) -> float | None:
    return None if any(v is None for v in values) or not values else sum(values) / len(values)


def _versus(records: list[dict], systems: list[str], datasets: list[str]) -> list[str]:
    """Per dataset, our paired difference with each peer (mean ± spread over splits, and the outcome);
    then wins, ties and losses against each peer."""
    peers = [s for s in systems if s != OURS]
    pairs = {peer: paired_differences(records, OURS, peer) for peer in peers}
    peers = [p for p in peers if pairs[p]]
    if not peers:
        return []
    lines = [f"Paired differences, {OURS} minus each peer (mean ± standard deviation over splits; a win "
             "or a loss only beyond it):", "", f"| dataset | {' | '.join(peers)} |", "|---|" + "---|" * len(peers)]
    for d in datasets:
        cells = [pairs[p][d].cell() if d in pairs[p] else "-" for p in peers]
        lines.append(f"| {d} | {' | '.join(cells)} |")
    return lines + [""] + [summary_line(pairs[p], OURS, p) for p in peers] + _targets(pairs)


def _targets(pairs: dict[str, dict[str, PairedDifference]]) -> list[str]:
    """Whether the quality targets hold: the mean margin over AutoGluon, and the share of datasets on
    which ours is at least each peer's score."""
    out = []
    margin = pairs.get(MEAN_MARGIN_PEER)
    if margin:
        mean = statistics.fmean(p.mean for p in margin.values())
        out.append(f"- Target: mean at least {MEAN_MARGIN_PEER}'s + {MEAN_MARGIN}: mean paired difference "
                   f"{mean:+.4f}, **{'met' if mean >= MEAN_MARGIN else 'not met'}**.")
    for peer, share in AT_LEAST_SHARE.items():
        if pairs.get(peer):
            held = sum(p.at_least for p in pairs[peer].values())
            needed = math.ceil(share * len(pairs[peer]))
            out.append(f"- Target: at least {peer}'s score on {needed} of {len(pairs[peer])}: {held}, "
                       f"**{'met' if held >= needed else 'not met'}**.")
    return out


def _system_table(records: list[dict], systems: list[str]) -> list[str]:
    lines = ["| system | wall s (median / max) | overrun max | peak memory MB (median / max) | trials (median) "
             "| 1-row p50 ms | batch rows/s | ONNX 1-row p50 ms | ONNX rows/s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for s in systems:
        group = [r for r in records if r["system"] == s and "error" not in r]
        if not group:
            continue
        walls = [r["wall_seconds"] for r in group]
        peaks = [r["peak_memory_mb"] for r in group]
        onnx = [r["onnx"] for r in group if r.get("onnx")]
        lines.append("| " + " | ".join([
            s, f"{_median(walls):.1f} / {max(walls):.1f}", f"{max(r['overrun'] for r in group):+.1%}",
            f"{_median(peaks):.0f} / {max(peaks):.0f}", _fmt(_median([r["trials"] for r in group]), 0),
            _fmt(_median([r["python"]["single_row_p50_ms"] for r in group]), 2),
            _fmt(_median([r["python"]["batch_rows_per_s"] for r in group]), 0),
            _fmt(_median([o["single_row_p50_ms"] for o in onnx]), 3),
            _fmt(_median([o["batch_rows_per_s"] for o in onnx]), 0)]) + " |")
    return lines


def overhead_share(record: dict) -> float | None:
    """Share of the wall time in setup, ensembles, explanations and tracking (None without timings)."""
    timings, wall = record.get("timings"), record.get("submit_seconds") or record.get("wall_seconds")
    if not timings or not wall:
        return None
    return sum(timings.get(k, 0.0) for k in OVERHEAD_STAGES) / wall


def _searched_to_budget(record: dict) -> bool:
    return "timeout_minutes" in (record.get("stop_reason") or "")


def _job_memory(record: dict) -> int | None:
    phases = record.get("memory_by_phase_mb") or {}
    job = [v for k, v in phases.items() if k.startswith("job ")]
    return max(job) if job else phases.get("fit")


def _run_label(record: dict, records: list[dict]) -> str:
    """The dataset, and the seed where the dataset ran on several."""
    seeds = {r["seed"] for r in records if r["dataset"] == record["dataset"]}
    return record["dataset"] if len(seeds) == 1 else f"{record['dataset']} (seed {record['seed']})"


def _promises(records: list[dict], budget: float) -> list[str]:
    """Per dataset: our wall time against the budget, our peak memory against AutoGluon's (and where it
    went), our overhead; then whether each promise held on every dataset."""
    ours = {_run_label(r, records): r for r in records if r["system"] == OURS and "error" not in r}
    peer = {_run_label(r, records): r for r in records if r["system"] == MEMORY_PEER and "error" not in r}
    if not ours:
        return []
    lines = ["| dataset | wall s (submit) | overrun | peak MB | AutoGluon peak MB | ratio | MB: job / ONNX export "
             "/ scoring | overhead | search to budget |", "|---|---|---|---|---|---|---|---|---|"]
    ratios, overheads = [], []
    for dataset, r in ours.items():
        other = peer.get(dataset)
        ratio = r["peak_memory_mb"] / other["peak_memory_mb"] if other and other.get("peak_memory_mb") else None
        ratios += [] if ratio is None else [(ratio, dataset)]
        share, full = overhead_share(r), _searched_to_budget(r)
        overheads += [(share, dataset)] if full and share is not None else []
        phases = r.get("memory_by_phase_mb") or {}
        lines.append("| " + " | ".join([
            dataset, _fmt(r.get("submit_seconds") or r["wall_seconds"], 1), f"{r['overrun']:+.1%}",
            str(r["peak_memory_mb"]), _fmt(other["peak_memory_mb"] if other else None),
            _fmt(ratio, 2, "x"), f"{_fmt(_job_memory(r))} / {_fmt(phases.get('onnx_export'))} / "
            f"{_fmt(phases.get('scoring'))}", _fmt(share, 3), "yes" if full else "no"]) + " |")
    worst_label, worst = max(ours.items(), key=lambda item: item[1]["overrun"])
    out = lines + ["", f"- Wall time within the budget + {GRACE:.0%} ({budget * (1 + GRACE):.0f} s): "
                   f"**{sum(r['overrun'] <= GRACE for r in ours.values())} of {len(ours)}** runs "
                   f"(largest overrun {worst['overrun']:+.1%}, {worst_label})."]
    if ratios:
        top = max(ratios)
        within = sum(x <= MEMORY_RATIO for x, _ in ratios)
        out.append(f"- Peak memory at most {MEMORY_RATIO:g}x {MEMORY_PEER}'s: **{within} of {len(ratios)}** "
                   f"runs (largest ratio {top[0]:.2f}x, {top[1]}).")
    if overheads:
        top = max(overheads)
        out.append(f"- Setup, ensembles, explanations and tracking under {MAX_OVERHEAD:.0%} of the wall time where "
                   f"the search ran to the budget: **{sum(x < MAX_OVERHEAD for x, _ in overheads)} of "
                   f"{len(overheads)}** (largest {top[0]:.1%}, {top[1]}).")
    return out


def _ours_table(records: list[dict]) -> list[str]:
    lines = ["| dataset | wall s | overrun | first trial s | outside fit & predict | trials | best "
             f"| {' / '.join(STAGES)} s |", "|---|---|---|---|---|---|---|---|"]
    for r in records:
        if r["system"] != OURS or "error" in r:
            continue
        t = r.get("timings", {})
        stages = " / ".join(_fmt(t.get(k), 1) for k in STAGES)
        share = r.get("outside_fit_share")
        lines.append(f"| {_run_label(r, records)} | {r['wall_seconds']:.1f} | {r['overrun']:+.1%} "
                     f"| {_fmt(r.get('first_trial_seconds'), 1)} | {'-' if share is None else f'{share:.0%}'} "
                     f"| {r['trials']} | {r['best']} | {stages} |")
    return lines


def render_markdown(records: list[dict], context: dict, unavailable: dict[str, str]) -> str:
    """The benchmark's Markdown report."""
    systems = list(dict.fromkeys(r["system"] for r in records))
    datasets = list(dict.fromkeys(r["dataset"] for r in records))
    score_lines = _score_table(records, systems)
    versions = ", ".join(f"{k} {v}" for k, v in context["versions"].items())
    out = [f"Run {context['date']} on {context['machine']}, {context['cpus']} cores, "
           f"{context['memory_gib']} GiB, Python {context['python_version']}; {versions}. "
           f"Budget {context['budget']:.0f} s per run, seeds {sorted({r['seed'] for r in records})}; "
           "held-out score on a 25% test split drawn with each seed (mean over seeds). "
           f"Machine load (1-minute average after each run, {context['cpus']} cores): median "
           f"{_fmt(_median([r.get('load_average') for r in records]), 1)}, max "
           f"{_fmt(max((r.get('load_average') or 0.0 for r in records), default=None), 1)}.", "",
           *score_lines, "", *_versus(records, systems, datasets)]
    out += [f"- {name} not run: {reason}." for name, reason in unavailable.items()]
    promises = _promises(records, context["budget"])
    if promises:
        out += ["", f"Time and memory promises ({OURS}; memory of the process tree, the sum of its processes' "
                "proportional set sizes (benchmarks/_watch.py), by part of the run):", "",
                *promises]
    out += ["", *_system_table(records, systems), "", f"{OURS} per dataset (outside fit & predict: share "
            "of wall time in which the trial slots were not fitting or predicting):", "", *_ours_table(records)]
    errors = [f"- {r['system']} on {r['dataset']}: {r['error']}" for r in records if "error" in r]
    if errors:
        out += ["", "Runs that failed:", *errors]
    return "\n".join(out) + "\n"


def readme_update(readme: Path, markdown: str) -> None:
    """Put ``markdown`` between the README's benchmark markers (added at the end when absent)."""
    text = readme.read_text(encoding="utf-8")
    block = f"{README_START}\n{markdown}{README_END}"
    if README_START in text:
        text = re.sub(re.escape(README_START) + ".*?" + re.escape(README_END), lambda _: block, text,
                      flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Benchmarks\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")
