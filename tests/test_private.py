"""The people's confidential sections in a private file: moved out, read back, encrypted, skipped."""

from __future__ import annotations

import gzip
import tomllib
from pathlib import Path

import pytest
from pyrage import x25519

from tests.conftest import copy_example, replace_once, run_handbook

PRIVATE = '[private]\nfile = "private.toml"\n\n'
ZOE_TITLE = 'title = "Managing Director, Head of Retail Banking Europe"\n'
NOTES = "Has asked not to be paired with anyone from her own country unit. " + (
    CANARY := "Succession candidate for Group Head of Retail."
)  # Zoë Müller's confidential notes


def configure(folder: Path, table: str = PRIVATE) -> Path:
    program = folder / "program.toml"
    program.write_text(replace_once(program.read_text(), "[intake]\n", table + "[intake]\n"))
    return program


def site_files(site: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.name != ".handbook-site":
            data = path.read_bytes()
            files[str(path.relative_to(site))] = gzip.decompress(data) if path.suffix == ".gz" else data
    return files


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example before and after `handbook private move`, each built and matched once."""
    base = tmp_path_factory.mktemp("private")
    before = copy_example(base / "before")
    configure(before, "")
    after = copy_example(base / "after")
    configure(after)
    result = run_handbook("private", "move", cwd=after)
    assert result.code == 0, result.output
    assert "Moved the confidential sections of 30 people from program.toml to private.toml" in result.out
    return before, after


def test_move_takes_every_section_out_and_keeps_every_other_line(moved):
    before, after = moved
    old = (before / "program.toml").read_text()
    new = (after / "program.toml").read_text()
    assert "\n[people.confidential]\n" not in new and CANARY not in new
    old_lines = [line for line in old.splitlines() if line.strip()]
    kept = [line for line in new.splitlines() if line.strip()]
    private = (after / "private.toml").read_text()
    gone = [line for line in old_lines if line not in kept and line not in private.splitlines()]
    assert gone == ["[people.confidential]"] * 30  # each table's header; its lines are in the private file
    data = tomllib.loads(private)["people"]
    assert len(data) == 30
    assert data["zoe-muller"]["risk_tolerance"] == "low" and CANARY in data["zoe-muller"]["notes"]
    assert tomllib.loads(old)["people"][0]["confidential"] == data["zoe-muller"]


def test_moved_out_builds_the_same_site_and_proposes_the_same_matches(moved):
    before, after = moved
    sites = []
    for folder in (before, after):
        build = run_handbook("build", cwd=folder, env={"SOURCE_DATE_EPOCH": "1795000000"})
        assert build.code == 0, build.output
        sites.append(site_files(folder / "site"))
    assert sites[0].keys() == sites[1].keys()
    assert [name for name in sites[0] if sites[0][name] != sites[1][name]] == []
    proposals = [
        run_handbook("match", "--cohort", "2027-spring", "--format", "json", cwd=folder).out
        for folder in (before, after)
    ]
    assert proposals[0] == proposals[1] and '"mentor"' in proposals[0]


def test_check_without_the_private_file_passes_with_one_note(moved, tmp_path: Path):
    _, after = moved
    folder = copy_example(tmp_path / "ci")
    (folder / "program.toml").write_bytes((after / "program.toml").read_bytes())
    result = run_handbook("check", cwd=folder)
    assert result.code == 0, result.output
    note = (
        "program.toml: note: the private file private.toml is not here: ran without the people's "
        "confidential sections — the confidentiality rule (HB201) did not search public text for "
        "confidential values, and matching cannot use confidential risk tolerance, mentee preferences or "
        "mentor declines"
    )
    assert result.err.count(note) == 1
    match = run_handbook("match", "--cohort", "2027-spring", cwd=folder)
    assert match.code == 0, match.output
    assert (
        "program.toml: note: without the private file, the 'style' score component could not use the "
        "confidential risk tolerance, the 'preference' score component had no mentee preferences and no "
        "mentor declines applied; the other components are unaffected"
    ) in match.err


def test_private_values_are_searched_when_readable(moved, tmp_path: Path):
    _, after = moved
    folder = copy_example(tmp_path / "leak")
    for name in ("program.toml", "private.toml"):
        (folder / name).write_bytes((after / name).read_bytes())
    program = folder / "program.toml"
    program.write_text(replace_once(program.read_text(), ZOE_TITLE, f'title = "{CANARY}"\n'))
    result = run_handbook("check", cwd=folder)
    assert result.code == 1
    assert "HB201 [confidentiality] this public text repeats a confidential value word for word" in result.out
    # the publish gate reads the private values too: a hand-written page that repeats one stops the build
    program.write_text(replace_once(program.read_text(), f'title = "{CANARY}"\n', ""))
    page = folder / "handbook" / "about.md"
    page.write_text(page.read_text() + f"\n{NOTES}\n")
    build = run_handbook("build", cwd=folder)
    assert build.code == 1
    assert "the built site contains confidential values" in build.output
    assert CANARY not in build.output
    (folder / "private.toml").unlink()  # without the private file there is nothing to search for
    assert run_handbook("build", cwd=folder).code == 0


def test_confidential_data_left_in_the_program_is_flagged(tmp_path: Path):
    folder = copy_example(tmp_path / "left", records=False)
    configure(folder)
    (folder / "private.toml").write_text("")
    result = run_handbook("check", cwd=folder)
    assert result.code == 1
    lines = (folder / "program.toml").read_text(encoding="utf-8").splitlines()
    zoe = lines.index('id = "zoe-muller"')
    header = lines.index("[people.confidential]", zoe) + 1
    assert (
        f"program.toml:{header}:2: HB201 [confidentiality] the confidential section of 'zoe-muller' is "
        "still in program.toml, although [private] file names 'private.toml': run `handbook private move` "
        "to move it there"
    ) in result.out
    assert result.out.count("is still in program.toml") == 30


def test_private_file_with_an_unknown_person(tmp_path: Path):
    folder = copy_example(tmp_path / "unknown", records=False)
    configure(folder)
    run_handbook("private", "move", cwd=folder)
    private = folder / "private.toml"
    private.write_text(replace_once(private.read_text(), "[people.zoe-muller]", "[people.zoe-mueller]"))
    before = {p: p.read_bytes() for p in (folder / "program.toml", private)}
    result = run_handbook("check", cwd=folder)
    assert result.code == 1
    assert (
        "private.toml:6:2: unknown person 'zoe-mueller'; did you mean 'zoe-muller'?: the private file holds "
        "sections of people in program.toml only; rename or remove it"
    ) in result.out
    moved = run_handbook("private", "move", cwd=folder)
    assert moved.code == 1 and "Traceback" not in moved.output
    assert {p: p.read_bytes() for p in before} == before


def test_encrypted_private_file(tmp_path: Path):
    folder = copy_example(tmp_path / "age", records=False)
    identity = x25519.Identity.generate()
    key_file = tmp_path / "key.txt"
    key_file.write_text(f"# created: today\n{identity}\n")
    configure(folder, f'[private]\nfile = "private.toml.age"\nrecipients = ["{identity.to_public()}"]\n\n')
    result = run_handbook("private", "move", cwd=folder)
    assert result.code == 0, result.output
    raw = (folder / "private.toml.age").read_bytes()
    assert raw.startswith(b"age-encryption.org/v1") and CANARY.encode() not in raw
    program = folder / "program.toml"
    program.write_text(replace_once(program.read_text(), ZOE_TITLE, f'title = "{CANARY}"\n'))
    with_key = run_handbook("check", cwd=folder, env={"HANDBOOK_AGE_IDENTITY_FILE": str(key_file)})
    assert with_key.code == 1 and "HB201 [confidentiality]" in with_key.out
    from_secret = run_handbook("check", cwd=folder, env={"HANDBOOK_AGE_IDENTITY": str(identity)})
    assert from_secret.code == 1 and "HB201 [confidentiality]" in from_secret.out
    without = run_handbook("check", cwd=folder)
    assert without.code == 0
    assert (
        "note: no age identity to decrypt private.toml.age (set HANDBOOK_AGE_IDENTITY_FILE or "
        "HANDBOOK_AGE_IDENTITY)"
    ) in without.err


def test_a_private_file_that_does_not_decrypt(tmp_path: Path):
    folder = copy_example(tmp_path / "wrong", records=False)
    identity = x25519.Identity.generate()
    configure(folder, f'[private]\nfile = "private.toml.age"\nrecipients = ["{identity.to_public()}"]\n\n')
    assert run_handbook("private", "move", cwd=folder).code == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    other = x25519.Identity.generate()
    for command in (("check",), ("private", "move"), ("build",)):
        result = run_handbook(*command, cwd=folder, env={"HANDBOOK_AGE_IDENTITY": str(other)})
        assert result.code == 2, (command, result.output)
        assert "handbook: private.toml.age: does not decrypt with the age identity given (" in result.output
        assert "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_move_needs_a_private_file_named(tmp_path: Path):
    folder = copy_example(tmp_path / "none", records=False)
    before = (folder / "program.toml").read_bytes()
    result = run_handbook("private", "move", cwd=folder)
    assert result.code == 2
    assert 'handbook: program.toml names no private file: add [private] file = "private.toml"' in result.err
    assert (folder / "program.toml").read_bytes() == before


def test_init_ignores_the_private_file(tmp_path: Path):
    assert run_handbook("init", str(tmp_path / "new")).code == 0
    assert "private.toml" in (tmp_path / "new" / ".gitignore").read_text().splitlines()


def test_preferences_in_the_private_file_are_checked_like_those_in_the_program(moved, tmp_path: Path):
    _, after = moved
    folder = copy_example(tmp_path / "choices", records=False)
    for name in ("program.toml", "private.toml"):
        (folder / name).write_bytes((after / name).read_bytes())
    private = folder / "private.toml"
    private.write_text(
        replace_once(
            private.read_text(encoding="utf-8"),
            'preferences = ["kenji-tanaka", "layla-haddad"]',
            'preferences = ["kenji-tanka", "layla-haddad"]',
        ),
        encoding="utf-8",
    )
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    result = run_handbook("check", cwd=folder)
    assert result.code == 1
    assert "Traceback" not in result.output
    line = (
        private.read_text(encoding="utf-8")
        .splitlines()
        .index(
            'preferences = ["kenji-tanka", "layla-haddad"]  # her partners on the data-driven advice pilot'
        )
    )
    assert result.out.splitlines()[0] == (
        f"private.toml:{line + 1}:16: unknown person 'kenji-tanka'; did you mean 'kenji-tanaka'? "
        "(person ids are declared in [[people]])"
    )
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "program.toml",
            "the private file cannot be the program file itself: name a file of its own, such as "
            "'private.toml'",
        ),
        (
            "../outside.toml",
            "file: '../outside.toml' is outside the program's folder: name a file beside program.toml, "
            "such as 'private.toml' (got '../outside.toml')",
        ),
        (
            "/etc/hostname",
            "file: '/etc/hostname' is outside the program's folder: name a file beside program.toml, "
            "such as 'private.toml' (got '/etc/hostname')",
        ),
    ],
)
def test_a_private_file_that_is_the_program_or_outside_its_folder_is_refused(
    tmp_path: Path, name: str, message: str
):
    folder = copy_example(tmp_path / "place", records=False)
    program = folder / "program.toml"
    program.write_text(
        program.read_text(encoding="utf-8") + f'\n[private]\nfile = "{name}"\n', encoding="utf-8"
    )
    line = len(program.read_text(encoding="utf-8").splitlines())
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    for command in (("check",), ("private", "move"), ("build",)):
        result = run_handbook(*command, cwd=folder)
        assert result.code == 1, (command, result.output)
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert f"program.toml:{line}:8: {message}" in result.output
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert not (folder / "site").exists()
