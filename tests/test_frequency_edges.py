"""Call counts at the edges: the 7-day boundary, DST weeks, midnight, late conversations,
several debts, wrong numbers learned later, and unsorted input."""

from __future__ import annotations

import random

import fairdebt
from helpers import hits, row, run

FREQ, AFTER = "reg-f/call-frequency", "reg-f/after-conversation"


def calls(times: list[str], **kw: object) -> list[dict[str, object]]:
    return [row(t, f"c{i + 1}", outcome="no_answer", debt_id="D1", **kw)  # type: ignore[arg-type]
            for i, t in enumerate(times)]


def test_eighth_call_on_day_7_violates_but_on_day_8_does_not() -> None:
    week = [f"2026-04-0{d}T10:00:00-04:00" for d in range(1, 8)]  # Apr 1..7: 7 calls
    assert hits(run(calls([*week, "2026-04-07T19:00:00-04:00"]), FREQ), FREQ) == ["c8"]
    assert hits(run(calls([*week, "2026-04-08T08:30:00-04:00"]), FREQ), FREQ) == []


def test_days_are_local_calendar_days_not_utc_days() -> None:
    # 23:30 EDT on Apr 7 is Apr 8 in UTC: still day 7 locally, so the 8th call violates.
    week = [f"2026-04-0{d}T10:00:00-04:00" for d in range(1, 8)]
    report = run(calls([*week, "2026-04-08T03:30:00Z"]), FREQ)
    assert hits(report, FREQ) == ["c8"]


def test_dst_week_counts_days_not_168_hours() -> None:
    # Mar 8 2026 is 23 hours long in New York. First call Sun Mar 2 00:30 (EST); the call on
    # Sat Mar 8 23:30 (EDT) is day 7 although fewer than 7*24 h passed.
    times = ["2026-03-02T00:30:00-05:00"] + [f"2026-03-0{d}T12:00:00-05:00" for d in range(3, 8)]
    times += ["2026-03-08T12:00:00-04:00", "2026-03-08T23:30:00-04:00"]
    assert hits(run(calls(times), FREQ), FREQ) == ["c8"]
    # and a call at 00:10 on Mar 9 (day 8 for the Mar 2 call) is clean again
    times[-1] = "2026-03-09T00:10:00-04:00"
    assert hits(run(calls(times), FREQ), FREQ) == []


def test_conversation_late_on_day_d_bars_calls_through_day_d_plus_6() -> None:
    rows = [row("2026-08-14T20:55:00-04:00", "talk", outcome="conversation", debt_id="D1"),
            row("2026-08-20T23:59:00-04:00", "day7", outcome="no_answer", debt_id="D1"),
            row("2026-08-21T00:01:00-04:00", "day8", outcome="no_answer", debt_id="D1")]
    assert hits(run(rows, AFTER), AFTER) == ["day7"]


def test_inbound_conversation_starts_the_cooldown_too() -> None:
    rows = [row("2026-08-13T10:00:00-04:00", "in", direction="inbound", outcome="conversation",
                debt_id="D1"),
            row("2026-08-19T10:00:00-04:00", "out", outcome="no_answer", debt_id="D1")]
    assert hits(run(rows, AFTER), AFTER) == ["out"]


def test_busy_and_not_connected_calls_do_not_count_but_voicemail_does() -> None:
    times = [f"2026-04-0{d}T10:00:00-04:00" for d in range(1, 8)]
    rows = calls(times)
    rows.append(row("2026-04-07T11:00:00-04:00", "busy", outcome="busy", debt_id="D1"))
    rows.append(row("2026-04-07T11:10:00-04:00", "nis", outcome="not_connected", debt_id="D1"))
    assert hits(run(rows, FREQ), FREQ) == []
    rows.append(row("2026-04-07T12:00:00-04:00", "vm", outcome="voicemail", debt_id="D1"))
    assert hits(run(rows, FREQ), FREQ) == ["vm"]


def test_texts_and_emails_never_count() -> None:
    rows = calls([f"2026-04-0{d}T10:00:00-04:00" for d in range(1, 8)])
    rows += [row("2026-04-07T12:00:00-04:00", f"t{i}", channel=channel, outcome="delivered",
                 opt_out_notice="true", debt_id="D1")
             for i, channel in enumerate(["sms", "email", "sms"])]
    assert hits(run(rows, FREQ), FREQ) == []


def test_multi_debt_call_counts_toward_each_debt() -> None:
    rows = [row(f"2026-04-0{d}T10:00:00-04:00", f"a{d}", outcome="no_answer", debt_id="A")
            for d in range(1, 8)]
    rows.append(row("2026-04-07T12:00:00-04:00", "both", outcome="voicemail", debt_id="A;B",
                    message="full"))
    report = run(rows, FREQ)
    assert hits(report, FREQ) == ["both"]
    assert report.findings[0].debt_id == "A"  # 8 for A; B has only 1


def test_call_naming_no_debt_counts_toward_every_debt_and_says_so() -> None:
    rows = [row(f"2026-04-0{d}T10:00:00-04:00", f"b{d}", outcome="no_answer", debt_id="B")
            for d in range(1, 8)]
    rows.append(row("2026-04-01T09:00:00-04:00", "a", outcome="no_answer", debt_id="A"))
    rows.append(row("2026-04-07T12:00:00-04:00", "unnamed", outcome="no_answer"))
    report = run(rows, FREQ)
    assert hits(report, FREQ) == ["unnamed"]
    finding = report.findings[0]
    assert finding.debt_id == "B"
    assert "names no debt" in finding.message
    assert set(finding.evidence) == {f"b{d}" for d in range(1, 8)} | {"unnamed"}


def test_wrong_number_learned_within_the_week_withdraws_the_finding() -> None:
    rows = [row(f"2026-04-0{d}T10:00:00-04:00", f"x{d}", outcome="no_answer", debt_id="D1",
                destination="555-0100") for d in range(1, 5)]
    rows += [row(f"2026-04-0{d}T11:00:00-04:00", f"y{d}", outcome="no_answer", debt_id="D1",
                 destination="555-0199") for d in range(4, 8)]
    assert hits(run(rows, FREQ), FREQ) == ["y7"]  # 8 calls by Apr 7
    rows.append(row("2026-04-07T15:00:00-04:00", "wrong", event="wrong_number",
                    channel="call", destination="555-0100"))
    assert hits(run(rows, FREQ), FREQ) == []  # the x-calls never reached the consumer


def test_wrong_number_learned_after_the_week_leaves_the_finding() -> None:
    times = [f"2026-04-0{d}T10:00:00-04:00" for d in range(1, 8)] + ["2026-04-07T12:00:00-04:00"]
    rows = [row(t, f"x{i + 1}", outcome="no_answer", debt_id="D1", destination="555-0100")
            for i, t in enumerate(times)]
    late = row("2026-04-20T15:00:00-04:00", "wrong", event="wrong_number", channel="call",
               destination="555-0100")
    # the period Apr 1..7 closed before the collector learned the number was wrong
    assert hits(run([*rows, late], FREQ), FREQ) == ["x8"]
    # learned on Apr 7 (day 7 of the period): the finding is withdrawn
    early = {**late, "timestamp": "2026-04-07T18:00:00-04:00"}
    assert hits(run([*rows, early], FREQ), FREQ) == []


def test_calls_to_the_consumers_attorney_are_not_counted() -> None:
    rows = calls([f"2026-04-0{d}T10:00:00-04:00" for d in range(1, 8)])
    rows.append(row("2026-04-07T12:00:00-04:00", "atty", party="consumer_attorney",
                    outcome="conversation", debt_id="D1"))
    assert hits(run(rows, FREQ), FREQ) == []


def test_unsorted_input_gives_the_same_findings_as_sorted() -> None:
    rows = calls([f"2026-04-0{d}T10:00:00-04:00" for d in range(1, 8)]
                 + ["2026-04-07T19:00:00-04:00"])
    rows.append(row("2026-04-03T12:00:00-04:00", "talk", outcome="conversation", debt_id="D1"))
    def identity(report: fairdebt.Report) -> list[tuple[object, ...]]:
        # rows are numbered by position, so compare everything but the line
        return sorted((f.rule, f.event_id, f.debt_id, f.message, f.evidence)
                      for f in report.findings)

    expected = identity(run(rows, "reg-f/*"))
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    assert identity(run(shuffled, "reg-f/*")) == expected
    assert {f[0] for f in expected} >= {FREQ, AFTER}


def test_unsorted_file_falls_back_to_sorting_with_spill(tmp_path: object) -> None:
    import pathlib

    assert isinstance(tmp_path, pathlib.Path)
    header = "timestamp,consumer_id,event_id,channel,outcome,debt_id,timezone\n"
    lines = [f"2026-04-0{d}T14:00:00Z,C1,c{d},call,no_answer,D1,America/New_York\n"
             for d in range(1, 8)]
    lines.append("2026-04-07T20:00:00Z,C1,c8,call,no_answer,D1,America/New_York\n")
    random.Random(3).shuffle(lines)
    path = tmp_path / "log.csv"
    path.write_text(header + "".join(lines))
    policy = fairdebt.load_policy("us-reg-f").select([FREQ])
    from fairdebt.runner import check_paths

    small_chunks = check_paths([str(path)], policy, chunk=3)  # forces spilled runs
    in_memory = check_paths([str(path)], policy)
    assert [f.event_id for f in small_chunks.findings] == ["c8"]
    assert small_chunks.findings == in_memory.findings
    assert small_chunks.findings[0].line == 2 + lines.index(
        "2026-04-07T20:00:00Z,C1,c8,call,no_answer,D1,America/New_York\n")


def test_spilled_sort_of_a_large_log_matches_in_memory() -> None:
    """Runs longer than one spill block (4,096 events) must read back exactly."""
    from fairdebt.order import sorted_events

    rows = [row(f"2026-04-{1 + i % 28:02d}T{8 + i % 12:02d}:{i % 60:02d}:00-04:00", f"e{i}",
                consumer=f"C{i % 97}", outcome="no_answer", debt_id=f"D{i % 5}",
                destination=f"555-{i % 13}", tz=("America/New_York", "Pacific/Honolulu")[i % 2])
            for i in range(12_000)]
    random.Random(5).shuffle(rows)
    from fairdebt.io.normalize import to_event

    events = [to_event(r, "<t>", n) for n, r in enumerate(rows, 1)]
    spilled = list(sorted_events(iter(events), chunk=5_000))
    assert spilled == sorted(events, key=lambda e: (e.epoch, e.consumer_id, e.event_id))
