"""`handbook build` skips scanning only theme files it finds byte-identical to the installed
package's: a theme file changed in any byte, by an override or a plugin, is scanned as usual."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.project import open_project
from generator.site.scan import scan_for_leaks, unchanged_copies
from tests.conftest import ROOT


def test_a_theme_file_is_skipped_only_while_it_is_the_packages_own(tmp_path: Path) -> None:
    package = tmp_path / "theme" / "assets"
    package.mkdir(parents=True)
    (package / "bundle.js").write_text("console.log('theme');\n", encoding="utf-8")
    site = tmp_path / "site" / "assets"
    site.mkdir(parents=True)
    shutil.copy(package / "bundle.js", site / "bundle.js")
    copies = {"assets/bundle.js": package / "bundle.js"}
    assert unchanged_copies(tmp_path / "site", copies) == {"assets/bundle.js"}
    # the same size, one byte different: a value could be in it, so it is scanned
    (site / "bundle.js").write_text("console.log('theme')\n;", encoding="utf-8")
    assert unchanged_copies(tmp_path / "site", copies) == set()
    (site / "bundle.js").unlink()
    assert unchanged_copies(tmp_path / "site", copies) == set()


def test_a_confidential_value_in_a_changed_theme_file_is_found(tmp_path: Path) -> None:
    project = open_project(ROOT / "program.toml")
    person = next(p for p in project.program.people if p.confidential.assessment_notes)
    package = tmp_path / "theme"
    package.mkdir()
    (package / "bundle.js").write_text("var x = 1;\n", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "bundle.js").write_text(f"var x = {person.confidential.assessment_notes!r};\n", encoding="utf-8")
    skip = unchanged_copies(site, {"bundle.js": package / "bundle.js"})
    leaks = scan_for_leaks(site, project.program, skip=skip)
    assert [(leak.file, leak.person, leak.field) for leak in leaks] == [
        ("bundle.js", person.id, "assessment_notes")
    ]
