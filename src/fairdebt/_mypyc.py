"""What the optional mypyc-compiled build needs from the sources (benchmarks/README.md,
"Compiled build"). This module is never compiled, and adds no runtime dependency: a
plain install has no mypy_extensions.

`mypyc_attr` is mypy_extensions' decorator to the type checker, which mypyc reads when
it compiles (``native_class=False`` keeps a class an ordinary Python class: mypyc makes
no native class of a subclass of ``list``, of a class whose instances are weakly
referenced, or of a subclass of an interpreted class with ``__slots__``; a native
``dict`` subclass would not set its class attributes, and a native class cannot be
copied by `copy.copy`); at run time it returns the class unchanged, which is all
mypy_extensions' own does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_extensions import mypyc_attr as mypyc_attr
else:

    def mypyc_attr(*attrs: Any, **kwattrs: Any) -> Any:
        return lambda cls: cls


#: the modules the compiled build compiles (pyproject.toml's mypyc hook ``include``)
MODULES = (
    "fairdebt.content.analysis",
    "fairdebt.content.check",
    "fairdebt.content.terms",
    "fairdebt.content.text",
    "fairdebt.checks.closed_content",
    "fairdebt.checks.forbid_cooccurrence",
    "fairdebt.checks.forbid_phrases",
    "fairdebt.checks.identity",
    "fairdebt.checks.require_phrases",
    "fairdebt.engine",
)


def compiled() -> list[str]:
    """The modules of `MODULES` imported from a compiled extension (``.so``/``.pyd``)
    rather than from their ``.py`` source: all of them in the compiled build, none in
    a plain install."""
    return [name for name in MODULES
            if not str(importlib.import_module(name).__file__).endswith(".py")]
