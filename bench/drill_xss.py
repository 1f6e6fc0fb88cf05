"""XSS drill: known attack vectors through the statement Markdown pipeline, in a real browser.

`python -m bench.drill_xss` takes every vector in bench/xss-vectors.json (script
elements, event handlers, javascript:, vbscript: and data: addresses in Markdown links,
images, autolinks and references, SVG and MathML, entities and other encodings, broken
and nested tags, CSS, frames, objects, base and meta refresh, Markdown structure around
a payload, polyglots), renders it as a statement body is rendered (lib/markdown.py) and
opens the result in headless Chromium on a page that has no Content Security Policy, so
that the sanitiser alone stands between the vector and the reader.

A vector "executes" when any of these happens: it calls alert, confirm, prompt, print or
the page's `__xss()` hook (the payloads call them; the page's own versions report back),
a dialog opens, a new window opens, or the page navigates away by itself. Each link in
the output is also clicked, and every other element is hovered, focused and clicked by
event, in case a handler or a javascript: address survived. The rendered DOM is read as
the browser parsed it: no script element, no on* attribute, no javascript:, vbscript: or
data: address, no tag outside the allowed list. Sanitising the rendered HTML again must
give the same HTML.

Then, with `--database` and `--redis`, a handful of the vectors become the bodies of
published statements and their real pages are read through the production-like stack,
with the site's Content Security Policy as a second layer: nothing may run there either.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Error as PlaywrightError

from bench.chromium import CHROMIUM_ARGS, chromium_path
from bench.drills import DRILL_DATABASE, Check, record
from bench.stack import DEFAULT_REDIS, ensure_command

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

VECTORS = Path(__file__).resolve().parent / "xss-vectors.json"
MINIMUM_VECTORS = 150
# The page the rendered HTML is served at; nothing else is reachable.
ORIGIN = "http://xss.drill.test"

# Runs in every document and frame before its own scripts. What a payload calls reports
# to Python through the `__xssHit` binding, which survives a navigation.
INIT_SCRIPT = """
(() => {
  const hit = (what) => {
    try { window.__xssHit(`${what} in ${location.href}`); } catch (error) {}
  };
  window.__xss = () => hit("__xss()");
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = () => hit(`${name}()`);
  }
})();
"""

# What the browser made of the rendered HTML: anything that could run, and any tag that
# the sanitiser's list does not allow. Run on the element holding the output.
FIND_LIVE_MARKUP = """
(root) => {
  const problems = [];
  const dangerous = ["javascript:", "vbscript:", "data:"];
  for (const element of [root, ...root.querySelectorAll("*")]) {
    const tag = element.tagName.toLowerCase();
    if (element !== root && !ALLOWED.includes(tag)) problems.push(`<${tag}> element`);
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`${name} attribute on <${tag}>`);
      if (["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc",
           "background", "poster", "style"].includes(name)) {
        let protocol = "";
        try { protocol = new URL(attribute.value, document.baseURI).protocol; } catch (e) {}
        if (dangerous.includes(protocol) || name === "srcdoc" || name === "style") {
          problems.push(`${name}="${attribute.value}" on <${tag}>`);
        }
      }
    }
  }
  return problems;
}
"""

# Every element except links is hovered, focused and clicked by event: a handler that
# survived would run. Links are clicked for real afterwards, one by one.
PROVOKE_HANDLERS = """
(root) => {
  for (const element of root.querySelectorAll("*")) {
    if (element.tagName === "A") continue;
    for (const type of ["mouseover", "mouseenter", "pointerenter", "focus", "click"]) {
      element.dispatchEvent(new Event(type, { bubbles: true }));
    }
  }
}
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Statement</title></head>
<body><main><div class="body" id="output">{html}</div></main></body></html>
"""


def load_vectors(path: Path = VECTORS) -> list[str]:
    vectors = json.loads(path.read_text())
    if not all(isinstance(vector, str) for vector in vectors):
        raise ValueError(f"{path} must hold a JSON list of strings")
    return vectors


@dataclass
class Outcome:
    vector: str
    html: str
    executed: list[str] = field(default_factory=list)
    live_markup: list[str] = field(default_factory=list)
    idempotent: bool = True


class RenderedMarkup(HTMLParser):
    """The tags and attributes of rendered HTML, as a browser would act on them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []  # tag, name, value

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def url_scheme(value: str) -> str:
    """The scheme a browser reads from an address: it drops leading spaces and controls,
    and tabs and newlines anywhere, before it looks for the colon."""
    cleaned = value.lstrip("".join(chr(code) for code in range(0x21)))
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").lower()
    scheme, colon, _ = cleaned.partition(":")
    if not colon or not scheme[:1].isalpha():
        return ""
    if not all(character.isalnum() or character in "+-." for character in scheme):
        return ""
    return scheme


URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
}


def live_markup(html: str, allowed_tags: set[str]) -> list[str]:
    """What in rendered HTML could run: the static half of the drill, and the unit test's."""
    parsed = RenderedMarkup()
    parsed.feed(html)
    parsed.close()
    problems = [f"<{tag}> element" for tag in parsed.tags if tag not in allowed_tags]
    for tag, name, value in parsed.attributes:
        if name.startswith("on"):
            problems.append(f"{name} attribute on <{tag}>")
        runs = url_scheme(value) in {"javascript", "vbscript", "data"}
        if (name in URL_ATTRIBUTES and runs) or name in {"srcdoc", "style"}:
            problems.append(f'{name}="{value}" on <{tag}>')
    return problems


def render_all(vectors: list[str]) -> list[Outcome]:
    from lib.markdown import ALLOWED_TAGS, render_markdown, sanitise_html

    outcomes = []
    for vector in vectors:
        html = render_markdown(vector)
        outcome = Outcome(vector, html, idempotent=sanitise_html(html) == html)
        outcome.live_markup = live_markup(html, ALLOWED_TAGS)
        outcomes.append(outcome)
    return outcomes


def dismiss_and_note(executed: list[str]) -> "Callable[[Dialog], None]":
    """A dialog that opens despite the page's own alert() and the rest: note it, close it."""

    def on_dialog(dialog: "Dialog") -> None:
        executed.append(f"{dialog.type} dialog")
        dialog.dismiss()

    return on_dialog


def try_in_browser(context: Any, number: int, outcome: Outcome, allowed_tags: set[str]) -> None:
    """Open one rendered vector on a page without a policy; record what ran or navigated."""
    executed = outcome.executed
    page_url = f"{ORIGIN}/statement/{number}/"
    document = PAGE.format(html=outcome.html)
    state = {"served": False, "clicking": False}

    def serve(route: Any) -> None:
        request = route.request
        if not state["served"]:
            state["served"] = True
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=document)
            return
        # A click on a link may leave the page; nothing else may.
        leaves = request.is_navigation_request() and request.frame.parent_frame is None
        if leaves and not state["clicking"]:
            executed.append(f"the page navigated by itself to {request.url}")
        route.abort()

    page = context.new_page()
    page.route("**/*", serve)
    page.on("dialog", dismiss_and_note(executed))
    page.on("popup", lambda popup: executed.append(f"opened a window at {popup.url}"))
    page.goto(page_url)
    page.wait_for_timeout(100)
    output = page.locator("#output")
    try:
        markup = output.evaluate(
            FIND_LIVE_MARKUP.replace("ALLOWED", json.dumps(sorted(allowed_tags))), timeout=30_000
        )
        outcome.live_markup += [f"in the browser: {problem}" for problem in markup]
        output.evaluate(PROVOKE_HANDLERS, timeout=30_000)
        page.wait_for_timeout(50)
    except PlaywrightError as error:
        where = "left for " + page.url if page.url != page_url else "could not be read"
        executed.append(f"the page {where}: {error.message[:200]}")
        page.close()
        return
    state["clicking"] = True
    links = output.locator("a")
    for index in range(links.count()):
        try:
            links.nth(index).evaluate("(link) => link.click()", timeout=30_000)
            page.wait_for_timeout(50)
        except PlaywrightError:  # the page left for a clicked ordinary address
            break
    page.close()


class Reporter:
    """Where a payload's call reports: the outcome of the vector being tried. Bound once
    per browser context, as `__xssHit`, for every page and frame in it."""

    def __init__(self, browser: Any) -> None:
        self.current: list[str] = []
        self.context = browser.new_context()
        self.context.expose_binding("__xssHit", lambda source, what: self.current.append(what))
        self.context.add_init_script(INIT_SCRIPT)

    def attempt(self, number: int, outcome: Outcome, allowed_tags: set[str]) -> None:
        self.current = outcome.executed
        try_in_browser(self.context, number, outcome, allowed_tags)


def statement_pages(database: str, redis: str, vectors: list[str]) -> list[str]:
    """Published statements whose bodies are the given vectors; their addresses."""
    from bench.stack import ROOT, ensure_database, manage, stack_environment

    ensure_database(database)
    environment = stack_environment(database, redis, 0, 1)
    manage(environment, "migrate", "--no-input", "-v0")
    # The demo data gives the statements a campaign and a lead organisation; loading it
    # again changes nothing.
    subprocess.run(
        [sys.executable, "manage.py", "loaddemo"],
        cwd=ROOT,
        env={**environment, "LOG_LEVEL": "WARNING"},
        check=True,
        capture_output=True,
    )
    code = f"""
import json
from tests.factories import StatementFactory
from campaigns.models import Campaign, Statement
from organisations.models import Organisation
Statement.objects.filter(slug__startswith="xss-drill-").delete()
urls = []
for number, body in enumerate(json.loads({json.dumps(vectors)!r})):
    statement = StatementFactory(
        published=True,
        slug=f"xss-drill-{{number}}",
        title=f"XSS drill {{number}}",
        body=body,
        campaign=Campaign.objects.order_by("id").first(),
        lead_organisation=Organisation.objects.order_by("id").first(),
    )
    urls.append(statement.get_absolute_url())
print(json.dumps(urls))
"""
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**environment, "LOG_LEVEL": "WARNING"},
        check=True,
        capture_output=True,
        text=True,
    )
    return list(json.loads(made.stdout.strip().splitlines()[-1]))


def try_on_the_site(browser: Any, base: str, paths: list[str]) -> list[str]:
    """Read each statement page as a visitor would, with the site's own policy."""
    executed: list[str] = []
    context = browser.new_context()
    context.expose_binding("__xssHit", lambda source, what: executed.append(what))
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    page.on("dialog", dismiss_and_note(executed))
    for path in paths:
        response = page.goto(base + path)
        if response is None or response.status != 200:
            executed.append(f"{path} answered {response and response.status}, not 200")
            continue
        page.wait_for_timeout(100)
        body = page.locator("div.body")
        body.evaluate(PROVOKE_HANDLERS)
        if page.url != base + path:
            executed.append(f"{path} navigated away to {page.url}")
    context.close()
    return executed


# Raw HTML, never sanitised, that the detector must catch: one of each way of running.
CONTROLS = [
    "<script>__xss()</script>",
    "<img src=x onerror=__xss()>",
    "<svg onload=alert(1)>",
    "<div onmouseover=__xss()>hover</div>",
    '<a href="javascript:__xss()">click</a>',
    '<iframe srcdoc="<script>parent.__xss()</script>"></iframe>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
]

# The vectors read on the real statement page: one or two of each family.
ON_THE_SITE = [
    "<script>__xss()</script>",
    "<img src=x onerror=__xss()>",
    "[x](javascript:__xss())",
    '![x](x" onerror="__xss())',
    "<javascript:__xss()>",
    "[x][r]\n\n[r]: javascript:__xss()",
    "<svg><script>__xss()</script></svg>",
    '<iframe srcdoc="<script>parent.__xss()</script>"></iframe>',
    '<meta http-equiv="refresh" content="0;url=javascript:__xss()">',
    "| a |\n|---|\n| <img src=x onerror=__xss()> |",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DRILL_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument(
        "--no-site", action="store_true", help="skip reading statement pages on the stack"
    )
    arguments = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from lib.markdown import ALLOWED_TAGS

    if not os.environ.get("CHROMIUM_PATH"):
        ensure_command("chromium", "chromium")  # Debian's, as the CI script installs it
    started = time.monotonic()
    vectors = load_vectors()
    outcomes = render_all(vectors)
    site_executed: list[str] = []
    site_pages = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        reporter = Reporter(browser)
        for number, outcome in enumerate(outcomes):
            reporter.attempt(number, outcome, ALLOWED_TAGS)
        # The detector is only as good as what it catches: the same kinds of payload,
        # not sanitised, must each be caught.
        controls = [Outcome(payload, payload) for payload in CONTROLS]
        for number, outcome in enumerate(controls, start=len(outcomes)):
            reporter.attempt(number, outcome, ALLOWED_TAGS)
        reporter.context.close()
        if not arguments.no_site:
            from bench.stack import running_stack

            paths = statement_pages(arguments.database, arguments.redis, ON_THE_SITE)
            with running_stack(arguments.database, arguments.redis) as stack:
                site_executed = try_on_the_site(browser, stack.base, paths)
            site_pages = len(paths)
        browser.close()
    elapsed = time.monotonic() - started

    caught = [outcome for outcome in controls if outcome.executed]
    executed = [outcome for outcome in outcomes if outcome.executed]
    live = [outcome for outcome in outcomes if outcome.live_markup]
    not_idempotent = [outcome for outcome in outcomes if not outcome.idempotent]
    for outcome in executed + live + not_idempotent:
        print(f"vector {outcome.vector!r}\n  rendered {outcome.html!r}")
        for what in outcome.executed + outcome.live_markup:
            print(f"  {what}")
        if not outcome.idempotent:
            print("  sanitising the rendered HTML again changes it")
    for outcome in controls:
        print(f"control {outcome.vector!r}: {'; '.join(outcome.executed) or 'NOT CAUGHT'}")
    for what in site_executed:
        print(f"on the site: {what}")

    checks = [
        Check(
            "vectors tried",
            str(len(outcomes)),
            f"≥ {MINIMUM_VECTORS}",
            len(outcomes) >= MINIMUM_VECTORS,
        ),
        Check(
            "raw payloads the detector caught (control, not sanitised)",
            f"{len(caught)} of {len(controls)}",
            "all",
            len(caught) == len(controls),
        ),
        Check("vectors that executed in Chromium (no CSP)", str(len(executed)), "0", not executed),
        Check("vectors leaving live markup in the DOM", str(len(live)), "0", not live),
        Check(
            "vectors whose sanitising is not idempotent",
            str(len(not_idempotent)),
            "0",
            not not_idempotent,
        ),
    ]
    if not arguments.no_site:
        checks.append(
            Check(
                f"statement pages on the site where a vector ran ({site_pages} pages)",
                str(len(site_executed)),
                "0",
                site_pages == len(ON_THE_SITE) and not site_executed,
            )
        )
    notes = [
        f"{len(outcomes)} vectors from bench/xss-vectors.json, rendered with "
        "lib.markdown.render_markdown and opened in Debian's headless Chromium on a page "
        f"with no Content Security Policy, in {elapsed:.0f} s "
        f"(load average {os.getloadavg()[0]:.1f} at the end).",
        "Executed means: alert/confirm/prompt/print or the __xss() hook called, a dialog or "
        "a window opened, or the page navigated by itself; every link is clicked and every "
        "other element hovered, focused and clicked by event.",
    ]
    return record("xss", checks, notes)


if __name__ == "__main__":
    sys.exit(main())
