#!/usr/bin/env python3
"""Start-up cost of `moelab` commands that run no kernel: wall time and peak RSS per command.

Target (a CUDA build included): <= 30 ms wall and <= 40 MB peak RSS. Each command runs RUNS times
for wall time (os.posix_spawn + os.wait4 around it; the `/bin/true` row shows that overhead) and
RUNS times under /usr/bin/time for peak RSS (a child spawned from Python reports Python's own RSS
when that is larger, so the small `time` process measures it).

Usage: experiments/perf/startup.py [MOELAB] [RUNS]   (defaults: build/default/lab/moelab, 9)
"""
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def spawn(argv, null):
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, null.fileno(), 1), (os.POSIX_SPAWN_DUP2, null.fileno(), 2)])
    _, status, _ = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"startup: {' '.join(argv)} failed")


def measure(argv, runs, scratch):
    walls, rss_kb = [], []
    rss_file = Path(scratch) / "rss"
    with open(os.devnull, "wb") as null:
        for _ in range(runs):
            t0 = time.perf_counter()
            spawn(argv, null)
            walls.append(time.perf_counter() - t0)
            spawn(["/usr/bin/time", "-f", "%M", "-o", str(rss_file)] + argv, null)
            rss_kb.append(int(rss_file.read_text().split()[-1]))
    return walls, rss_kb


def main():
    moelab = str(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build/default/lab/moelab").resolve())
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    if not os.access(moelab, os.X_OK):
        sys.exit(f"startup: no binary at {moelab}")
    with tempfile.TemporaryDirectory() as scratch:
        # The quickstart with one sweep point of 20 requests: start-up plus a few ms of simulation.
        text = (ROOT / "experiments/quickstart.toml").read_text()
        text = re.sub(r"(?m)^num_requests = .*$", "num_requests = 20", text.split("[sweep]")[0])
        tiny = Path(scratch) / "tiny.toml"
        tiny.write_text(text)
        commands = [
            ("/bin/true (measurement overhead)", ["/bin/true"]),
            ("--version", [moelab, "--version"]),
            ("list models", [moelab, "list", "models"]),
            ("validate quickstart.toml", [moelab, "validate", str(ROOT / "experiments/quickstart.toml")]),
            ("run (20 requests, HDF5 file)", [moelab, "run", str(tiny), "-o", str(Path(scratch) / "tiny.h5")]),
            ("list variants (opens the CUDA library)", [moelab, "list", "variants"]),
        ]
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        print(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, {os.cpu_count()} CPUs, "
              f"load average {load}, {runs} runs, {moelab}")
        print(f"{'command':<40} {'min ms':>8} {'median ms':>10} {'max ms':>8} {'peak RSS MiB':>12}")
        for label, argv in commands:
            walls, rss = measure(argv, runs, scratch)
            print(f"{label:<40} {1e3 * min(walls):8.1f} {1e3 * statistics.median(walls):10.1f} "
                  f"{1e3 * max(walls):8.1f} {max(rss) / 1024:12.1f}")


if __name__ == "__main__":
    main()
