"""The generated pages of a served site, kept as files that change only when their bytes do.

While `handbook serve` runs, every edit generates the whole site again in memory (cheap), but an
engine re-renders a page only when its file is newer than what it built last (MkDocs' dirty
builds, Zensical's watcher and cache). Writing only the pages whose content changed turns a
one-line edit of one contract into one page to render instead of every page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from generator.site.pages import Page


class PageCache:
    """Generated pages under `folder`, each rewritten only when its content changes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.digests: dict[str, bytes] = {}

    def path(self, page: Page) -> Path:
        return self.folder / page.path

    def update(self, pages: list[Page], vet: Callable[[Page], Page] | None = None) -> list[str]:
        """Write the pages whose content changed (or that are new), each as `vet` returns it
        (the leak scan: only changed pages need it), remove those no longer generated; return
        the paths written or removed."""
        changed = []
        wanted = set()
        for page in pages:
            wanted.add(page.path)
            data = page.content.encode() if isinstance(page.content, str) else page.content
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if self.digests.get(page.path) == digest and self.path(page).is_file():
                continue
            path = self.path(page)
            path.parent.mkdir(parents=True, exist_ok=True)
            if vet is not None:
                vetted = vet(page).content
                data = vetted.encode() if isinstance(vetted, str) else vetted
            path.write_bytes(data)
            self.digests[page.path] = digest
            changed.append(page.path)
        for gone in sorted(set(self.digests) - wanted):
            (self.folder / gone).unlink(missing_ok=True)
            del self.digests[gone]
            changed.append(gone)
        return changed

    def forget(self) -> None:
        """Rewrite every page on the next update (the navigation changed: every page shows it)."""
        self.digests.clear()
