"""Page HTML -> the same HTML that assistive technology can read.

Python-Markdown's task lists (`pymdownx.tasklist`) render each checklist item as a checkbox whose
label holds only an empty indicator, so a screen reader announces "checkbox" with no name. Each
checkbox is named here after the text of its item. The text is already HTML (escaped by the
Markdown renderer); it is read back as text and escaped again for the attribute.
"""

from __future__ import annotations

import html
import re

_TASK = re.compile(
    r'(<label class="task-list-control"><input type="checkbox")([^>]*?)(\s*/?>.*?</label>)'
    r"((?:[^<]|<(?!/?(?:li|ul|ol|p|div)\b)[^>]*>)*)",
    re.S,
)
_TAG = re.compile(r"<[^>]*>")


def _named(match: re.Match[str]) -> str:
    start, attributes, rest, text = match.groups()
    if "aria-label" in attributes:
        return match.group(0)
    name = " ".join(html.unescape(_TAG.sub("", text)).split())
    if not name:
        return match.group(0)
    return f'{start}{attributes} aria-label="{html.escape(name, quote=True)}"{rest}{text}'


def label_task_checkboxes(page_html: str) -> str:
    """Every task-list checkbox named after its item's text (no other change to the page)."""
    if "task-list-control" not in page_html:
        return page_html
    return _TASK.sub(_named, page_html)
