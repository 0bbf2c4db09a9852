"""The HTML report: self-contained, escaped, masked, with charts that have content."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import fairdebt
from fairdebt.cli import main
from fairdebt.report import RenderOptions, render
from fairdebt.report.contacts import allowed_window, count_contacts

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "fixtures" / "sample-calls.csv")
POLICY = fairdebt.load_policy("us-reg-f")


class Page(HTMLParser):
    """What the tests look at: tags with their attributes, and any reference out."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and (cls is None or a.get("class") == cls)]


def html(tmp_path: Path, *args: str, log: str = SAMPLE) -> str:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["check", log, "-f", f"html:{out}", *args])
    assert result.exit_code in (0, 1), result.output
    return out.read_text(encoding="utf-8")


def test_self_contained_no_external_references(tmp_path: Path) -> None:
    text = html(tmp_path)
    page = Page(text)
    for _, attrs in page.tags:
        for name in ("src", "href", "srcset", "action", "poster"):
            assert name not in attrs, attrs
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", text)
    (csp,) = [a for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in (csp["content"] or "")


def test_totals_charts_and_tables_have_content(tmp_path: Path) -> None:
    page = Page(text := html(tmp_path))
    assert len(page.all("svg")) == 3  # by rule, by day, heat map
    assert len(page.all("rect", "bar")) >= 12 + 5  # 12 rules with findings, several days
    cells = page.all("rect", "cell")
    assert len(cells) == 7 * 24
    contacts = sum(int(c["data-count"] or 0) for c in cells)
    assert contacts > 0 and f"{contacts} outbound contacts" in text
    assert page.all("rect", "window")  # the allowed hours are drawn
    assert len(re.findall(r"<tr><td class=\"(?:error|warning|info)\">", text)) == 16
    assert '<table id="worst">' in text and "C-1001" in text
    assert "Rejected rows" in text and "maybe" in text


def test_heat_map_places_contacts_in_local_time(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    # 13:00Z on a Wednesday is 09:00 in New York, 03:00 in Honolulu
    log.write_text("timestamp,consumer_id,event_id,channel,timezone\n"
                   "2026-04-01T13:00:00Z,C1,e1,call,America/New_York\n"
                   "2026-04-01T13:00:00Z,C2,e2,call,Pacific/Honolulu\n"
                   "2026-04-01T13:00:00Z,C3,e3,call,\n")
    grid = count_contacts([str(log)], None, None)
    assert grid.counts[2][9] == 1 and grid.counts[2][3] == 1 and grid.total == 2
    assert grid.unknown_zone == 1
    assert count_contacts([str(log)], None, "America/Chicago").counts[2][8] == 1


def test_allowed_window_comes_from_the_hours_rule() -> None:
    window = allowed_window(POLICY.rules)
    assert window is not None and window.rule == "reg-f/hours"
    assert window.ranges[0] == ((8 * 3600, 21 * 3600),)
    assert allowed_window(POLICY.select(["reg-f/cease"]).rules) is None


def test_escapes_what_the_log_says(tmp_path: Path) -> None:
    report = fairdebt.check_files([SAMPLE], POLICY)
    evil = dataclasses.replace(report.findings[0], consumer_id="<script>alert(1)</script>",
                               message='"><img src=x onerror=alert(1)>')
    text = render("html", dataclasses.replace(report, findings=(evil,)),
                  RenderOptions(rules=POLICY.rules))
    assert "<script>alert" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_masked_by_default(tmp_path: Path) -> None:
    log = tmp_path / "leaky.csv"
    log.write_text("timestamp,consumer_id,event_id,channel,outcome,timezone\n"
                   "2026-04-01T14:00:00Z,C1,e1,call,+1-212-555-0142,America/New_York\n"
                   # a row that is checked (a run that checks none exits 2)
                   "2026-04-01T14:00:00Z,C2,e2,call,no_answer,America/New_York\n")
    assert "+1-212-555-0142" not in html(tmp_path, log=str(log))
    assert "+1-212-555-0142" in html(tmp_path, "--show-pii", log=str(log))


def test_stdin_gets_a_note_instead_of_a_heat_map(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["check", "-", "-f", f"html:{out}"],
                                input=Path(SAMPLE).read_text())
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8")
    assert "standard input cannot be read twice" in text and 'class="cell"' not in text


def test_an_export_gets_its_heat_map_read_through_its_mapping(tmp_path: Path) -> None:
    """The map re-reads the logs as the check read them: an export through its preset
    (before, any --from run said "standard input cannot be read twice")."""
    export = str(Path(SAMPLE).parent / "imports" / "asterisk-18col.csv")
    text = html(tmp_path, "--from", "asterisk-cdr", "--default-timezone",
                "America/New_York", log=export)
    assert 'class="cell"' in text and "standard input" not in text
    assert "outbound contacts, in each consumer" in text


def test_the_page_names_the_logs_checked_even_when_clean(tmp_path: Path) -> None:
    log = tmp_path / "clean.csv"
    log.write_text("timestamp,consumer_id,channel,timezone\n"
                   "2026-04-01T14:00:00Z,C1,call,America/New_York\n")
    assert f"files: {log}</p>" in html(tmp_path, log=str(log))
    # rendered by the library without the inputs: the files its rows name
    report = fairdebt.check_files([str(log)], fairdebt.load_policy("us-reg-f"))
    assert "files: —</p>" in render("html", report, RenderOptions(show_pii=True))
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,consumer_id,channel\nnot-a-time,C1,call\n")
    report = fairdebt.check_files([str(bad)], fairdebt.load_policy("us-reg-f"))
    assert f"files: {bad}</p>" in render("html", report, RenderOptions(show_pii=True))


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="needs Debian's chromium package")
def test_renders_in_headless_chromium(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html(tmp_path), encoding="utf-8")
    result = subprocess.run(
        [str(_chromium()), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom",
         page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    # the script ran to its end (an error would stop it before setting the flag)
    assert 'data-ready="1"' in dom, result.stderr[-2000:]
    # the page logs nothing: a script error or a blocked fetch would show as a CONSOLE line
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, console
    assert dom.count('class="cell"') == 7 * 24 and 'class="bar"' in dom
    assert '<span id="shown">16</span>' in dom
