"""Typer's parameter coercion, without pydantic, for the plain types ipstats's commands take.

Typer 0.2x converts every option and argument through a pydantic TypeAdapter, built on first
use. Importing pydantic and building the adapters costs more than all the rest of a command
(about 40 ms: ``ipstats compare`` took twice as long as ``import typer``). ipstats's commands
take text, paths, lists of text and str enums; for those, ``install`` gives parameters a
coercion that returns what Typer's would, calling the same Typer functions where there are
any, and hands everything else, every error included, to Typer's own. Only the CLI imports
this module. With a Typer without these internals it does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

_UNHANDLED = object()


def install() -> None:
    """Give Typer parameters the pydantic-free coercion (once; harmless to call again)."""
    try:
        from typer import _coercion, core
        from typer._param_types import coerce_cli_choice, coerce_cli_path
    except ImportError:  # pragma: no cover - a Typer that does not coerce through pydantic
        return
    parameter = getattr(core, "_TyperParameter", None)
    build = getattr(_coercion, "build_runtime_param", None)
    if parameter is None or build is None or getattr(parameter, "_ipstats_coercion", False):
        return

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            self._runtime_param = _PlainCoercion(
                self.type_descriptor, build, coerce_cli_choice, coerce_cli_path
            )
        return self._runtime_param

    parameter.get_runtime_param = get_runtime_param
    parameter._ipstats_coercion = True


class _PlainCoercion:
    """Coerces text, paths, lists of text and str enums; defers the rest to Typer's coercion."""

    def __init__(
        self,
        descriptor: Any,
        build: Callable[[Any], Any],
        coerce_choice: Callable[..., Any],
        coerce_path: Callable[..., Any],
    ) -> None:
        self._descriptor = descriptor
        self._build = build
        self._typer: Any = None
        self._coerce_choice = coerce_choice
        self._coerce_path = coerce_path
        info = descriptor.parameter_info
        annotation = descriptor.annotation
        plain = descriptor.file_annotation is None and getattr(info, "parser", None) is None
        self._kind = ""
        if not plain:
            pass
        elif annotation is str:
            self._kind = "str"
        elif annotation is bool:
            self._kind = "bool"
        elif get_origin(annotation) is list and get_args(annotation) == (str,):
            self._kind = "list[str]"
        elif isinstance(annotation, type) and issubclass(annotation, Enum):
            self._kind = "enum"
        elif (
            isinstance(annotation, type)
            and issubclass(annotation, Path)
            and getattr(info, "path_type", None) is None
        ):
            self._kind = "path"

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        # as Typer's RuntimeParam.coerce: nothing given is None, or () for many values
        if value is None:
            return () if (param.multiple or param.nargs == -1) else None
        result = self._plain(value, param, ctx)
        if result is _UNHANDLED:
            if self._typer is None:
                self._typer = self._build(self._descriptor)
            return self._typer.coerce(value, param=param, ctx=ctx)
        return result

    def _plain(self, value: Any, param: Any, ctx: Any) -> Any:
        kind = self._kind
        if kind == "str" and type(value) is str:
            return value
        if kind == "bool" and isinstance(value, bool):
            return value
        if (
            kind == "list[str]"
            and isinstance(value, list | tuple)
            and all(type(v) is str for v in value)
        ):
            return list(value)
        if kind == "enum" and type(value) is str:
            info = self._descriptor.parameter_info
            try:
                return self._coerce_choice(
                    value,
                    choices=tuple(self._descriptor.annotation),
                    case_sensitive=info.case_sensitive,
                    ctx=ctx,
                )
            except ValueError:  # Typer's own coercion words the error
                return _UNHANDLED
        if kind == "path" and type(value) is str:
            annotation = self._descriptor.annotation
            # Typer turns text into the path type through pydantic, which calls the type
            return self._coerce_path(
                annotation(value),
                self._descriptor.parameter_info,
                path_type=annotation,
                param=param,
                ctx=ctx,
            )
        return _UNHANDLED
