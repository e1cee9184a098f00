"""axe-core, from npm (package.json devDependencies; `make assets` runs `npm ci`), run on a page
that a browser test has open.

    from .axe import assert_accessible
    assert_accessible(page, "my-record")      # page: a helpers.Page, or a Playwright page

The script goes into the page as a <script> element carrying the page's own CSP nonce (read from
the page's nonce'd script), so the Content Security Policy (no 'unsafe-inline') lets it run and is
never switched off; a page with no nonce (no policy) gets it by `add_script_tag(path=...)`.

The rules run are WCAG 2.0/2.1/2.2 A and AA and axe's best practices (among them "region": all
content, the back link too, inside landmarks). A violation whose impact is serious or critical
fails the test, listing each rule, its help text and the first few elements it found. Moderate
and minor ones are returned, and every violation is written to artifacts/axe/<name>.json."""
from __future__ import annotations

import json
from typing import Any

from hrtool import ROOT

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ROOT / "artifacts" / "axe"
FAILING_IMPACTS = ("serious", "critical")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


class AxeMissing(RuntimeError):
    pass


def _playwright_page(page: Any) -> Any:
    return getattr(page, "page", page)


def run_axe(page: Any, context: str | None = None) -> dict[str, Any]:
    """axe's results for the page as it is now (`context`: a CSS selector to limit the run)."""
    if not AXE_JS.exists():
        raise AxeMissing(f"{AXE_JS} is missing: run `make assets` (npm ci installs axe-core from package.json)")
    p = _playwright_page(page)
    if not p.evaluate("() => typeof window.axe === 'object'"):
        _inject(p)
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    return p.evaluate("([context, options]) => window.axe.run(context || document, options)", [context, options])


INJECT = """(source) => {
  const carrier = document.querySelector('script[nonce]');
  if (!carrier || !carrier.nonce) return false;
  const s = document.createElement('script');
  s.nonce = carrier.nonce;
  s.textContent = source;
  document.head.appendChild(s);
  return typeof window.axe === 'object';
}"""


def _inject(p: Any) -> None:
    if not p.evaluate(INJECT, AXE_JS.read_text(encoding="utf-8")):
        p.add_script_tag(path=str(AXE_JS))
    if not p.evaluate("() => typeof window.axe === 'object'"):
        raise AxeMissing(f"axe-core did not load into {p.url}")


def serious_violations(results: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]


def describe(violations: list[dict[str, Any]], nodes: int = 3) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} element(s)]")
        for node in v["nodes"][:nodes]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_accessible(page: Any, name: str, context: str | None = None) -> list[dict[str, Any]]:
    """Fail if axe finds a serious or critical violation on the page; return the lesser ones.

    `name` names the report written to artifacts/axe/<name>.json (every violation found)."""
    results = run_axe(page, context)
    REPORTS.mkdir(parents=True, exist_ok=True)
    url = _playwright_page(page).url
    (REPORTS / f"{name}.json").write_text(json.dumps({"url": url, "violations": results["violations"]}, indent=1))
    bad = serious_violations(results)
    assert not bad, f"axe-core found serious or critical violations on {name} ({url}):\n{describe(bad)}"
    return [v for v in results["violations"] if v not in bad]


def scroll_width(page: Any) -> int:
    """The document's scrollable width in CSS pixels (wider than the viewport: sideways scrolling)."""
    return int(_playwright_page(page).evaluate("() => document.documentElement.scrollWidth"))


def widest_elements(page: Any, limit: int = 5) -> list[str]:
    """The elements reaching furthest right, to say what widened a page."""
    return list(_playwright_page(page).evaluate(
        """(limit) => {
          const vw = document.documentElement.clientWidth;
          const out = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > vw + 1) {
              const id = el.id ? '#' + el.id : '';
              const cls = el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
              out.push([r.right, `${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`]);
            }
          }
          out.sort((a, b) => b[0] - a[0]);
          return out.slice(0, limit).map((x) => x[1]);
        }""", limit))
