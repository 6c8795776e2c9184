"""Benchmark: how fast letters render, beside LibreOffice's DOCX-to-PDF conversion of the same letter.

Renders the disclosure record (a two-page letter) from the synthetic sample data: the median and 95th
percentile of single PDF and Word renders, the throughput of a batch of 100 letters (PDF and Word each), and,
where LibreOffice is installed (`scripts/system-packages bench`), its conversion of the same Word file to PDF
measured in the same run: the common route in other systems. Aims (issue 6): a PDF under 0.3 s and a Word
file under 0.05 s on a 2-core machine. It prints the measurements and asserts nothing.

    python bench/letters.py [--runs 30] [--batch 100]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from disclosure.documents import letter_html, render_docx, render_pdf
from disclosure.letters.render import compose
from disclosure.letters.samples import sample_draft
from disclosure.letters.vocabulary import LetterKind

PDF_AIM, DOCX_AIM = 0.3, 0.05


def _times(action: Callable[[], object], runs: int) -> list[float]:
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        found.append(time.perf_counter() - start)
    return found


def _line(label: str, seconds: list[float], aim: float | None = None) -> str:
    median = statistics.median(seconds)
    p95 = sorted(seconds)[max(0, int(len(seconds) * 0.95) - 1)]
    verdict = "" if aim is None else ("  within the aim" if median < aim else f"  OVER the {aim} s aim")
    return f"{label:<34} median {median * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms{verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    head, blocks = compose(sample_draft(LetterKind.DISCLOSURE_RECORD))
    render_pdf(letter_html(head, blocks))  # the one-off imports and font loading, not counted
    render_docx(head, blocks)

    print(f"Letters: disclosure record from sample data, {args.runs} runs each")
    pdf_times = _times(lambda: render_pdf(letter_html(head, blocks)), args.runs)
    docx_times = _times(lambda: render_docx(head, blocks), args.runs)
    print(_line("PDF (WeasyPrint)", pdf_times, PDF_AIM))
    print(_line("Word (python-docx)", docx_times, DOCX_AIM))

    start = time.perf_counter()
    for _ in range(args.batch):
        render_pdf(letter_html(head, blocks))
        render_docx(head, blocks)
    batch = time.perf_counter() - start
    print(
        f"{'Batch of ' + str(args.batch) + ' letters (PDF + Word)':<34} {batch:8.1f} s   {args.batch / batch:6.1f} letters/s"
    )

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print(
            "LibreOffice DOCX -> PDF             not installed: run `scripts/system-packages bench` to compare"
        )
        return
    with tempfile.TemporaryDirectory() as folder:
        docx = Path(folder) / "letter.docx"
        docx.write_bytes(render_docx(head, blocks))
        command = [office, "--headless", "--convert-to", "pdf", "--outdir", folder, str(docx)]
        subprocess.run(command, check=True, capture_output=True)  # first start builds its profile
        office_times = _times(
            lambda: subprocess.run(command, check=True, capture_output=True), min(args.runs, 10)
        )
    print(_line("LibreOffice DOCX -> PDF", office_times))
    speedup = statistics.median(office_times) / statistics.median(pdf_times)
    print(f"WeasyPrint is {speedup:.0f} times faster than converting with LibreOffice")


if __name__ == "__main__":
    main()
