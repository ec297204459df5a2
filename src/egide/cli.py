"""The `egide` command: Django's management commands with Égide's settings, plus the project's own."""

import gc
import os
import sys


def _setup(argv: list[str]) -> None:
    """Django's setup, with the cycle collector paused and what it made frozen. Setting up imports some 600
    modules and registers every model: objects that live as long as the process, which the collector would walk
    again and again for nothing (a tenth of a short command's time). Django's command line would set up the same
    way just after; left to it where it handles the setup itself: settings that cannot be read (it says so) and
    the development server (its reloader reports the errors)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reading the settings)
    except (ImproperlyConfigured, ImportError):
        return
    if argv[1:2] == ["runserver"]:
        return
    import django

    enabled = gc.isenabled()
    gc.disable()
    try:
        django.setup()
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings")
    from django.core.management import execute_from_command_line

    from egide.environment import SettingError

    try:
        _setup(sys.argv)
        execute_from_command_line(sys.argv)
    except SettingError as error:
        # A setting read from the environment that cannot be used: its name and what is expected, not a traceback.
        sys.exit(f"Setting refused: {error} (.env.example lists the settings).")
    finally:
        # The process ends here. Left to itself, the interpreter's exit runs the cycle collector over every object
        # still alive, and a command that has just held a large map (`egide governance check` at 10,000 actors:
        # hundreds of thousands of findings, steps and nodes) spends a fifth of its time there
        # (benchmarks/RESULTS.md, perf-rest). Frozen, they are left out of those passes; reference counting still
        # frees them and closes files as usual.
        gc.freeze()


if __name__ == "__main__":
    main()
