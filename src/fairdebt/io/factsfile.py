"""The facts file (``--facts FILE``): account facts per consumer and debt.

CSV with a header or JSON Lines (gzip or zstd too, ``-`` is not accepted), read
like the consumer directory: ``consumer_id`` (required), ``debt_id`` (empty: all
the consumer's debts; several ``;``-separated: each of them) and a column per
fact (`fairdebt.facts.FACT_NAMES`). A CSV column fairdebt does not know refuses
the file; a row with a bad value is rejected with the file, line and field.
"""

from __future__ import annotations

from ..facts import FACTS_FILE_COLUMNS, Facts
from .directory import _rows
from .sources import SourceError, display_name


def load_facts(path: str) -> Facts:
    """Read a facts file. Rows with problems are in the result's ``rejected`` (file and
    line); a file that cannot be used at all (missing, no ``consumer_id`` column, an
    unknown column, a damaged stream) raises `SourceError`."""
    if path == "-":
        raise SourceError("--facts: give a file (standard input is for the log)")
    name = display_name(path)
    facts = Facts()
    facts.sources.append(name)
    for line, row in _rows(path, name, facts.rejected, FACTS_FILE_COLUMNS, "a facts file"):
        facts.add_row(row, name, line)
    return facts


__all__ = ["load_facts"]
