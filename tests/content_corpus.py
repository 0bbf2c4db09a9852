"""A generated corpus for the content rules' differential test (test_content_differential).

Deterministic (seeded): messages built from the benchmark's templates, the packs'
own rule examples and every lexicon entry, then disguised the ways the normalizer
must see through (case, fullwidth, Traditional characters, zero-width characters,
curly quotes, spaced-out Chinese, odd whitespace, combining marks) plus some random
Unicode. `snapshot()` gives, for each message, its normalized form and a digest of
the offset map and clause breaks, and every finding of both packs' content rules,
through the engine and rule by rule with account facts.

Regenerate the snapshot only from code whose findings are known to be right:

    .venv/bin/python tests/content_corpus.py --write
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

import fairdebt
from fairdebt.checks import CHECKS
from fairdebt.content.testing import run_example
from fairdebt.content.text import prepare
from fairdebt.engine import Engine
from fairdebt.model import Event
from fairdebt.policy.model import thaw

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = Path(__file__).resolve().parent / "data" / "content_snapshot.json.gz"
PACKS = ("us-reg-f", "cn")

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
    "{name}, pay ${amt} today or you will be arrested. {co}, a debt collector. Reply STOP",
    "Listen you deadbeat, pay {co} ${amt} now. This is from a debt collector.",
    "{name}, your balance with {co} is ${amt}. Call {phone}. From a debt collector.",
    "FINAL NOTICE from {co}, a debt collector: we will garnish your wages. Reply STOP.",
    "{name}, {word}. {co} — call {phone}; reply STOP to opt out.",
    "We {word} unless you pay ${amt}. {co}, a debt collector.",
    "This is {name} from {co}. Please call me back at {phone}.",
    "You have been opted out. You will not receive further texts from {co}.",
]
ZH = [
    "【{co_zh}】尊敬的{name_zh}，您的账单{amt}元已逾期，请于{day_zh}前还款。我是{co_zh}信用卡中心，"
    "工号A{num}。如有疑问请致电{phone}。",
    "{name_zh}您好，{co_zh}提醒您：本期应还{amt}元，可登录APP或拨打{phone}办理分期。工号{num}。",
    "【{co_zh}】您好，我们受{co_zh}委托，工号：{num}，提醒您本月{amt}元尚未还清，请尽快处理，谢谢。",
    "尊敬的客戶，您在{co_zh}的欠款{amt}元已逾期，請儘快還款。本機構工號{num}，電話{phone}。",
    "{name_zh}你这个老赖，再不还{amt}元就爆你通讯录，工号{num}。",
    "我们是法院的，你的立案通知已经下发，马上还款{amt}元。",
    "今天不还，我们就通知你的同事和单位，{co_zh}工号{num}。",
    "{name_zh}，{word_zh}，{co_zh}工号{num}，电话{phone}。",
    "我们会{word_zh}，请{day_zh}前还{amt}元 ({co}, reply STOP)。",
]
NAMES = ["Pat", "Sam", "Alex", "Jordan", "Taylor", "Chris", "Morgan", "Lee"]
COS = ["ABC Inc", "Summit Services", "Northway LLC", "Acme Financial", "ABC Debt Recovery"]
NAMES_ZH = ["张先生", "李女士", "王先生", "刘女士", "陈先生"]
COS_ZH = ["某某银行", "华信消费金融", "城东银行", "華信銀行"]
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
SPACES = [" ", "  ", "\t", "\n", " \n ", "\u3000", "\u00a0", "\r\n"]
PUNCT = [" ", "-", "·", "，", ",", ".", "、", "\u200b", " - ", "*"]
# Traditional forms of characters common in the lexicons (OpenCC does the rest)
TRAD = str.maketrans("讯录话报罚还债务账单关机构号电请尽发门乱费单龙",
                     "訊錄話報罰還債務賬單關機構號電請盡發門亂費單龍")
RANDOM_RANGES = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x2000, 0x206F),
                 (0x3000, 0x303F), (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                 (0xFF00, 0xFFEF), (0x1F300, 0x1F64F), (0x20000, 0x2000F), (0xAC00, 0xAC40),
                 (0x2E80, 0x2EFF), (0x1100, 0x1112), (0x0600, 0x0660)]


def _lexicon_words() -> tuple[list[str], list[str]]:
    en: list[str] = []
    zh: list[str] = []
    for name, out in (("en", en), ("zh", zh)):
        data = yaml.safe_load((ROOT / "rules" / "lexicons" / f"{name}.yaml").read_text("utf-8"))
        for entries in data["lexicons"].values():
            out += [str(e).rstrip("*") + ("ed" if str(e).endswith("*") else "")
                    for e in entries]
    return en, zh


def _examples(policy: Any) -> list[Any]:
    out: list[Any] = []
    for rule in policy.rules:
        tests = thaw(rule.tests) if getattr(rule, "tests", None) else {}
        for kind in ("flag", "pass"):
            out += list((tests or {}).get(kind) or ())
    return out


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c
                   for c in s)


def _disguise(rng: random.Random, text: str) -> str:
    """One or more of the tricks the normalizer must undo."""
    for _ in range(rng.randrange(0, 3)):
        trick = rng.randrange(11)
        if trick == 0:
            text = text.upper()
        elif trick == 1 and text:
            a = rng.randrange(len(text))
            b = min(len(text), a + rng.randrange(3, 30))
            text = text[:a] + _fullwidth(text[a:b]) + text[b:]
        elif trick == 2:
            text = text.translate(TRAD)
        elif trick == 3 and text:
            i = rng.randrange(len(text))
            text = text[:i] + rng.choice(ZERO_WIDTH) + text[i:]
        elif trick == 4:
            text = text.replace("'", "’").replace('"', "“")
        elif trick == 5:  # spaced-out Chinese
            sep = rng.choice(PUNCT)
            text = "".join(c + (sep if "\u4e00" <= c <= "\u9fff" and rng.random() < 0.5 else "")
                           for c in text)
        elif trick == 6:
            text = text.replace(" ", rng.choice(SPACES), rng.randrange(1, 4))
        elif trick == 7:
            text = rng.choice(SPACES) + text + rng.choice(SPACES)
        elif trick == 8 and text:  # combining accent
            i = rng.randrange(len(text))
            text = text[:i] + rng.choice("\u0301\u0300\u0308\u0327") + text[i:]
        elif trick == 9:
            text = text.replace("-", rng.choice(["–", "—", " - ", "‐"]))
        elif trick == 10 and text:
            i = rng.randrange(len(text))
            text = text[:i] + _random_text(rng, rng.randrange(1, 6)) + text[i:]
    return text


def _random_text(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        lo, hi = rng.choice(RANDOM_RANGES)
        out.append(chr(rng.randrange(lo, hi + 1)))
    return "".join(out)


def specs(n: int = 3000, seed: int = 20260301) -> list[dict[str, Any]]:
    """Messages as example-style mappings (text, subject, transcript, sender, ...)."""
    rng = random.Random(seed)
    policy = fairdebt.load_policy(*PACKS).select(["*/content/*"])
    examples = _examples(policy)
    en_words, zh_words = _lexicon_words()
    out: list[dict[str, Any]] = []
    for i in range(n):
        roll = rng.random()
        fields = {
            "name": rng.choice(NAMES), "co": rng.choice(COS), "amt": rng.randrange(20, 2000),
            "day": f"{rng.randrange(1, 13)}/{rng.randrange(1, 29)}",
            "url": f"https://pay.example.com/{rng.randrange(10**6):06d}",
            "phone": f"1-800-555-{rng.randrange(10000):04d}", "num": rng.randrange(1000, 9999),
            "name_zh": rng.choice(NAMES_ZH), "co_zh": rng.choice(COS_ZH),
            "day_zh": f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日",
            "word": rng.choice(en_words), "word_zh": rng.choice(zh_words),
        }
        spec: dict[str, Any]
        if roll < 0.2:
            example = rng.choice(examples)
            spec = {"text": example} if isinstance(example, str) else dict(example)
            spec.pop("facts", None)
            spec.pop("severity", None)
            spec.pop("communication", None)
        elif roll < 0.95:
            chinese = rng.random() < 0.35
            text = rng.choice(ZH if chinese else EN).format(**fields)
            if rng.random() < 0.3:  # a second lexicon entry somewhere
                word = rng.choice(zh_words if chinese else en_words)
                j = rng.randrange(len(text) + 1)
                text = text[:j] + rng.choice(["", " ", "，"]) + word + " " + text[j:]
            spec = {"text": text}
            kind = rng.random()
            if kind < 0.1:
                spec = {"subject": spec["text"][:40], "text": spec["text"], "channel": "email"}
            elif kind < 0.2:
                spec = {"channel": "call", "outcome": "conversation", "transcript": [
                    {"speaker": rng.choice(["collector", "collector", "consumer", "other"]),
                     "text": part} for part in spec["text"].split(". ") if part]}
            elif kind < 0.27:
                spec.update(channel="call", outcome="voicemail", message="limited_content")
            elif kind < 0.32:
                spec = {"channel": "letter", "outcome": "sent", "sender": rng.choice(
                    [*COS, "ABC Collections", "Debt Recovery Dept", "ａｂｃ ｉｎｃ"]),
                    "subject": rng.choice(["", "Important", "Past due notice", "欠款通知"])
                    or None}
            elif kind < 0.36:
                spec.update(channel="social", public=rng.choice([True, False, None]))
            elif kind < 0.42:
                spec["direction"] = "inbound"
            elif kind < 0.47:
                spec["lang"] = rng.choice(["en", "zh", "en;zh", "es"])
        else:
            spec = {"text": _random_text(rng, rng.randrange(1, 80))}
        for key in ("text", "subject", "sender"):
            if isinstance(spec.get(key), str) and rng.random() < 0.6:
                spec[key] = _disguise(rng, spec[key])
        if isinstance(spec.get("transcript"), list):
            for turn in spec["transcript"]:
                if isinstance(turn, dict) and rng.random() < 0.5:
                    turn["text"] = _disguise(rng, str(turn.get("text", "")))
        spec["_chinese"] = i % 4 == 0 or "【" in str(spec.get("text", ""))
        out.append(spec)
    return out


def _events(all_specs: list[dict[str, Any]]) -> list[Event]:
    from fairdebt.content.fields import parse_lang, parse_transcript

    start = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)
    out: list[Event] = []
    for i, spec in enumerate(all_specs):
        consumer = i % 97
        chinese = spec["_chinese"]
        ts = start + timedelta(seconds=i * 37)
        channel = spec.get("channel", "sms")
        out.append(Event(
            ts, ts.timestamp(), f"C{consumer}", f"m{i}", channel=channel,
            direction=spec.get("direction", "outbound"),
            party=("consumer", "consumer", "consumer", "spouse", "third_party")[i % 5],
            outcome=spec.get("outcome", "delivered" if channel != "call" else "conversation"),
            message=spec.get("message"), debt_ids=(f"D{consumer % 13}",),
            timezones=("Asia/Shanghai",) if chinese else ("America/New_York",),
            region="CN" if chinese else "US", text=spec.get("text"),
            subject=spec.get("subject"),
            transcript=parse_transcript(spec.get("transcript"), ValueError),
            lang=parse_lang(spec.get("lang"), ValueError), sender=spec.get("sender"),
            public=spec.get("public"), file="<corpus>", line=i + 1))
    return out


def _finding(f: Any) -> list[Any]:
    return [f.rule, f.event_id, f.severity, f.message,
            json.loads(json.dumps(f.content, sort_keys=True, default=str))]


def _prep(text: str) -> list[Any]:
    prep = prepare(text)
    src = prep.src if prep.src is not None else list(range(len(prep.norm)))
    spans = [prep.span(i, j) for i in range(0, len(prep.norm), 7)
             for j in (i, i + 1, i + 5)]
    digest = hashlib.sha256(json.dumps([src, prep.breaks, spans]).encode()).hexdigest()[:16]
    return [prep.norm, digest]


FACTS = ["time_barred", "judgment", "secured", "litigation_intended", "offer_expires_at",
         "fees_allowed", "public"]


def snapshot(n: int = 3000, rule_n: int = 800) -> dict[str, Any]:
    all_specs = specs(n)
    texts: list[str] = []
    for spec in all_specs:
        for key in ("text", "subject", "sender"):
            if isinstance(spec.get(key), str):
                texts.append(spec[key])
        for turn in spec.get("transcript") or ():
            texts.append(str(turn.get("text", "")))
    policy = fairdebt.load_policy(*PACKS).select(["*/content/*"])
    engine = Engine(policy)
    findings = []
    for ev in _events(all_specs):
        findings += [_finding(f) for f in engine.feed(ev)]
    findings += [_finding(f) for f in engine.close()]
    # rule by rule, as the rules' own examples run, with account facts
    rng = random.Random(5)
    by_rule: list[Any] = []
    checks = [CHECKS[r.check](r) for r in policy.rules]
    for i, spec in enumerate(all_specs[:rule_n]):
        example = {k: v for k, v in spec.items() if not k.startswith("_")}
        example["facts"] = {f: rng.choice([True, False, None]) for f in FACTS
                            if rng.random() < 0.5}
        example["communication"] = rng.choice(["initial", "later"])
        for check in checks:
            try:
                got = run_example(check, example, i)
            except ValueError as exc:  # the rule's `when` does not select it
                by_rule.append([check.rule.id, i, "skip", str(exc)[:40]])
                continue
            by_rule += [[check.rule.id, i, *_finding(f)[2:]] for f in got]
    return {"texts": [_prep(t) for t in texts], "engine": findings, "by_rule": by_rule}


def main() -> None:
    if "--write" not in sys.argv[1:]:
        sys.exit(__doc__)
    data = snapshot()
    payload = json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True).encode()
    SNAPSHOT.write_bytes(gzip.compress(payload, mtime=0))
    print(f"{SNAPSHOT}: {len(data['texts'])} texts, {len(data['engine'])} engine findings, "
          f"{len(data['by_rule'])} rule results")


if __name__ == "__main__":
    main()
