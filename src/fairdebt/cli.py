"""The ``fairdebt`` command: parse options, call the library, render, exit.

Exit codes: 0 no findings at the ``--fail-on`` severity (error by default), 1 such
findings, 2 usage, policy or input error (never a traceback for bad input).
"""

from __future__ import annotations

import fnmatch
import os
import sys
import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import click

from . import __version__
from .checks import CHECKS
from .io.sources import SourceError, exists
from .policy import Policy, PolicyError, builtin_packs, load_policy
from .policy.model import thaw
from .report import FORMATS, RenderOptions
from .report.baseline import BaselineError
from .report.baseline import use as use_baseline
from .report.config import ConfigError
from .report.config import find as find_config
from .report.config import load as load_config
from .report.contacts import count_contacts
from .report.gate import SEVERITIES, fails
from .report.outputs import OutputError, plan, write
from .runner import check_paths
from .tz import ZoneError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DEFAULT_POLICY = "us-reg-f"


def _fail(message: str) -> None:
    click.echo(f"fairdebt: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _load(policies: Sequence[str]) -> Policy:
    try:
        return load_policy(*(policies or (DEFAULT_POLICY,)))
    except PolicyError as exc:
        _fail("invalid policy\n" + "\n".join(f"  {p}" for p in exc.problems))
        raise  # unreachable: _fail exits


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="fairdebt")
def main() -> None:
    """fairdebt — check debt-collection contact logs against compliance policies.

    \b
    Start here:
      fairdebt check -p us-reg-f calls.csv        check a log, readable report
      fairdebt check --format json calls.csv      the same for CI (exit 1 on findings)
      fairdebt policies                           built-in policy packs
      fairdebt rules -p us-reg-f                  the rules in a pack
      fairdebt explain reg-f/call-frequency       what a rule means and cites

    The log format is documented in docs/log-format.md.
    """


def _no_config(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value and ctx.meta.get("fairdebt.config"):
        raise click.BadParameter("contradicts --config", param_hint="'--no-config'")
    return value


def _config(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Eager: the configuration becomes the defaults of every other option, so flags win."""
    if ctx.params.get("no_config"):
        if value:
            raise click.BadParameter("contradicts --no-config", param_hint="'--config'")
        return value
    try:
        path = Path(value) if value else find_config(Path.cwd())
        if path is None:
            return value
        if not path.is_file():
            raise ConfigError(f"{path}: no such configuration file")
        ctx.default_map = {**(ctx.default_map or {}), **load_config(path).defaults}
    except ConfigError as exc:
        _fail(str(exc))
    ctx.meta["fairdebt.config"] = str(path)
    return value


def _pii_flags() -> tuple[bool, bool]:
    """``--redact`` and ``--show-pii`` both on: the one from the command line wins over the
    one from the configuration; both from the command line is a usage error."""
    source = click.get_current_context().get_parameter_source
    if source("redact") is click.core.ParameterSource.DEFAULT_MAP:
        return False, True
    if source("show_pii") is click.core.ParameterSource.DEFAULT_MAP:
        return True, False
    raise click.BadParameter("--redact and --show-pii contradict each other; give one",
                             param_hint="'--show-pii'")


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("-p", "--policy", "policies", multiple=True, metavar="NAME|PATH",
              help=f"Built-in pack id or policy file; repeat to layer several "
                   f"[default: {DEFAULT_POLICY}].")
@click.option("-f", "--format", "formats", multiple=True, metavar="FORMAT[:PATH]",
              help=f"Output format, to stdout or to PATH; repeat to write several "
                   f"(at most one to stdout): {', '.join(FORMATS)} [default: text].")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rule ids (comma-separated, globs allowed: 'reg-f/*').")
@click.option("--ignore", multiple=True, metavar="RULES",
              help="Skip these rule ids (comma-separated, globs allowed).")
@click.option("--input-timezone", metavar="ZONE",
              help="Zone of timestamps written without a UTC offset (e.g. America/Chicago). "
                   "Without it such rows are rejected.")
@click.option("--default-timezone", metavar="ZONE",
              help="Consumer zone to assume when the log gives none. Without it such "
                   "contacts are reported by the unknown-timezone rule (fail closed).")
@click.option("--strict", is_flag=True,
              help="Exit 2 if any input row was rejected.")
@click.option("-q", "--quiet", is_flag=True, help="Text format: print only the summary.")
@click.option("--color/--no-color", default=None,
              help="Colour the text report [default: only on a terminal].")
@click.option("--fail-on", type=click.Choice(SEVERITIES[::-1]), default="error",
              show_default=True,
              help="Exit 1 when a finding is at least this severe.")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 whatever the findings (still 2 on bad usage, policy or input).")
@click.option("--baseline", metavar="FILE",
              help="Hide findings this baseline accepts (see docs/reports.md); the output "
                   "says how many.")
@click.option("--update-baseline", is_flag=True,
              help="Rewrite the --baseline file to accept every current finding, keeping "
                   "waivers, reasons and expiry dates.")
@click.option("--redact", is_flag=True,
              help="Mask phone numbers and emails in every format (sarif, github, gitlab, "
                   "junit and html mask them by default).")
@click.option("--show-pii", is_flag=True,
              help="Never mask phone numbers and emails, even where masking is the default.")
# eager, so the configuration is read before any other option takes its default
@click.option("--no-config", is_flag=True, is_eager=True, callback=_no_config,
              help="Ignore fairdebt.toml and [tool.fairdebt] in pyproject.toml.")
@click.option("--config", "config_file", metavar="FILE", is_eager=True, callback=_config,
              help="Read defaults from FILE instead of the fairdebt.toml or pyproject.toml "
                   "found from the working directory up. Flags win over it.")
def check(files: tuple[str, ...], policies: tuple[str, ...], formats: tuple[str, ...],
          select: tuple[str, ...], ignore: tuple[str, ...], input_timezone: str | None,
          default_timezone: str | None,
          strict: bool, quiet: bool, color: bool | None, fail_on: str, exit_zero: bool,
          baseline: str | None, update_baseline: bool, redact: bool, show_pii: bool,
          no_config: bool, config_file: str | None) -> None:
    """Check contact logs (CSV or JSON Lines, .gz too; - for stdin) against a policy.

    Every row is either checked or listed as rejected with its file, line and
    reason. Exit 0: no findings at the --fail-on severity (error unless told);
    1: such findings; 2: bad usage, policy or input.
    """
    if redact and show_pii:
        redact, show_pii = _pii_flags()
    if update_baseline and not baseline:
        raise click.BadParameter("needs --baseline FILE to know which file to write",
                                 param_hint="'--update-baseline'")
    try:
        outputs = plan(formats)
    except OutputError as exc:
        raise click.BadParameter(str(exc), param_hint="'--format'") from None
    policy = _load(policies)
    selected, ignored = _split(select), _split(ignore)
    if selected or ignored:
        known = {r.id for r in policy.rules}
        for pattern in selected + ignored:
            if not any(fnmatch.fnmatchcase(r, pattern) for r in known):
                _fail(f"--select/--ignore: no rule matches {pattern!r} in "
                      f"{', '.join(policy.packs)} (see: fairdebt rules -p ...)")
        policy = policy.select(selected or None, ignored or None)
    missing = [f for f in files if not exists(f)]
    if missing:
        _fail(f"no such file: {', '.join(missing)}")
    if files.count("-") > 1:
        _fail("stdin (-) can be read only once")
    try:
        report = check_paths(list(files), policy, input_timezone=input_timezone,
                             default_timezone=default_timezone)
    except (SourceError, ZoneError) as exc:
        _fail(str(exc))
        return
    suppressed = 0
    if baseline:
        try:
            outcome = use_baseline(report, baseline, update=update_baseline, today=date.today())
        except BaselineError as exc:
            _fail(str(exc))
            return
        report, suppressed = outcome.report, outcome.suppressed
        click.echo(f"fairdebt: {outcome.note(baseline)}", err=True)
    use_color = sys.stdout.isatty() if color is None else color
    contacts = None
    if any(o.format == "html" for o in outputs) and "-" not in files:
        try:
            contacts = count_contacts(files, input_timezone, default_timezone)
        except (SourceError, ZoneError) as exc:
            _fail(str(exc))
    options = RenderOptions(color=use_color, quiet=quiet, rules=policy.rules, redact=redact,
                            show_pii=show_pii, suppressed=suppressed, baseline=baseline,
                            contacts=contacts)
    try:
        write(outputs, report, options, lambda text: click.echo(text, nl=False), os.environ)
    except OutputError as exc:
        _fail(str(exc))
    if strict and report.rejected:
        click.echo(f"fairdebt: {len(report.rejected)} row(s) rejected (--strict)", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if fails(report, fail_on) and not exit_zero else EXIT_CLEAN)


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="POLICY...")
def validate(files: tuple[str, ...]) -> None:
    """Check policy files (or built-in pack ids) without a log; list every problem."""
    failed = False
    for name in files:
        try:
            policy = load_policy(name)
        except PolicyError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        click.echo(f"{name}: ok — {policy.id}, {len(policy.rules)} rules")
    sys.exit(EXIT_ERROR if failed else EXIT_CLEAN)


@main.command()
def policies() -> None:
    """List the built-in policy packs: id, jurisdiction, regions, version, rules
    (and how many rest on unverified figures), title."""
    rows = [("id", "jurisdiction", "regions", "version", "rules", "unverified", "title")]
    for pack_id, path in sorted(builtin_packs().items()):
        try:
            policy = load_policy(pack_id)
        except PolicyError:
            rows.append((pack_id, "?", "?", "?", "?", "?",
                         f"(invalid: run fairdebt validate {path})"))
            continue
        info = policy.pack(pack_id)
        regions = sorted({r for p in policy.pack_info for r in p.regions}) or ["(all)"]
        unverified = sum(1 for r in policy.rules if not r.verified)
        rows.append((pack_id, info.jurisdiction if info else "", ",".join(regions),
                     info.version if info else "", str(len(policy.rules)), str(unverified),
                     policy.title))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    for row in rows:
        cells = [c.rjust(w) if i in (4, 5) else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row[:6], widths, strict=True))]
        click.echo("  ".join([*cells, row[6]]).rstrip())


@main.command()
@click.option("-p", "--policy", "policies", multiple=True, metavar="NAME|PATH",
              help=f"Pack id or policy file [default: {DEFAULT_POLICY}].")
def rules(policies: tuple[str, ...]) -> None:
    """List a policy's rules: id, severity, citation, summary."""
    policy = _load(policies)
    width = max((len(r.id) for r in policy.rules), default=10)
    for r in policy.rules:
        flag = "" if r.verified else " [unverified]"
        click.echo(f"{r.id:<{width}}  {r.severity:<7}  {r.citation}\n"
                   f"{'':<{width}}  {r.summary}{flag}")


@main.command()
@click.argument("rule_id")
@click.option("-p", "--policy", "policies", multiple=True, metavar="NAME|PATH",
              help="Where to look for the rule [default: every built-in pack].")
def explain(rule_id: str, policies: tuple[str, ...]) -> None:
    """Explain a rule: what it checks, its citation, its parameters."""
    if policies:
        loaded = [_load(policies)]  # a broken policy is reported, not skipped
    else:
        loaded = []
        for pack in sorted(builtin_packs()):
            try:
                loaded.append(load_policy(pack))
            except PolicyError:
                continue  # `fairdebt policies` and `validate` report broken packs
    for policy in loaded:
        rule = policy.rule(rule_id)
        if rule is None:
            continue
        kind = CHECKS[rule.check]
        click.echo(f"{rule.id} — {rule.summary}")
        click.echo(f"  policy:   {rule.policy}")
        click.echo(f"  severity: {rule.severity}")
        click.echo(f"  citation: {rule.citation}")
        click.echo(f"  check:    {rule.check}")
        if rule.regions:
            click.echo(f"  regions:  {', '.join(rule.regions)}")
        if rule.effective_from or rule.effective_to:
            click.echo(f"  in force: {rule.effective_from or '…'} to {rule.effective_to or '…'}"
                       " (local days, inclusive)")
        if not rule.verified:
            click.echo("  verified: no — the figure is second-hand; see the pack's sources")
        info = policy.pack(rule.policy)
        for source in info.sources if info else ():
            url = f" <{source['url']}>" if source.get("url") else ""
            click.echo(f"  source:   {source.get('title', '')}{url}")
        if rule.params:
            click.echo("  params:   " + ", ".join(f"{k}={thaw(v)}"
                                                 for k, v in rule.params.items()))
        if rule.description:
            click.echo("\n" + textwrap.indent(rule.description.strip(), "  "))
        doc = (sys.modules[kind.__module__].__doc__ or "").strip()
        if doc:
            click.echo("\n  How the check works:\n" + textwrap.indent(doc, "    "))
        return
    _fail(f"no rule {rule_id!r} (list them with: fairdebt rules -p PACK)")




@main.command("test-policy")
@click.argument("packs", nargs=-1, required=True, metavar="POLICY...")
@click.option("-v", "--verbose", is_flag=True, help="List every example, not only failures.")
def test_policy(packs: tuple[str, ...], verbose: bool) -> None:
    """Run the examples content rules carry (their `tests:`): every `flag` example must
    give a finding, every `pass` example none. Exit 1 if any misbehaves."""
    from .content.testing import run_tests  # content matching loads only when needed

    failed = False
    for name in packs:
        try:
            policy = load_policy(name, run_tests=False)
        except PolicyError as exc:
            click.echo("fairdebt: error: invalid policy", err=True)
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(EXIT_ERROR)
        total = bad = 0
        for rule in policy.rules:
            if not rule.tests:
                continue
            outcomes = run_tests(CHECKS[rule.check](rule), rule.tests)
            for o in outcomes:
                total += 1
                if not o.ok:
                    bad += 1
                    click.echo(f"FAIL {rule.id} {o.kind}[{o.index}] ({rule.file}): {o.reason}:"
                               f" \"{o.text}\"")
                elif verbose:
                    click.echo(f"ok   {rule.id} {o.kind}[{o.index}]: \"{o.text}\"")
        failed = failed or bad > 0
        click.echo(f"{name}: {total - bad} of {total} examples behave"
                   + (f", {bad} do not" if bad else ""))
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)
