"""What every hrtool PDF shares: the page footer with "Page n of m"."""
from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

SECONDARY = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")


def numbered_canvas(margin: float, footer: str = "", *, font: str = "Helvetica", size: float = 8,
                    colour: Any = SECONDARY, rule: bool = True) -> type[Canvas]:
    """A canvas class for `doc.build(story, canvasmaker=...)` that holds its pages until the end,
    so each can say "Page n of m": at the foot, an optional rule, `footer` on the left and the
    page number on the right."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
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
