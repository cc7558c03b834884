"""Every PDF the product makes is rendered here, in one font shipped with the code.

Why ship a font: WeasyPrint takes whatever the machine's fontconfig offers for "Arial" or "sans-serif",
so the same document wrapped its lines differently from one machine to the next. The PDFs name one
family, "Document Sans" (DejaVu Sans, under its own licence in `assets/fonts/`), loaded from these
files, so a document renders the same wherever it is made.
"""

from pathlib import Path

FONT_FAMILY = "Document Sans"
FONTS_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"

FONT_FACES = f"""
@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: normal; font-style: normal;
  src: url("{(FONTS_DIR / "DejaVuSans.ttf").as_uri()}"); }}
@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: bold; font-style: normal;
  src: url("{(FONTS_DIR / "DejaVuSans-Bold.ttf").as_uri()}"); }}
@page {{ font-family: "{FONT_FAMILY}"; }}
html, body, svg, text {{ font-family: "{FONT_FAMILY}"; }}
"""


def write_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) of `html` in the shipped font (page margin boxes, which inherit nothing
    from the body, included). Charts name the font themselves: CSS does not reach inline SVG text."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fonts = CSS(string=FONT_FACES, font_config=font_config)
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[fonts], font_config=font_config, pdf_variant="pdf/ua-1"
    )
