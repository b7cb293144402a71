"""Single-key prompts in a terminal (prompt_toolkit, which questionary already brings)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def read_key(message: str, keys: dict[str, T]) -> T:
    """Wait for one of `keys` and return its value. Ctrl-C raises KeyboardInterrupt, Ctrl-D EOF."""
    from prompt_toolkit.application import Application
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.key_binding.key_processor import KeyPressEvent
    from prompt_toolkit.layout import Layout
    from prompt_toolkit.layout.containers import Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    bindings = KeyBindings()
    for key, value in keys.items():
        def choose(event: KeyPressEvent, value: T = value) -> None:
            event.app.exit(result=value)

        bindings.add(key)(choose)

    def interrupt(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt())

    def end(event: KeyPressEvent) -> None:
        event.app.exit(exception=EOFError())

    bindings.add("c-c")(interrupt)
    bindings.add("c-d")(end)
    control = FormattedTextControl(message, show_cursor=True)
    # wrapped, never cut: a rating line is longer than a 60-column terminal
    window = Window(control, wrap_lines=True, dont_extend_height=True)
    app: Application[T] = Application(layout=Layout(window),
                                      key_bindings=bindings, full_screen=False)
    return app.run()
