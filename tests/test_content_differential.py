"""Differential test of the content rules: the generated corpus (content_corpus.py)
must give exactly the findings, normalized text and offset maps recorded in
tests/data/content_snapshot.json.gz, which was written by the code before the
content rules were optimized for speed (docs: benchmarks/README.md, "content")."""

from __future__ import annotations

import gzip
import json

import pytest

from content_corpus import SNAPSHOT, snapshot


@pytest.fixture(scope="module")
def pair() -> tuple[dict, dict]:
    want = json.loads(gzip.decompress(SNAPSHOT.read_bytes()))
    got = json.loads(json.dumps(snapshot(), ensure_ascii=False, sort_keys=True))
    return want, got


@pytest.mark.parametrize("part", ["texts", "engine", "by_rule"])
def test_same_as_snapshot(pair: tuple[dict, dict], part: str) -> None:
    want, got = pair[0][part], pair[1][part]
    for i, (a, b) in enumerate(zip(want, got, strict=False)):
        assert b == a, f"{part}[{i}] differs"
    assert len(got) == len(want)
