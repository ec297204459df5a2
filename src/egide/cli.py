"""The `egide` command: Django's management commands with Égide's settings, plus the project's own."""

import gc
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    finally:
        # The process ends here. Left to itself, the interpreter's exit runs the cycle collector over every object
        # still alive, and a command that has just held a large map (`egide governance check` at 10,000 actors:
        # hundreds of thousands of findings, steps and nodes) spends a fifth of its time there
        # (benchmarks/RESULTS.md, perf-rest). Frozen, they are left out of those passes; reference counting still
        # frees them and closes files as usual.
        gc.freeze()


if __name__ == "__main__":
    main()
