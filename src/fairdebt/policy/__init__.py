"""Policies: YAML packs → immutable `Policy` objects."""

from .loader import PolicyError, Problem, builtin_packs, load_policy
from .model import Policy, Rule, When

__all__ = ["Policy", "PolicyError", "Problem", "Rule", "When", "builtin_packs", "load_policy"]
