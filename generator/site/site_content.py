"""Everything a built handbook holds that is not a hand-written page: the generated pages
(calendars included), the handbook's own stylesheet and script, and the navigation.

One generator that both site engines consume: the MkDocs plugin adds these in memory, the
Zensical adapter writes them into a staging docs folder beside a copy of the hand-written pages.
Neither engine decides what the site holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.site.pages import NavItem, Page, navigation, site_pages

if TYPE_CHECKING:
    from generator.project import Project

PRINT_CSS_PATH = "stylesheets/handbook-print.css"
PRINT_CSS = """@media print {
  .md-header, .md-tabs, .md-sidebar, .md-footer, .md-search, .md-top,
  .md-content__button, .md-source, .hb-cohort-links { display: none !important; }
  .md-main__inner, .md-content { margin: 0 !important; max-width: none !important; }
  .md-typeset h1, .md-typeset h2 { break-after: avoid; }
  .md-typeset table { break-inside: avoid; }
  /* a sponsor page fits one or two sheets: compact type, tables side by side where they fit */
  .md-typeset:has(h1.hb-sponsor) { font-size: 9pt; line-height: 1.35; }
  .md-typeset:has(h1.hb-sponsor) h1 { font-size: 16pt; margin: 0 0 .4em; }
  .md-typeset:has(h1.hb-sponsor) h2 { font-size: 11pt; margin: .8em 0 .3em; }
  .md-typeset:has(h1.hb-sponsor) table:not([class]) { font-size: 8.5pt; margin: .3em 0; }
  .md-typeset:has(h1.hb-sponsor) table:not([class]) :is(td, th) { padding: .2em .6em; }
  .md-typeset:has(h1.hb-sponsor) .admonition { margin: .4em 0; font-size: 8.5pt; }
}
@page { size: auto; margin: 18mm 16mm; }
.md-typeset :is(p, li, td) > a:not(.headerlink) { text-decoration: underline; }
.md-copyright { color: var(--md-footer-fg-color--light); }
/* the current page in the navigation: Zensical tints its background in the link colour, too
   faint a contrast for the link colour itself; the text colour and bold mark it in both themes */
.md-nav__link--active, .md-nav__link--active > * {
  color: var(--md-default-fg-color) !important; font-weight: 700;
}
"""

ACCESSIBILITY_JS_PATH = "javascripts/handbook-accessibility.js"
ACCESSIBILITY_JS = """// The theme's search overlay is a dialog without a name: name it "Search".
document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (dialog) {
  dialog.setAttribute("aria-label", "Search");
});
"""


@dataclass(frozen=True)
class SiteContent:
    """The generated part of a site: pages by docs-folder path, and what every page links."""

    pages: list[Page]
    extra_css: tuple[str, ...] = (PRINT_CSS_PATH,)
    extra_javascript: tuple[str, ...] = (ACCESSIBILITY_JS_PATH,)

    def navigation(self, docs: Path) -> list[NavItem]:
        """The global navigation: the generated pages' sections, then the hand-written pages."""
        return [*navigation(self.pages), *hand_written_pages(docs)]


def with_assets(pages: list[Page]) -> SiteContent:
    """`pages` and the handbook's own stylesheet and script, which every page links."""
    assets = [Page(PRINT_CSS_PATH, PRINT_CSS), Page(ACCESSIBILITY_JS_PATH, ACCESSIBILITY_JS)]
    return SiteContent([*pages, *assets])


def site_content(project: Project, cohort: str | None = None, base_url: str | None = None) -> SiteContent:
    """Everything generated for `project`'s site (`cohort`: that cohort's own handbook, hosted at
    `base_url` when given; see `site_pages`)."""
    return with_assets(site_pages(project, cohort, base_url))


def generated_path_taken(docs: Path, path: str) -> str:
    """Why a hand-written page at the path of a generated one stops a build (either engine)."""
    return (
        f"{docs.name}/{path}: this hand-written page has the path of a generated page; "
        "rename or move it (generated pages are never overwritten)"
    )


def hand_written_pages(docs: Path) -> list[str]:
    """The Markdown pages of the docs folder, by path, in a stable order."""
    if not docs.is_dir():
        return []
    return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
