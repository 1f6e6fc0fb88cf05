"""A browser's User-Agent header in the few words a staff member recognises.

"Firefox 128 on Windows" is enough to tell one's own laptop from a stranger's; the full
header is kept beside it for whoever needs more. Order matters: Edge and Opera also
call themselves Chrome and Safari, and Chrome calls itself Safari.
"""

import re

from django.utils.translation import gettext

BROWSERS = [
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"OPR/(\d+)")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS|HeadlessChrome|Chromium)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+)(?:\.\d+)*.*Safari/")),
]

SYSTEMS = [
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("Android", re.compile(r"Android")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Macintosh|Mac OS X")),
    ("Linux", re.compile(r"Linux|X11")),
]


def describe(user_agent: str) -> str:
    """'Firefox 128 on Windows', 'Safari on iPhone', or 'Unknown browser'."""
    browser = next(
        (
            f"{name} {match.group(1)}"
            for name, pattern in BROWSERS
            if (match := pattern.search(user_agent))
        ),
        None,
    )
    system = next((name for name, pattern in SYSTEMS if pattern.search(user_agent)), None)
    if browser and system:
        return gettext("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or gettext("Unknown browser")
