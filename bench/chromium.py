"""Debian's Chromium, headless, as the browser tests and the XSS drill launch it.

No browser is downloaded: Playwright drives the machine's own Chromium (`CHROMIUM_PATH`,
else `chromium` on PATH, else /usr/bin/chromium), with the flags a container needs.
"""

import os
import shutil

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
