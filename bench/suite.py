"""What every bench script does before it measures: read the saved results (--from-results), or
check that wrk and the release binary are there and make the results folder."""
import json
import os

import wrkdriver


def saved_or_ready(path, from_results, swiftrack_bin=None):
    """The results saved at `path` when `from_results`; else None, once measuring can start."""
    if from_results:
        with open(path) as f:
            return json.load(f)
    if not wrkdriver.available():
        raise SystemExit("wrk missing: run bench/setup (it installs Debian's wrk)")
    if swiftrack_bin is not None and not os.access(swiftrack_bin, os.X_OK):
        raise SystemExit(f"{swiftrack_bin} missing: swift build -c release")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return None
