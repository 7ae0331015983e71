"""Certificate images for the demo's evidence files (matplotlib, Sarabun)."""

import io
from datetime import date

from matplotlib.figure import Figure

from lms.fonts import FONT_FAMILY


def certificate_png(name: str, title: str, day: date) -> bytes:
    """A simple certificate image for the demo's evidence files."""
    fig = Figure(figsize=(6, 4.2), dpi=80)
    fig.patch.set_facecolor("#fbf8ef")
    for y, text, size, weight in (
        (0.82, "ประกาศนียบัตร", 24, "bold"),
        (0.64, "มอบให้ไว้เพื่อแสดงว่า", 12, "normal"),
        (0.52, name, 18, "bold"),
        (0.38, "ผ่านการเรียนรู้หลักสูตร", 12, "normal"),
        (0.27, title[:48], 13, "bold"),
        (0.10, f"{day.day}/{day.month}/{day.year + 543}", 11, "normal"),
    ):
        fig.text(
            0.5, y, text, ha="center", fontsize=size, fontweight=weight, fontfamily=FONT_FAMILY
        )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
