"""Peak memory of the current process, for phases.py and peer.py (no third-party imports: peer.py runs in its
own environment)."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's own peak RSS. Not ru_maxrss: on Linux a child keeps its parent's peak through fork and
    exec, so every phase started after bench.py generated the 1M corpus reported bench.py's 2.5 GB."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def children_peak_rss_mb() -> float:
    """The summed peak RSS of this process's live children (the embedding process `index` starts), read
    before they exit; 0 where /proc is missing."""
    total = 0.0
    for tasks in Path("/proc/self/task").glob("*/children"):
        for pid in tasks.read_text().split():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            total += next(
                (int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")),
                0.0,
            )
    return round(total, 1)
