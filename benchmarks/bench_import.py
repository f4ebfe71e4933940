"""What `import stuntlib` costs on top of `import pandas`, and what it loads.

Each measurement is a fresh interpreter. CPU time (user + system of the child process) is
reported besides wall time because it is far less sensitive to other load on a small
shared machine. Usage: python benchmarks/bench_import.py [repeats]
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time

CODE = {
    "pandas": "import pandas",
    "stuntlib": "import pandas, stuntlib",
    "stuntlib.score": "import pandas, stuntlib; stuntlib.score",
    "stuntlib.report": "import stuntlib; stuntlib.report",
}


def once(code: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    for code in CODE.values():  # warm the file cache
        once(code)
    results = {}
    for name, code in CODE.items():
        runs = [once(code) for _ in range(repeats)]
        results[name] = {
            "wall_ms": round(1000 * statistics.median(r[0] for r in runs), 1),
            "cpu_ms": round(1000 * statistics.median(r[1] for r in runs), 1),
        }
    for key in ("wall_ms", "cpu_ms"):
        results[f"stuntlib_over_pandas_{key}"] = round(
            results["stuntlib"][key] - results["pandas"][key], 1
        )
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, stuntlib; print(len([m for m in sys.modules "
         "if m.startswith('stuntlib')]), 'scipy.stats' in sys.modules, "
         "'matplotlib' in sys.modules, 'pyarrow.dataset' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    results["modules_loaded"] = {
        "stuntlib modules": int(loaded[0]),
        "scipy.stats": loaded[1],
        "matplotlib": loaded[2],
        "pyarrow.dataset": loaded[3],
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
