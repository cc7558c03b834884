"""Text from PDF bytes (poppler's pdftotext), with runs of whitespace made single spaces."""

import re
import subprocess


def pdf_text(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", " ", result.stdout.decode("utf-8"))
