"""Ending a lab's daemons: one way for every python3 lab helper.

Each daemon runs in its own process group (start_new_session=True), so a
forking daemon's children end with it.
"""

import os
import signal
import subprocess


def stop_process_groups(procs, timeout):
    """SIGTERM every process group, wait up to `timeout` s each, then SIGKILL."""
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for p in procs:
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
