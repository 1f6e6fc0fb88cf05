"""Every known XSS vector, rendered as a statement body is, on one page in Chromium: nothing runs.

The page has no Content Security Policy, so the sanitiser alone is under test. What a
payload calls (alert, confirm, prompt, print, the `__xss()` hook) reports back through a
binding; every element is hovered, focused and clicked by event, and every link that
does not lead to an ordinary address is clicked.
"""

from playwright.sync_api import Browser, Route

from bench.drill_xss import INIT_SCRIPT, PROVOKE_HANDLERS, dismiss_and_note, load_vectors
from lib.markdown import render_markdown

ORIGIN = "http://xss.test"


def open_page(browser: Browser, body: str, ran: list[str]) -> None:
    """Serve `body` as the only page there is, provoke it, and record what ran into `ran`."""
    document = f'<!doctype html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'
    context = browser.new_context()
    context.expose_binding("__xssHit", lambda source, what: ran.append(what))
    context.add_init_script(INIT_SCRIPT)
    served: list[str] = []

    def serve(route: Route) -> None:
        if not served:
            served.append(route.request.url)
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=document)
            return
        if route.request.is_navigation_request() and route.request.frame.parent_frame is None:
            ran.append(f"navigated to {route.request.url}")
        route.abort()

    page = context.new_page()
    page.route("**/*", serve)
    page.on("dialog", dismiss_and_note(ran))
    page.goto(f"{ORIGIN}/")
    page.wait_for_timeout(200)
    page.locator("body").evaluate(PROVOKE_HANDLERS)
    page.evaluate(
        """() => {
          for (const link of document.querySelectorAll("a")) {
            if (!["http:", "https:", "mailto:"].includes(link.protocol)) link.click();
          }
        }"""
    )
    page.wait_for_timeout(200)
    context.close()


def test_no_vector_runs_a_script(browser: Browser) -> None:
    vectors = load_vectors()
    body = "".join(
        f'<section id="vector-{number}">{render_markdown(vector)}</section>'
        for number, vector in enumerate(vectors)
    )
    ran: list[str] = []
    open_page(browser, body, ran)
    assert ran == []


def test_the_page_would_notice_a_script_that_ran(browser: Browser) -> None:
    """The same page with the vectors left unsanitised: the detection works."""
    ran: list[str] = []
    open_page(
        browser,
        '<script>__xss()</script><img src=x onerror="alert(1)">'
        '<p onclick="confirm(1)">x</p><a href="javascript:prompt(1)">x</a>',
        ran,
    )
    assert sorted(what.split(" in ")[0] for what in ran) == [
        "__xss()",
        "alert()",
        "confirm()",
        "prompt()",
    ]
