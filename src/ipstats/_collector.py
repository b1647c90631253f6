"""The cyclic garbage collector paused while objects are made that it need never walk."""

import gc


class paused:  # lower case: used as a function is, `with paused():`
    """The collector off for the block, and on again after it if it was on before.

    With ``freeze``, everything alive at the end of the block is set aside for good
    (``gc.freeze``): for objects that live as long as the process (the imported modules, a
    command's dataset), which no later collection, nor the one at exit, walks again. Without,
    for work that makes many objects and no cycles, such as parsing a large file, which the
    collector would scan again and again as they pile up (that doubled the time of one).

    A class rather than ``contextlib.contextmanager``: the console script enters one before it
    imports anything else.
    """

    __slots__ = ("_freeze", "_was_enabled")

    def __init__(self, freeze: bool = False) -> None:
        self._freeze = freeze
        self._was_enabled = False

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self._freeze:
            gc.freeze()
        if self._was_enabled:
            gc.enable()
