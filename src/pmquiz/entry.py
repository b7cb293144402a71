"""The entry point, kept free of imports: a Ctrl-C from the first moment (while typer, rich
and the commands are still being imported) exits with 130 and no traceback."""

_interrupted = False  # a Ctrl-C came (set by the handler)


def _interrupt(*_: object) -> None:
    global _interrupted  # noqa: PLW0603 (one flag for the one process)
    _interrupted = True
    raise KeyboardInterrupt


def main() -> None:
    """Console-script entry point. A Ctrl-C at any moment, start-up included, exits with 130,
    never by the signal itself and never with a traceback."""
    # The built-in module, not `signal`: importing that one (enum, functools, collections)
    # took 10 ms in which a Ctrl-C was still Python's own, with a traceback.
    import _signal  # type: ignore[import-not-found]
    import sys

    # Our own handler, equal to Python's default in effect: asyncio (under prompt_toolkit)
    # takes over SIGINT only while the default one is installed, and then turns a Ctrl-C that
    # lands while a prompt starts up into a cancelled task that the prompt swallows.
    _signal.signal(_signal.SIGINT, _interrupt)
    sys.unraisablehook = _unraisable
    code: int | str | None = 0
    try:
        try:
            from pmquiz.cli import app
        except Exception:
            # an interrupt inside an import can leave a half-imported module that then
            # fails in its own way (rich raised RuntimeError): a Ctrl-C came, so that is it
            if _interrupted:
                raise KeyboardInterrupt from None
            raise
        app()
    except KeyboardInterrupt:
        code = 130
    except SystemExit as exc:
        code = exc.code
    except Exception:
        # the same inside a command's own lazy import (a dataclass half made raised
        # "Error calling __set_name__"): after a Ctrl-C, that is the Ctrl-C
        if not _interrupted:
            raise
        code = 130
    if _interrupted and code == 0:  # a Ctrl-C swallowed on its way (see `_unraisable`)
        code = 130
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # the work is done: finish with it
    sys.exit(code)


def _unraisable(unraisable: object) -> None:
    """A Ctrl-C that lands in a callback Python cannot raise from (an import lock's) is
    not printed as "Exception ignored": the exit code says it came."""
    import sys

    if isinstance(getattr(unraisable, "exc_value", None), KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)  # type: ignore[arg-type]

