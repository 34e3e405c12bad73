#!/usr/bin/env python3
"""Check, in a real headless Chromium, that every column of the docs' weights tables is visible.

    python3 scripts/check_docs_in_browser.py docs/_build/html [--width 1280] [--screenshots DIR]

For each model page (``models/*.html`` holding a ``table.weights-table``) it loads the page at the
given window width, opens every collapsed ``<details>`` section (timm's catalogue keeps one per
family) and measures every weights table, reporting the worst: its last column header must end
inside the viewport, neither the table inside its wrapper nor the page may need horizontal
scrolling, and no identifier in any weights table may be broken across lines (a ``span.pre`` with
more than one line box). On a page with a catalogue filter box (``input.catalogue-filter``) it
types the first row's name: that row must stay visible, most others must hide, and clearing the
box must show every row again. It also saves a screenshot of each page at the first width
(``<page>-<width>.png``). Exits 1 when a table does not fit or a filter does not filter, 2 when
no Chromium is installed (on Debian: ``apt-get install -y chromium``).

Only the standard library is used, like ``scripts/dev.py``, which runs this after building the
docs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MARKER = "weighthub-measure"

# Runs in the page after load; writes what it measured into a <pre> that --dump-dom prints.
_MEASURE = """
<script>
window.addEventListener("load", function () {
  var out = {found: false};
  var filter = null;
  var box = document.querySelector("input.catalogue-filter");
  if (box) {
    // Type the first row's name; then clear the box again.
    var rows = Array.from(document.querySelectorAll("details.catalogue-group tbody tr"));
    var visible = function () {
      return rows.filter(function (row) { return row.getClientRects().length > 0; }).length;
    };
    var query = rows.length ? rows[0].cells[0].textContent.trim().split(" ")[0] : "";
    box.value = query;
    box.dispatchEvent(new Event("input"));
    var first = rows.length && rows[0].getClientRects().length > 0;
    var matched = visible();
    box.value = "";
    box.dispatchEvent(new Event("input"));
    filter = {query: query, rows: rows.length, matched: matched, first: !!first};
  }
  document.querySelectorAll("details").forEach(function (details) { details.open = true; });
  var tables = Array.from(document.querySelectorAll("table.weights-table"));
  var restored = filter ? document.querySelectorAll("details.catalogue-group tbody tr") : [];
  if (filter) {
    filter.restored = Array.from(restored).filter(function (row) {
      return row.getClientRects().length > 0;
    }).length;
  }
  if (tables.length) {
    // The worst table: the one reaching furthest past the viewport or its wrapper.
    var table = tables[0];
    var worst = -Infinity;
    tables.forEach(function (candidate) {
      var heads = candidate.querySelectorAll("thead th");
      var around = candidate.closest(".table-wrapper") || candidate.parentElement;
      var over = Math.max(
        heads[heads.length - 1].getBoundingClientRect().right -
          document.documentElement.clientWidth,
        around.scrollWidth - around.clientWidth
      );
      if (over > worst) { worst = over; table = candidate; }
    });
    var headers = table.querySelectorAll("thead th");
    var last = headers[headers.length - 1];
    var wrapper = table.closest(".table-wrapper") || table.parentElement;
    // An identifier broken across lines has one box per line piece.
    var broken = [];
    document.querySelectorAll("table.weights-table code span.pre").forEach(function (span) {
      if (span.getClientRects().length > 1) {
        broken.push(span.textContent);
      }
    });
    out = {
      found: true,
      header: last.textContent.trim(),
      headerRight: last.getBoundingClientRect().right,
      viewport: document.documentElement.clientWidth,
      wrapperWidth: wrapper.clientWidth,
      tableWidth: wrapper.scrollWidth,
      pageWidth: document.documentElement.scrollWidth,
      broken: broken,
      tables: tables.length,
      filter: filter,
    };
  }
  var pre = document.createElement("pre");
  pre.id = "__MARKER__";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
""".replace("__MARKER__", MARKER)


@dataclass(frozen=True)
class Fit:
    """What the browser measured on one page."""

    page: str
    width: int
    header: str
    header_right: float
    viewport: int
    wrapper_width: int
    table_width: int
    page_width: int = 0
    broken: tuple[str, ...] = ()
    tables: int = 1
    filter: dict[str, Any] | None = None
    """What the catalogue filter did: ``query``, ``rows``, ``matched``, ``first``, ``restored``."""

    @property
    def filter_ok(self) -> bool:
        """No filter box, or one that finds the first row, hides most others and clears."""
        found = self.filter
        if found is None:
            return True
        narrowed = found["first"] and 0 < found["matched"] <= max(found["rows"] // 2, 1)
        return bool(narrowed and found["restored"] == found["rows"] > 0)

    @property
    def ok(self) -> bool:
        fits = self.header_right <= self.viewport and self.table_width <= self.wrapper_width
        return fits and self.page_width <= self.viewport and not self.broken and self.filter_ok

    def describe(self) -> str:
        state = "fits" if self.ok else "DOES NOT FIT"
        broken = (
            f"; {len(self.broken)} identifier(s) broken mid-name, e.g. {self.broken[0]!r}"
            if self.broken
            else ""
        )
        scrolls = (
            f"; the page scrolls sideways ({self.page_width} px)"
            if self.page_width > self.viewport
            else ""
        )
        tables = f" (the widest of {self.tables} tables)" if self.tables > 1 else ""
        found = self.filter
        searched = (
            ""
            if found is None
            else f"; the filter {found['query']!r} shows {found['matched']} of {found['rows']} "
            f"rows ({'the first among them' if found['first'] else 'NOT the first'}), clearing "
            f"it {found['restored']}"
        )
        return (
            f"{self.page} at {self.width} px: {state}; last header {self.header!r}{tables} ends "
            f"at {self.header_right:.0f} px of a {self.viewport} px viewport, table "
            f"{self.table_width} px in a {self.wrapper_width} px column{scrolls}{broken}{searched}"
        )


def find_browser() -> str | None:
    """The first Chromium on PATH (``WEIGHTHUB_CHROMIUM`` overrides)."""
    chosen = os.environ.get("WEIGHTHUB_CHROMIUM")
    if chosen:
        return chosen
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def _chromium(browser: str, width: int, *args: str) -> subprocess.CompletedProcess[str]:
    # Chromium keeps a profile and caches under ~/.cache and ~/.config; a throwaway folder holds
    # them instead, so that checking the docs leaves nothing in the user's home.
    with tempfile.TemporaryDirectory(prefix="weighthub-chromium-") as profile:
        env = {**os.environ, "XDG_CACHE_HOME": profile, "XDG_CONFIG_HOME": profile}
        return subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",  # root in containers; the pages are our own local files
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={width},900",
                "--virtual-time-budget=2000",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )


def measure(browser: str, page: Path, width: int, screenshot: Path | None = None) -> Fit | None:
    """Load ``page`` at ``width`` px; return the first weights table's fit (None: no table)."""
    page = page.resolve()  # a file URI needs an absolute path
    probe = page.with_name(f".{page.stem}-measure.html")
    html = page.read_text(encoding="utf-8")
    probe.write_text(html.replace("</body>", _MEASURE + "</body>", 1), encoding="utf-8")
    try:
        done = _chromium(browser, width, "--dump-dom", probe.as_uri())
    finally:
        probe.unlink()
    found = re.search(rf'<pre id="{MARKER}">(.*?)</pre>', done.stdout, re.DOTALL)
    if found is None:
        msg = f"Chromium did not run the measuring script on {page}: {done.stderr.strip()[-500:]}"
        raise RuntimeError(msg)
    data = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    if not data["found"]:
        return None
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        _chromium(browser, width, f"--screenshot={screenshot}", page.as_uri())
    return Fit(
        page.name,
        width,
        data["header"],
        float(data["headerRight"]),
        int(data["viewport"]),
        int(data["wrapperWidth"]),
        int(data["tableWidth"]),
        int(data["pageWidth"]),
        tuple(data["broken"]),
        int(data["tables"]),
        data["filter"],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the built HTML folder (docs/_build/html)")
    parser.add_argument("--width", type=int, action="append", help="window width(s), px (1280)")
    parser.add_argument("--screenshots", type=Path, help="where to save screenshots")
    args = parser.parse_args(argv)
    browser = find_browser()
    if browser is None:
        print(
            "check_docs_in_browser: no Chromium found (looked for "
            f"{', '.join(BROWSERS)}); on Debian: apt-get install -y chromium",
            file=sys.stderr,
        )
        return 2
    html = args.html.resolve()  # given relative, as in the usage line
    pages = sorted(p for p in (html / "models").glob("*.html") if p.name[0] not in "._")
    shots = (args.screenshots or html.parent / "screenshots").resolve()
    fits = []
    for index, width in enumerate(args.width or [1280]):
        for page in pages:
            shot = shots / f"{page.stem}-{width}.png" if index == 0 else None
            fit = measure(browser, page, width, shot)
            if fit is not None:
                fits.append(fit)
                print(fit.describe())
    if not fits:
        print(f"check_docs_in_browser: no weights table under {html / 'models'}", file=sys.stderr)
        return 1
    bad = [fit for fit in fits if not fit.ok]
    print(f"{len(fits) - len(bad)} of {len(fits)} table pages fit; screenshots in {shots}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
