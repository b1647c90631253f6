"""The command group every command runs through: one place turns errors into one `Error:` line."""

# Part of the command line (only its modules import it).
import codecs
import contextlib
import errno
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import typer
import typer.core

from ipstats._collector import paused
from ipstats.errors import ExitStatus, IpstatsError, UsageError
from ipstats.model import Dataset


class IpstatsGroup(typer.core.TyperGroup):
    """Runs every command through one place that turns errors into a single `Error:` line."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        # The root context's object: the root options (--debug among them) land in it as they
        # are parsed, so it still says what was asked for once the context is gone.
        state = extra.get("obj")
        if not isinstance(state, State):
            state = extra["obj"] = State()
        try:
            args = list(sys.argv[1:] if args is None else args)
            shell = _completion_shell(args)
            with _shell_named(shell, complete_var or _complete_var(prog_name or "ipstats")):
                code = super().main(
                    args=[] if shell is not None else _hoisted(self, args),
                    prog_name=prog_name or "ipstats",
                    complete_var=complete_var,
                    standalone_mode=False,
                    windows_expand_args=windows_expand_args,
                    **extra,
                )
            # Output still buffered would otherwise be written at the interpreter's exit, where
            # a failure to write it is reported as an ignored exception and exit status 120.
            if sys.stdout is not None:
                sys.stdout.flush()
        except IpstatsError as exc:
            if state.debug:
                raise
            _error(str(exc))
            code = exc.exit_status
        except typer.TyperException as exc:  # Typer's own usage and parameter errors
            code = _typer_error(exc)
        except (BrokenPipeError, _ReaderGone):
            # The reader went away (`ipstats export | head -1`): stop quietly, as Python's
            # signal documentation advises, pointing stdout at devnull so the final flush is silent.
            # It took what it wanted: exit 0, so that a `set -o pipefail` script goes on (1 would
            # say "no data").
            _discard_stdout()
            code = ExitStatus.OK
        except (KeyboardInterrupt, typer.Abort):
            typer.echo("", err=True)
            code = ExitStatus.INTERRUPTED
        except Exception as exc:
            unwritable = _stdout_failure(exc)
            if unwritable is not None:
                _error(unwritable)
                _finish_stdout()
                code = ExitStatus.ERROR
            else:  # a bug in ipstats: still one line, unless asked for more
                if state.debug:
                    raise
                _error(
                    f"unexpected {type(exc).__name__}: {exc} (this is a bug in ipstats; rerun with --debug for details)"
                )
                code = ExitStatus.ERROR
        code = int(code or 0) if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: Any) -> Any:
        # Typer turns a broken pipe inside a command into exit status 1 before main() sees
        # it; carried out as another exception, it gets the exit status main() gives it.
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise _ReaderGone() from exc

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, typer.core.TyperCommand) and not ctx.resilient_parsing:
            _refuse_repeated(command.get_params(ctx), rest)
        return name, command, rest


# The root options that also work after a command (`ipstats show pct --no-color`).
_ROOT_FLAGS = frozenset({"--no-color", "--no-cache", "--debug"})
_ROOT_VALUED = frozenset({"--data"})
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _complete_var(prog_name: str) -> str:
    """The environment variable Typer's completion protocol reads (`_IPSTATS_COMPLETE`)."""
    return "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())


@contextlib.contextmanager
def _shell_named(shell: str | None, variable: str) -> Iterator[None]:
    """With a shell named, ask for its completion script as the installed scripts do: through
    the environment (Typer's --show-completion takes no shell name; it asks the process tree).
    The environment is as it was afterwards."""
    if shell is None:
        yield
        return
    before = os.environ.get(variable)
    os.environ[variable] = f"source_{shell}"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = before


def _completion_shell(args: Sequence[str]) -> str | None:
    """The shell named in `--show-completion SHELL` (or `=SHELL`); None when none is named."""
    if not args or args[0].partition("=")[0] != "--show-completion":
        return None
    named = args[0].partition("=")[2] or (args[1] if len(args) > 1 else "")
    if not named:
        return None
    if named not in SHELLS:
        raise UsageError(f"--show-completion: unknown shell {named!r}; known: {', '.join(SHELLS)}")
    return named


def _hoisted(group: typer.core.TyperGroup, args: list[str]) -> list[str]:
    """``args`` with the root options given after a command moved before it, where the parser
    looks for them; values of the command's own options are left where they are."""
    at = start = _start(args)
    command: Any = group
    while at < len(args) and isinstance(command, typer.core.TyperGroup):
        command = command.commands.get(args[at])
        at += 1
    if command is None or isinstance(command, typer.core.TyperGroup):
        return args
    takes_value = {
        flag
        for parameter in command.params
        if isinstance(parameter, typer.core.TyperOption)
        and not (parameter.is_flag or parameter.count)
        for flag in parameter.opts
    }
    head, path, rest = args[:start], args[start:at], args[at:]
    moved: list[str] = []
    kept: list[str] = []
    tokens = iter(rest)
    for token in tokens:
        if token == "--":
            kept += [token, *tokens]
            break
        name = token.partition("=")[0]
        if token in _ROOT_FLAGS:
            moved.append(token)
        elif name in _ROOT_VALUED:
            moved += [token] if "=" in token else [token, next(tokens, "")]
        else:
            kept.append(token)
            if token in takes_value:
                kept.append(next(tokens, ""))
    return [*head, *moved, *path, *kept] if moved else args


def _start(args: Sequence[str]) -> int:
    """Where the command path starts: after the root options."""
    at = 0
    while at < len(args) and args[at].startswith("-") and args[at] != "--":
        at += 2 if args[at] in _ROOT_VALUED else 1
    return at


class _ReaderGone(Exception):
    """Standard output's reader went away while a command was writing."""


def _refuse_repeated(parameters: Iterable[Any], args: Sequence[str]) -> None:
    """A usage error for an option that takes one value given more than once: the parser would
    keep the last one without a word, and the answer would not be what was asked."""
    options = [p for p in parameters if isinstance(p, typer.core.TyperOption)]
    by_flag = {flag: o for o in options for flag in o.opts if not (o.is_flag or o.count)}
    given: dict[str, list[str]] = {}
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            break
        long = token.startswith("--")
        flag, _, attached = token.partition("=") if long else (token[:2], "", token[2:])
        option = by_flag.get(flag)
        if option is None:
            continue
        value = attached if attached or "=" in token else next(tokens, "")
        if not option.multiple:
            given.setdefault(max(option.opts, key=len), []).append(value)
    for flag, values in given.items():
        if len(values) > 1:
            raise UsageError(f"{flag} takes one value, got {len(values)}: {', '.join(values)}")


# What writing to a file descriptor fails with when the file cannot take the output (a full
# disk or quota, a size limit, a device error, a closed or non-blocking descriptor). Such an
# error without a file name reaching the top can only come from standard output: ipstats's
# own files (-o, the cache) report their failures by name.
_WRITE_ERRNOS = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EBADF", "EAGAIN", "ENXIO")
    if hasattr(errno, name)
)


def _stdout_failure(exc: Exception) -> str | None:
    """Why standard output could not be written, if that is what ``exc`` says; else None."""
    if sys.stdout is None:  # started with it closed (`>&-`): Python has no stream to write to
        return (
            "cannot write to standard output: it is closed"
            if isinstance(exc, AttributeError)
            else None
        )
    if isinstance(exc, UnicodeEncodeError):
        encoding = getattr(sys.stdout, "encoding", None) or ""
        if _codec(encoding) is not None and _codec(encoding) == _codec(exc.encoding):
            char = exc.object[exc.start : exc.end][:1]
            return (
                f"cannot write to standard output: its encoding {encoding} cannot represent "
                f"{char!r} (set PYTHONIOENCODING=utf-8)"
            )
        return None
    if isinstance(exc, OSError) and exc.filename is None and exc.errno in _WRITE_ERRNOS:
        return f"cannot write to standard output: {exc.strerror or exc}"
    return None


def _codec(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _finish_stdout() -> None:
    """Write what standard output still holds, or drop it if that fails again."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _discard_stdout()


def _discard_stdout() -> None:
    """Point standard output at devnull, so that the interpreter's final flush stays silent."""
    if sys.stdout is None:
        return
    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError):  # not a file (a test's capture): nothing is flushed at exit
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def _error(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)


def _typer_error(exc: typer.TyperException) -> int:
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError":
        # The help was made when the error was: Rich printed it then, or it is the message.
        # Asking the context for it again would print it twice.
        message = exc.format_message()
        if message.strip():
            typer.echo(message, err=True)
        return ExitStatus.USAGE
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    if type(exc).__name__ == "NoSuchOption" and ctx is not None:
        _error(_no_such_option(ctx, str(getattr(exc, "option_name", ""))) + hint)
    else:
        _error(exc.format_message() + hint)
    return exc.exit_code


def _no_such_option(ctx: Any, name: str) -> str:
    """What to say of an unknown option: the close ones of this command, and the commands
    that have it when it is another command's."""
    from ipstats.names import did_you_mean

    def flags(command: Any) -> list[str]:
        return [
            f for p in command.params for f in (*p.opts, *p.secondary_opts) if f.startswith("-")
        ]

    own = [*flags(ctx.command), *flags(ctx.find_root().command)]
    others = [
        path for path, command in _commands(ctx.find_root().command, "") if name in flags(command)
    ]
    elsewhere = f"; it is an option of {', '.join(others)}" if others else ""
    # options are near-alike (--from, --format): only a closer match than a name's is offered
    close = "" if elsewhere else did_you_mean(name, own, cutoff=0.7)
    return f"no such option {name} for {ctx.command_path!r}{close}{elsewhere}"


def _commands(group: Any, path: str) -> Iterable[tuple[str, Any]]:
    """Every command below ``group``, with its path ("list observations")."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, typer.core.TyperGroup):
            yield from _commands(command, f"{path}{name} ")
        else:
            yield f"{path}{name}", command


class State:
    """The root options of one run, and the dataset once a command has asked for it."""

    __slots__ = ("_dataset", "color", "data", "debug", "use_cache")

    def __init__(self) -> None:
        self.data: Path | None = None
        self.color = True
        self.use_cache = True
        self.debug = False
        self._dataset: Dataset | None = None

    def dataset(self) -> Dataset:
        if self._dataset is None:
            from ipstats.datafile import load, on_terminal

            # The dataset lives as long as the process: set aside (frozen) like the imports
            # (ipstats/__main__.py), it is not walked by the collector again, nor at exit.
            with paused(freeze=True):
                loaded = load(self.data, self.use_cache, on_terminal(sys.stderr))
            warn(loaded.notes)
            self._dataset = loaded.dataset
        return self._dataset


def warn(notes: Iterable[str]) -> None:
    for note in notes:
        typer.echo(f"warning: {note}", err=True)


def state_of(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj
