"""Support for long runs: progress on a terminal (see docs/scale.md)."""
