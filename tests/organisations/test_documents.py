"""Documents render in the font shipped with the code, whatever fonts the machine has."""

import re
import subprocess
from pathlib import Path

from organisations.charts import FONT
from organisations.documents import FONT_FAMILY, FONTS_DIR, write_pdf

ROOT = Path(__file__).resolve().parents[2]


def fonts_in(data: bytes, tmp_path) -> set[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    # Skip the two header lines; the first column is the embedded (subset) name, e.g. ABCDEF+Document-Sans.
    return {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line.strip()}


def test_a_document_and_its_charts_are_set_in_the_shipped_font(tmp_path):
    html = (
        "<html lang='en'><head><title>t</title>"
        "<style>@page { @bottom-center { content: 'Page ' counter(page) } }</style></head>"
        "<body><h1>Heading</h1><p>Plain <b>bold</b> text</p>"
        f"<svg width='200' height='40' font-family=\"{FONT}\"><text x='0' y='20'>Chart label</text></svg>"
        "</body></html>"
    )
    assert fonts_in(write_pdf(html), tmp_path) == {"Document-Sans", "Document-Sans-Bold"}


def test_pdf_templates_name_only_the_shipped_font():
    templates = [p for p in ROOT.glob("**/templates/**/*_pdf.html") if ".venv" not in p.parts]
    assert len(templates) >= 3
    for template in templates:
        text = template.read_text()
        families = re.findall(r"font-family:\s*([^;]+);", text)
        families += [re.sub(r"^[\d.]+(pt|px|mm|em)\s*", "", f) for f in re.findall(r"font:\s*([^;]+);", text)]
        assert families, template
        assert all(f.strip() == f'"{FONT_FAMILY}"' for f in families), (template, families)


def test_the_font_files_and_their_licence_are_shipped():
    names = {p.name for p in FONTS_DIR.iterdir()}
    assert {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"} <= names
