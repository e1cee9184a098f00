"""What every hrtool PDF shares, so all of them look alike: the fonts, the palette, the
paragraph and table styles, the A4 page with the document's metadata, and the page footer with
"Page n of m". Each builder says only how its own text differs (sizes, spacing).

Every PDF embeds DejaVu Sans, shipped in `hrtool/reports/fonts/` (with its licence), so a name
such as "Siân O'Connor-Łukasz" prints as written on any machine and every machine writes the same
bytes. There is no fallback: ReportLab's built-in Helvetica covers Latin-1 only and prints "Ł" as
a black box, which a statutory document must never do, so a missing font file stops the build.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

INK = colors.HexColor("#0b0c0c")
SECONDARY = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")
SHADE = colors.HexColor("#f3f2f1")

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
LANGUAGE = "en-GB"


class FontMissing(RuntimeError):
    """The embedded fonts are not where the package keeps them: the installation is broken."""


def fonts() -> tuple[str, str]:
    """The regular and bold font names, registered with ReportLab on first use."""
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        files = {name: FONT_DIR / f"{name}.ttf" for name in (REGULAR, BOLD)}
        missing = [str(path) for path in files.values() if not path.is_file()]
        if missing:
            what = f"font file {missing[0]} is" if len(missing) == 1 else f"font files {' and '.join(missing)} are"
            raise FontMissing(f"Cannot write a PDF: the {what} missing. They are part of hrtool: reinstall the "
                              "package (pip install .) or restore hrtool/reports/fonts/ from the repository.")
        # Bold first: the regular name is the "already registered" mark, so it goes last.
        pdfmetrics.registerFont(TTFont(BOLD, str(files[BOLD])))
        pdfmetrics.registerFont(TTFont(REGULAR, str(files[REGULAR])))
        # No italic face is shipped: <i> in a paragraph prints upright rather than in another font.
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    return REGULAR, BOLD


class Grid(Table):
    """A Platypus table whose cells start in the embedded font. ReportLab's cells default to
    Helvetica, which it then names among the page's fonts even where every cell holds a
    paragraph in DejaVu Sans."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.setStyle([("FONT", (0, 0), (-1, -1), fonts()[0])])


def paragraph_styles(prefix: str, body: Mapping[str, Any], cells: tuple[float, float],
                     variants: Mapping[str, Mapping[str, Any]]) -> dict[str, ParagraphStyle]:
    """A document's paragraph styles by key. "body": DejaVu Sans in ink (bullets too), from
    ReportLab's BodyText (6 points before), with `body`'s settings (fontSize and leading at
    least). Table cells at `cells` (size, leading), nothing after them: "cell", "cell-right"
    (figures), "cell-head" and "cell-head-right" (bold). Then each of `variants`: the body with
    the settings given, `bold=True` meaning the bold face."""
    regular, bold = fonts()
    text = ParagraphStyle(f"{prefix}-body", parent=getSampleStyleSheet()["BodyText"], fontName=regular,
                          bulletFontName=regular, textColor=INK, **body)
    size, leading = cells
    styles = {"body": text}
    for key, face, alignment in (("cell", regular, 0), ("cell-right", regular, TA_RIGHT),
                                 ("cell-head", bold, 0), ("cell-head-right", bold, TA_RIGHT)):
        styles[key] = ParagraphStyle(f"{prefix}-{key}", parent=text, fontName=face, fontSize=size, leading=leading,
                                     spaceAfter=0, alignment=alignment)
    for key, settings in variants.items():
        own = {name: value for name, value in settings.items() if name != "bold"}
        if settings.get("bold"):
            own["fontName"] = bold
        styles[key] = ParagraphStyle(f"{prefix}-{key}", parent=text, **own)
    return styles


def text_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: markup characters escaped, line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def ruled(header: bool, *, rule: float = 0.25, pad: tuple[float, float] = (3, 3), left: float | None = None,
          right: float | None = None) -> list[Any]:
    """Table style commands for a grid of text: a `rule`-point line below every row (under a
    header row, a 1-point ink one instead), text at the top of each cell with `pad` points above
    and below it, and the left and right padding where given (ReportLab's is 6)."""
    commands: list[Any] = [("LINEBELOW", (0, 0), (-1, 0), 1, INK)] if header else []
    commands += [("LINEBELOW", (0, 1 if header else 0), (-1, -1), rule, RULE),
                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("TOPPADDING", (0, 0), (-1, -1), pad[0]),
                 ("BOTTOMPADDING", (0, 0), (-1, -1), pad[1])]
    if left is not None:
        commands.append(("LEFTPADDING", (0, 0), (-1, -1), left))
    if right is not None:
        commands.append(("RIGHTPADDING", (0, 0), (-1, -1), right))
    return commands


def a4_document(buffer: IO[bytes], margin: float, info: dict[str, Any], *, top: float | None = None,
                bottom: float | None = None, template: type[SimpleDocTemplate] = SimpleDocTemplate) -> SimpleDocTemplate:
    """An A4 Platypus document writing to `buffer`: `margin` at each side, and at the top and
    bottom unless given; `info` from `document_info`."""
    return template(buffer, pagesize=A4, leftMargin=margin, rightMargin=margin,
                    topMargin=margin if top is None else top, bottomMargin=margin if bottom is None else bottom,
                    **info)


def document_info(title: str, author: str, subject: str, keywords: list[str] | None = None) -> dict[str, Any]:
    """Keyword arguments for a Platypus document template: the metadata every hrtool PDF carries
    (title shown in the viewer's title bar, language en-GB) and ReportLab's `invariant` mode, so
    the same document always renders to the same bytes (no clock, no random document id). The
    creation date is set by the canvas: see `numbered_canvas`. The canvas starts in DejaVu Sans
    too, or ReportLab would list Helvetica among every page's fonts."""
    return dict(title=title, author=author, subject=subject, keywords=keywords or [], creator="hrtool",
                producer="hrtool (ReportLab)", lang=LANGUAGE, displayDocTitle=True, invariant=1,
                initialFontName=fonts()[0])


def pdf_date(day: date) -> Callable[..., str]:
    """A date formatter for ReportLab's info dictionary writing the document's own date.

    In invariant mode ReportLab stamps every document 1 January 2000; the formatter it accepts
    is handed that clock time, which is ignored here. A date alone ("D:20261030") is a valid PDF
    date (ISO 32000-1, 7.9.4) and claims no time of day the document does not have."""
    stamp = f"D:{day:%Y%m%d}"
    return lambda *_clock: stamp


def numbered_canvas(margin: float, footer: str = "", *, dated: date, size: float = 8,
                    colour: Any = SECONDARY, rule: bool = True) -> type[Canvas]:
    """A canvas class for `doc.build(story, canvasmaker=...)` that holds its pages until the end,
    so each can say "Page n of m": at the foot, an optional rule, `footer` on the left and the
    page number on the right. `dated` is the document's date (a letter's issue date, the day a
    statement or pack was produced), written as its creation and modification date."""
    font = fonts()[0]

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.setDateFormatter(pdf_date(dated))
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # ReportLab's name: the canvas calls it at each page end
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self.saveState()
                self.setFont(font, size)
                self.setFillColor(colour)
                if rule:
                    self.setStrokeColor(RULE)
                    self.line(margin, 14 * mm, A4[0] - margin, 14 * mm)
                if footer:
                    self.drawString(margin, 10 * mm, footer)
                self.drawRightString(A4[0] - margin, 10 * mm, f"Page {self._pageNumber} of {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas
