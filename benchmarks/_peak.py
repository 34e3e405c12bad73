"""The peak resident memory of the calling process, for benchmark children."""

from __future__ import annotations

import resource
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
"""This folder: a child started with it on ``PYTHONPATH`` can ``from _peak import peak_mib``."""


def peak_mib() -> float:
    """The process's peak RSS in MiB (``VmHWM``).

    Not ``ru_maxrss``: Linux keeps it across ``exec``, so a child of a parent that held a large
    checkpoint would report the parent's peak. ``VmHWM`` belongs to this process image alone.
    """
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
