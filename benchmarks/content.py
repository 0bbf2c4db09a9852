"""Benchmark the content rules: SMS bodies per second through the engine, on one core.

    .venv/bin/python benchmarks/content.py                 # 1,000,000 messages
    .venv/bin/python benchmarks/content.py --messages 100000 --profile
    .venv/bin/python benchmarks/content.py --findings      # + findings per rule, SHA-256
    .venv/bin/python benchmarks/content.py --write-log benchmarks/data/sms-1m.csv

The messages are synthetic but shaped like real collection texts: 60–160 characters,
three in four English (US consumers, under us-reg-f's content rules) and one in four
Chinese (CN consumers, under cn's), mostly compliant, about one in ten with a
violation (a threat, an insult, a missing opt-out), Traditional characters, curly
quotes, phone numbers and links mixed in. Every content rule of both packs is loaded
(``load_policy("us-reg-f", "cn").select(["*/content/*"])``); each consumer is routed
to its own pack by ``region``, as in a real mixed log.

Events are built first (not timed); the figure is ``Engine.feed`` over all of them:
normalization, the one Aho-Corasick scan per message, RE2 patterns and every rule.
The loop runs with Python's cyclic garbage collector paused (`runner.gc_paused`), as
every run of the engine over a log does (``fairdebt check``, ``check_files``,
``check``); ``--gc`` keeps it running, as for the incremental ``Checker`` — there it
also rescans the million events this benchmark holds, which a run never holds.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import hashlib
import json
import platform
import pstats
import random
import time
from datetime import datetime, timedelta, timezone

import fairdebt
from fairdebt.engine import Engine
from fairdebt.model import Event
from fairdebt.runner import gc_paused

EN = [
    "Hi {name}, this is {co}. Your payment of ${amt} is due on {day}. Pay at {url} or call "
    "{phone}. This is a message from a debt collector. Reply STOP to opt out.",
    "{name}, a reminder from {co}, a debt collector: your balance is ${amt}. Call {phone} "
    "to set up a plan. Reply STOP to stop texts.",
    "{co}: we received your payment of ${amt}. Thank you! This is from a debt collector. "
    "Text STOP to opt out.",
    "Hi {name}, {co} here (debt collector). We’d like to help you resolve your account. "
    "Call {phone} Mon–Fri 9–6. Reply STOP to opt out.",
    "This is an attempt to collect a debt and any information obtained will be used for "
    "that purpose. {name}, please call {co} at {phone}. Reply STOP to opt out.",
]
EN_BAD = [
    "{name}, pay ${amt} today or you will be arrested. {co}, a debt collector. Reply STOP",
    "Listen you deadbeat, pay {co} ${amt} now. This is from a debt collector.",
    "{name}, your balance with {co} is ${amt}. Call {phone}. From a debt collector.",
    "FINAL NOTICE from {co}, a debt collector: we will garnish your wages. Reply STOP.",
]
ZH = [
    "【{co_zh}】尊敬的{name_zh}，您的账单{amt}元已逾期，请于{day_zh}前还款。我是{co_zh}信用卡中心，"
    "工号A{num}。如有疑问请致电{phone}。",
    "{name_zh}您好，{co_zh}提醒您：本期应还{amt}元，可登录APP或拨打{phone}办理分期。工号{num}。",
    "【{co_zh}】您好，我们受{co_zh}委托，工号：{num}，提醒您本月{amt}元尚未还清，请尽快处理，谢谢。",
    "尊敬的客戶，您在{co_zh}的欠款{amt}元已逾期，請儘快還款。本機構工號{num}，電話{phone}。",
]
ZH_BAD = [
    "{name_zh}你这个老赖，再不还{amt}元就爆你通讯录，工号{num}。",
    "我们是法院的，你的立案通知已经下发，马上还款{amt}元。",
    "今天不还，我们就通知你的同事和单位，{co_zh}工号{num}。",
]
NAMES = ["Pat", "Sam", "Alex", "Jordan", "Taylor", "Chris", "Morgan", "Lee"]
COS = ["ABC Inc", "Summit Services", "Northway LLC", "Acme Financial"]
NAMES_ZH = ["张先生", "李女士", "王先生", "刘女士", "陈先生"]
COS_ZH = ["某某银行", "华信消费金融", "城东银行"]


def messages(n: int, seed: int) -> list[Event]:
    rng = random.Random(seed)
    start = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)
    consumers = max(1, n // 10)
    out: list[Event] = []
    for i in range(n):
        consumer = rng.randrange(consumers)
        chinese = consumer % 4 == 0
        bad = rng.random() < 0.1
        fields = {
            "name": rng.choice(NAMES), "co": rng.choice(COS), "amt": rng.randrange(20, 2000),
            "day": f"{rng.randrange(1, 13)}/{rng.randrange(1, 29)}",
            "url": f"https://pay.example.com/{rng.randrange(10**6):06d}",
            "phone": f"1-800-555-{rng.randrange(10000):04d}", "num": rng.randrange(1000, 9999),
            "name_zh": rng.choice(NAMES_ZH), "co_zh": rng.choice(COS_ZH),
            "day_zh": f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日",
        }
        pool = (ZH_BAD if bad else ZH) if chinese else (EN_BAD if bad else EN)
        text = rng.choice(pool).format(**fields)
        ts = start + timedelta(seconds=i * 3)
        out.append(Event(ts, ts.timestamp(), f"C{consumer}", f"m{i}", channel="sms",
                         outcome="delivered", debt_ids=(f"D{consumer}",),
                         timezones=("Asia/Shanghai",) if chinese else ("America/New_York",),
                         region="CN" if chinese else "US", text=text, file="<bench>",
                         line=i + 1))
    return out


def write_log(events: list[Event], path: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["timestamp", "consumer_id", "event_id", "channel", "direction", "party",
                      "outcome", "debt_id", "timezone", "region", "text"])
        for e in events:
            out.writerow([e.timestamp.isoformat(), e.consumer_id, e.event_id, e.channel,
                          e.direction, e.party, e.outcome or "", ";".join(e.debt_ids),
                          ";".join(e.timezones), e.region or "", e.text or ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--findings", action="store_true",
                        help="also print the findings per rule and a SHA-256 of them all "
                             "(kept outside the timed loop's figure: the findings are kept)")
    parser.add_argument("--write-log", metavar="FILE",
                        help="write the messages as a canonical CSV log and stop (to time "
                             "`fairdebt check` on them: benchmarks/README.md)")
    parser.add_argument("--gc", action="store_true",
                        help="keep the cyclic garbage collector running in the timed loop "
                             "(a run pauses it: runner.gc_paused)")
    args = parser.parse_args()
    policy = fairdebt.load_policy("us-reg-f", "cn").select(["*/content/*"])
    events = messages(args.messages, args.seed)
    if args.write_log:
        write_log(events, args.write_log)
        return
    mean = sum(len(e.text or "") for e in events) / len(events)
    engine = Engine(policy)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    paused = contextlib.nullcontext() if args.gc else gc_paused()
    t0 = time.perf_counter()
    c0 = time.process_time()
    findings = 0
    feed = engine.feed
    kept: list[fairdebt.Finding] | None = [] if args.findings else None
    with paused:
        if kept is None:
            for ev in events:
                findings += len(feed(ev))
            findings += len(engine.close())
        else:
            for ev in events:
                kept += feed(ev)
            kept += engine.close()
            findings = len(kept)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
    print(f"messages:      {len(events):,} SMS bodies, {mean:.0f} characters on average")
    print(f"rules:         {len(policy.rules)} content rules (us-reg-f and cn)")
    print(f"collector:     {'running (--gc)' if args.gc else 'paused, as in a run'}")
    print(f"findings:      {findings:,}")
    print(f"time:          {elapsed:.2f} s")
    print(f"throughput:    {len(events) / elapsed:,.0f} messages/s (one core)")
    # on a shared machine the wall clock includes time the process waited for a core
    print(f"cpu time:      {cpu:.2f} s, {len(events) / cpu:,.0f} messages/s of CPU time")
    if kept is not None:
        per_rule: dict[str, int] = {}
        digest = hashlib.sha256()
        for f in kept:
            per_rule[f.rule] = per_rule.get(f.rule, 0) + 1
            digest.update(json.dumps(f.to_dict(), sort_keys=True, default=str).encode())
            digest.update(b"\n")
        for rule in sorted(per_rule):
            print(f"  {per_rule[rule]:>9,}  {rule}")
        print(f"findings hash: {digest.hexdigest()}")
    print(f"machine:       {platform.machine()}, Python {platform.python_version()}, "
          f"{platform.processor() or platform.system()}")


if __name__ == "__main__":
    main()
