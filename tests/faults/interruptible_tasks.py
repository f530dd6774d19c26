"""A task for the worker-kill test, imported by the worker (``celery --include``).

Each run leaves ``started-<n>`` (holding its pid) in the folder it is
given, waits until ``release`` exists there, then makes its one effect
idempotently: ``effect`` is created only if it is not there yet, and the
runs that made it are counted in ``effects``.
"""

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task(ignore_result=False)
def interruptible(folder):
    """Mark the start, wait to be released, make the effect once."""
    folder = Path(folder)
    run = len(list(folder.glob("started-*"))) + 1
    (folder / f"started-{run}").write_text(str(os.getpid()))
    while not (folder / "release").exists():
        time.sleep(0.05)
    try:
        with open(folder / "effect", "x") as effect:
            effect.write(str(run))
    except FileExistsError:
        pass
    with open(folder / "effects", "a") as effects:
        effects.write(f"{run}\n")
    return run
