"""`make bench`: every benchmark module in BENCHMARKS, each in its own process (each sets up Django
against its own database). Add a module by appending its name; `python bench/run.py sweep` runs one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench make bench
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["sweep", "pages", "import_history", "api_depth", "every_page"]


def main(argv: list[str]) -> int:
    chosen = argv or [name for name in BENCHMARKS if (HERE / f"{name}.py").exists()]
    failed = []
    for name in chosen:
        print(f"== bench/{name}.py ==", flush=True)
        if subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=False).returncode:  # noqa: S603
            failed.append(name)
    if failed:
        print(f"Missed a target or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
