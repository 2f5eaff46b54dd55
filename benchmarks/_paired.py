"""Paired comparison of automl-studio with a peer: per dataset, the difference on each split, and
a win or a loss only where the mean difference exceeds its spread."""
from __future__ import annotations

import statistics
from dataclasses import dataclass

#: Scores this close count as equal ("at least the peer's score"), and a single split's difference
#: must exceed it to count as a win or a loss (one split has no spread of its own).
TOLERANCE = 0.001


@dataclass
class PairedDifference:
    """Our score minus the peer's on each split (seed) of one dataset that both systems ran."""

    dataset: str
    differences: list[float]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.differences)

    @property
    def spread(self) -> float | None:
        """Sample standard deviation of the differences; None on a single split."""
        return statistics.stdev(self.differences) if len(self.differences) > 1 else None

    @property
    def at_least(self) -> bool:
        """Whether ours is at least the peer's score, within :data:`TOLERANCE`."""
        return self.mean >= -TOLERANCE

    @property
    def outcome(self) -> str:
        """``win``, ``loss`` or ``tie``: a win or a loss needs the mean beyond the spread (and beyond
        the tolerance, which is the whole bound on a single split)."""
        bound = max(self.spread or 0.0, TOLERANCE)
        if self.mean > bound:
            return "win"
        return "loss" if self.mean < -bound else "tie"

    def cell(self) -> str:
        spread = "" if self.spread is None else f" ± {self.spread:.4f}"
        return f"{self.mean:+.4f}{spread} {self.outcome}"


def paired_differences(records: list[dict], ours: str, peer: str) -> dict[str, PairedDifference]:
    """Per dataset, the paired differences over the seeds both ``ours`` and ``peer`` scored."""
    score = {(r["dataset"], r["system"], r["seed"]): r["score"] for r in records
             if r.get("score") is not None and "error" not in r}
    out: dict[str, PairedDifference] = {}
    for (dataset, system, seed), value in score.items():
        other = score.get((dataset, peer, seed))
        if system == ours and other is not None:
            out.setdefault(dataset, PairedDifference(dataset, [])).differences.append(value - other)
    return out


def summary_line(pairs: dict[str, PairedDifference], ours: str, peer: str) -> str:
    """Wins, ties and losses against ``peer``, and on how many datasets ours is at least the peer's."""
    outcomes = [p.outcome for p in pairs.values()]
    at_least = sum(p.at_least for p in pairs.values())
    mean = statistics.fmean(p.mean for p in pairs.values())
    return (f"- Against {peer}: **{outcomes.count('win')} wins, {outcomes.count('tie')} ties, "
            f"{outcomes.count('loss')} losses** beyond the spread of the paired differences; {ours} is "
            f"at least {peer}'s score (tolerance {TOLERANCE}) on {at_least} of {len(pairs)}; mean "
            f"difference {mean:+.4f}.")
