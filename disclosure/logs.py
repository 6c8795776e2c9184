"""Application logging that cannot be forged: CR and LF in any message are escaped (QUALITY.md check 13).

Nothing personal goes to this log: services write who-did-what to the audit trail, and the log carries
only references (error ids, route names) and operational facts.
"""

from __future__ import annotations

import logging


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        head, sep, trace = text.partition("\nTraceback")
        head = head.replace("\r", "\\r").replace("\n", "\\n")
        return head + (sep + trace if sep else "")


def configure(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("disclosure")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
