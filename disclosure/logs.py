"""Application logging that cannot be forged (QUALITY.md check 13): every record is one line, with CR, LF and
every other control or line-separator character in it escaped; a traceback follows on lines that each start
with `  | `, so nothing a user typed can begin a line that looks like a record of its own.

Nothing personal goes to this log: services write who-did-what to the audit trail, and the log carries
only references (error ids, route names) and operational facts.
"""

from __future__ import annotations

import logging

CONTINUATION = "  | "

# C0 controls, DEL, C1 controls and the Unicode line and paragraph separators: all start a new line in some
# terminal, log viewer or `str.splitlines`.
_ESCAPES = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
_ESCAPES |= {ord("\r"): "\\r", ord("\n"): "\\n", ord("\t"): "\\t", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def escape(text: str) -> str:
    """One line, whatever the text held."""
    return text.translate(_ESCAPES)


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        line = escape(self.formatMessage(record))
        blocks = []
        if record.exc_info:
            blocks.append(self.formatException(record.exc_info))
        elif record.exc_text:
            blocks.append(record.exc_text)
        if record.stack_info:
            blocks.append(self.formatStack(record.stack_info))
        for block in blocks:
            line += "".join(f"\n{CONTINUATION}{escape(part)}" for part in block.split("\n"))
        return line


def configure(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("disclosure")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
