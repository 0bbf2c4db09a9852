"""Message content: normalizing text for matching, finding phrases, lexicons, rule tests.

The check kinds that use this live in `fairdebt.checks` (one module each); this
package holds what they share. See docs/content-rules.md.
"""
