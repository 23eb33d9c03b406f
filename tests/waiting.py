"""Waiting on what a real worker or server does in another process: poll until it holds or the time is up."""

import time


def wait_for(condition, timeout: float = 60, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False
