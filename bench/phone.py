"""What a phone on a slow network gets: bytes on the wire before any tap, and when the largest
piece of content is painted (LCP), per page; and how long a file takes to download.

Used by bench_http.py against its gunicorn server. Chromium (Debian's, as the browser tests use)
at 390×844 with Lighthouse's mobile throttling: Slow 4G (150 ms round trip, 1.6 Mbit/s down,
750 kbit/s up) and a CPU slowed 4×. Each page is loaded with a cold cache, as on a first visit.
"""

import statistics
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1638.4 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
CONDITIONS = "390×844 Chromium, Slow 4G (150 ms, 1.6 Mbit/s down, 750 kbit/s up), CPU 4× slower"
LOADS = 3  # per page; the median is reported

LCP_SCRIPT = """() => new Promise(resolve => {
  new PerformanceObserver(list => {
    const entries = list.getEntries();
    resolve(entries[entries.length - 1].startTime);
  }).observe({type: "largest-contentful-paint", buffered: true});
  setTimeout(() => resolve(null), 5000);
})"""
# From the request to the last byte, as the page's own script sees it.
DOWNLOAD_SCRIPT = """async url => {
  const started = performance.now();
  const response = await fetch(url, {cache: "no-store"});
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  await response.arrayBuffer();
  return performance.now() - started;
}"""


def measure(
    base: str, pages: list[tuple[str, str, str | None]], files: list[tuple[str, str, str | None]]
) -> tuple[list[dict], list[dict]]:
    """`pages` and `files` are (name, path, session cookie value or None); returns bytes and
    LCP per page, and the download time per file."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit("Chromium is missing: `make bench` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            on_pages = []
            for name, path, session in pages:
                loads = [_load(browser, base, path, session) for _ in range(LOADS)]
                on_pages.append(
                    {
                        "name": name,
                        "bytes": statistics.median(load["bytes"] for load in loads),
                        "requests": statistics.median(load["requests"] for load in loads),
                        "lcp_ms": statistics.median(load["lcp_ms"] for load in loads),
                    }
                )
            downloads = [
                {
                    "name": name,
                    "ms": statistics.median(
                        _download(browser, base, path, session) for _ in range(LOADS)
                    ),
                }
                for name, path, session in files
            ]
        finally:
            browser.close()
    return on_pages, downloads


def _phone(browser, base: str, session: str | None):
    """A fresh phone (cold cache), signed in with `session`, and its DevTools session."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    return context, page, cdp


def _throttle(cdp) -> None:
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def _download(browser, base: str, path: str, session: str | None) -> float:
    """Milliseconds to fetch `path` from a page of the site, on the slow network."""
    context, page, cdp = _phone(browser, base, session)
    page.goto(base + "/healthz/")  # any page of the site's origin, fast
    _throttle(cdp)
    elapsed = page.evaluate(DOWNLOAD_SCRIPT, base + path)
    context.close()
    return elapsed


def _load(browser, base: str, path: str, session: str | None) -> dict:
    context, page, cdp = _phone(browser, base, session)
    _throttle(cdp)
    wire = {"bytes": 0, "requests": 0}

    def finished(event):
        wire["bytes"] += event["encodedDataLength"]
        wire["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    response = page.goto(base + path, wait_until="load")
    assert response.ok, f"{path}: {response.status}"
    lcp = page.evaluate(LCP_SCRIPT)
    page.wait_for_timeout(300)  # late responses (lazy images in view) count too
    context.close()
    return {"bytes": wire["bytes"], "requests": wire["requests"], "lcp_ms": lcp}
