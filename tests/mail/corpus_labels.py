"""Hand-labelled corpus messages: which lines of the whole text (``ParsedMessage.full_text``, as Tuki's parser
reads it today) are the sender's new text, and which are quoted history. Labels are line numbers only, so that
nothing of the third-party corpus is copied here; read by tests/mail/test_corpus.py and bench/mail_parsing.py.

Lines outside both ranges (signatures, disclaimers, separators) may go either way. A message without history
is labelled too: its new text must survive.
"""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    new: tuple[int, int | None]  # lines [start, stop) that must be kept
    history: tuple[int, int | None] | None = None  # lines [start, stop) that must be removed


REPLIES = {
    "mail003.box": Label(new=(0, 7), history=(31, None)),  # Outlook's German header block under a signature
    "mail005.box": Label(new=(30, None), history=(0, 30)),  # written under the quoted mail
    "mail007.box": Label(new=(0, 5), history=(6, None)),  # Lotus Notes' header block (HTML only)
    "mail012.box": Label(new=(0, 16), history=(35, None)),  # "-----Ursprüngliche Nachricht-----"
    "mail057.box": Label(new=(0, None)),  # a forward: all of it is content
    "mail014.box": Label(new=(0, 3)),  # a signature under "--" only
    "mail048.box": Label(new=(0, 3)),
    "mail050.box": Label(new=(0, 3)),
    "mail073.box": Label(new=(0, 3)),
    "mail078-content_transfer_encoding_x_uuencode.box": Label(new=(0, 1)),
    "mail001.box": Label(new=(0, 13)),
    "mail013.box": Label(new=(0, None)),
    "mail029.box": Label(new=(0, 12)),
    "mail056.box": Label(new=(0, None)),
    "mail066.box": Label(new=(0, 14)),
    "mail075.box": Label(new=(0, None)),
    "mail085.box": Label(new=(0, 3)),
    "mail110.box": Label(new=(0, None)),
    "mail111.box": Label(new=(0, None)),
    "mail112.box": Label(new=(0, None)),
}

MIN_HISTORY_LINE = 8  # shorter quoted lines ("Hallo,", "--") may well stand in the new text too


def line_checks(full_text: str, label: Label) -> tuple[list[str], list[str]]:
    """The lines (stripped) that the new text must hold, and those it must not."""
    lines = [line.strip() for line in full_text.split("\n")]
    kept = [line for line in lines[slice(*label.new)] if line]
    if label.history is None:
        return kept, []
    outside = set(lines[: label.history[0]]) | (set(lines[label.history[1] :]) if label.history[1] else set())
    removed = [
        line
        for line in lines[slice(*label.history)]
        if len(line) >= MIN_HISTORY_LINE and line not in outside and line not in kept
    ]
    return kept, removed
