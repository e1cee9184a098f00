"""`hrtool worker` as the tests run it in a process of its own: the real command, with each
letter of a batch slowed by HRTOOL_TEST_LETTER_PAUSE seconds (set through the letter jobs' test
hook, from here, never in the app), so a test can kill the worker part-way through a batch."""
from __future__ import annotations

import os
import sys
import time

from hrtool.cli import main
from hrtool.services.letters import letter_jobs

pause = float(os.environ.get("HRTOOL_TEST_LETTER_PAUSE", "0"))
if pause:
    letter_jobs.fail_at = lambda index: time.sleep(pause)

if __name__ == "__main__":
    sys.argv = ["hrtool", "worker", *sys.argv[1:]]
    main()
