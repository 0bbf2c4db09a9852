"""Arrow ↔ NumPy without pyarrow's pandas-based conversions (`columns.numpy_of`,
`columns.arrow_of`): the same values as pyarrow's own, for slices and chunked arrays,
and a fast run that never imports pandas (importing it costs ~0.2 s a run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")

import pyarrow as pa  # noqa: E402

from fairdebt.fast.columns import arrow_of, numpy_of  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample-calls.csv"


@settings(deadline=None)  # the first example pays for pyarrow's kernels
@given(flags=st.lists(st.booleans(), max_size=70), start=st.integers(0, 20),
       length=st.integers(0, 70), split=st.integers(0, 70))
def test_booleans_sliced_and_chunked(flags: list[bool], start: int, length: int,
                                     split: int) -> None:
    array = pa.array(flags, type=pa.bool_()).slice(start, length)
    expected = array.to_pylist()
    assert numpy_of(array).tolist() == expected
    got = numpy_of(array)
    got[:] = True  # an array of our own: writable
    chunked = pa.chunked_array([array.slice(0, split), array.slice(split)], type=pa.bool_())
    assert numpy_of(chunked).tolist() == expected
    assert arrow_of(np.array(flags, dtype=bool), "bool").to_pylist() == flags


@settings(deadline=None)
@given(values=st.lists(st.integers(-2**31, 2**31 - 1), max_size=50), start=st.integers(0, 9))
def test_numbers_sliced(values: list[int], start: int) -> None:
    for arrow_type in (pa.int32(), pa.int64()):
        array = pa.array(values, type=arrow_type).slice(start)
        assert numpy_of(array).tolist() == values[start:]
    assert arrow_of(values).to_pylist() == values
    assert arrow_of(np.array(values, dtype=np.int64)).equals(pa.array(values, type=pa.int64()))


def test_nulls_are_refused() -> None:
    with pytest.raises(ValueError):
        numpy_of(pa.array([1, None]))


def test_a_fast_run_does_not_import_pandas() -> None:
    pytest.importorskip("pandas")  # else trivially true
    code = ("import sys, fairdebt\n"
            f"r = fairdebt.check_files([{str(SAMPLE)!r}], fairdebt.load_policy('us-reg-f'),"
            " engine='fast')\n"
            "assert r.findings\n"
            "print('pandas' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@given(keys=st.lists(st.integers(0, 300), max_size=200), extra=st.integers(0, 2000))
def test_unique_by_table_is_numpys(keys: list[int], extra: int) -> None:
    """`evaluate._unique` (a table of the possible keys when few) is ``np.unique``."""
    from fairdebt.fast.evaluate import _unique

    array = np.array(keys, dtype=np.int64)
    total = max(keys, default=0) + 1 + extra
    unique, inverse = _unique(np, array, total)
    want_unique, want_inverse = np.unique(array, return_inverse=True)
    assert unique.tolist() == want_unique.tolist()
    assert inverse.tolist() == want_inverse.reshape(-1).tolist()


def test_a_small_file_is_checked_without_arrow() -> None:
    """``auto`` streams a small log: a CLI run on one never imports pyarrow or NumPy
    (~0.15 s a run)."""
    code = ("import sys, fairdebt\n"
            f"fairdebt.check_files([{str(SAMPLE)!r}], fairdebt.load_policy('us-reg-f'))\n"
            "print(sorted(m for m in ('pyarrow', 'numpy') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
