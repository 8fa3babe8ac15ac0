"""An A4 PDF with Chinese text that prints the same on every machine.

The font is Noto Sans CJK SC from the noto-cjk-sans-otc package, embedded as a subset (only the
characters used), so a laptop with no Chinese font, an old PDF reader without its Asian font pack
or a print shop's machine all show the same page. A character the font lacks (a very rare name
character) is printed as □ and reported, so the clerk can write it in by hand; it is never dropped.
docs/printing.md says why this font and not PDF's standard Chinese fonts.

The collection is cut down to the characters a print job uses before fpdf2 sees it: fpdf2 reads
every glyph's metrics of the font it is given, which for the whole 65,535-glyph face costs
seconds on every job.
"""

from __future__ import annotations

import logging
import shutil
import string
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from clerk.store.errors import ServiceError

A4 = (210.0, 297.0)  # mm
MISSING = "□"
_FACE = "Noto Sans CJK SC"
# Always in the subset: what dates, numbers and the layouts' punctuation need.
BASE_CHARS = string.printable.strip() + "：；（）《》，。、·　" + MISSING


class PrintError(ServiceError):
    """A PDF that could not be made; the message says what to do."""


@lru_cache(maxsize=1)
def font_file() -> tuple[str, int]:
    """(path of the font collection, index of its Simplified Chinese face)."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        raise PrintError(
            "找不到打印用的中文字体（noto-cjk-sans-otc）。请重新安装 clerk（pip install clerk）。"
        ) from None
    path = str(noto_cjk_sans_otc.FONT_PATH)
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    try:
        for index, face in enumerate(collection.fonts):
            if face["name"].getDebugName(4) == _FACE:
                return path, index
    finally:
        collection.close()
    raise PrintError(f"字体文件中没有“{_FACE}”。请重新安装 clerk。")


def subset_font(chars: Iterable[str], folder: Path) -> tuple[Path, set[int]]:
    """The face cut down to chars (those it has), saved in folder; and every code point the face has."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path, index = font_file()
    font = TTFont(path, fontNumber=index, lazy=True, recalcBBoxes=False)
    try:
        covered = set(font.getBestCmap())
        options = subset.Options()
        options.layout_features = []
        options.notdef_outline = True
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "JSTF", "MATH"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes={ord(ch) for ch in {*BASE_CHARS, *chars}} & covered)
        subsetter.subset(font)
        target = folder / "cjk.otf"
        font.save(str(target))
    finally:
        font.close()
    return target, covered


@dataclass
class Missing:
    """Characters the font lacks, and the members whose record holds them."""

    chars: set[str] = field(default_factory=set)
    where: set[str] = field(default_factory=set)


class Sheet:
    """fpdf2 in millimetres on A4, with the embedded font and text that fits its box."""

    def __init__(self, title: str, chars: Iterable[str]):
        """chars: every character the job will print (the layout's own text and the records')."""
        from fpdf import FPDF

        # fpdf2 logs each glyph it lacks (a member's name); clerk checks and reports them itself.
        logging.getLogger("fpdf").setLevel(logging.ERROR)
        self._folder = Path(tempfile.mkdtemp(prefix="clerk-print-"))  # 0700, removed by close()
        try:
            font, _ = subset_font(chars, self._folder)
            pdf = FPDF(orientation="P", unit="mm", format="A4")
            pdf.set_auto_page_break(False)
            pdf.set_margins(0, 0, 0)
            pdf.set_title(title)
            pdf.set_creator("clerk")
            pdf.add_font("cjk", fname=font)
            pdf.set_font("cjk", size=10)
        except BaseException:
            self.close()
            raise
        self.pdf = pdf
        self.missing = Missing()
        # What the subset holds: a character outside it (the face lacks it, or a layout forgot to
        # declare its text) prints as □ and is reported, never as nothing.
        self._cmap = pdf.fonts["cjk"].cmap
        self.who = ""  # the member being drawn, named in the missing-character report

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)

    def page(self) -> None:
        self.pdf.add_page()
        self.pdf.set_font("cjk", size=10)

    @property
    def pages(self) -> int:
        return self.pdf.page_no()

    def clean(self, text: object) -> str:
        out = []
        for ch in "" if text is None else str(text):
            if ch in "\r\n\t":
                ch = " "
            if ord(ch) not in self._cmap:
                self.missing.chars.add(ch)
                if self.who:
                    self.missing.where.add(self.who)
                ch = MISSING
            out.append(ch)
        return "".join(out)

    def width(self, text: str, size: float) -> float:
        self.pdf.set_font_size(size)
        return self.pdf.get_string_width(text)

    def text(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: object,
        *,
        size: float = 10.5,
        align: str = "L",
        min_size: float = 6.0,
        bold: bool = False,
    ) -> None:
        """One line of text in the box (x, y, w, h), shrunk until it fits, vertically centred."""
        value = self.clean(text)
        pad = 1.2 if align != "C" else 0.3
        while size > min_size and self.width(value, size) > w - 2 * pad:
            size -= 0.5
        self.pdf.set_font_size(size)
        self.pdf.set_xy(x + (pad if align == "L" else 0), y)
        if not bold:
            self.pdf.cell(w - (pad if align == "L" else 0), h, value, align=align)
            return
        # The package has one weight: a title is filled and stroked to stand out.
        with self.pdf.local_context(text_mode="FILL_STROKE", line_width=0.25):
            self.pdf.cell(w - (pad if align == "L" else 0), h, value, align=align)

    def two_lines(self, x: float, y: float, w: float, h: float, text: object, *, size: float, min_size: float) -> None:
        """Text in the box on one line, or split over two lines when one would need a smaller size."""
        value = self.clean(text)
        if self.width(value, size) <= w - 2.4 or len(value) < 2:
            self.text(x, y, w, h, value, size=size, min_size=min_size)
            return
        half = (len(value) + 1) // 2
        self.text(x, y, w, h / 2, value[:half], size=size, min_size=min_size)
        self.text(x, y + h / 2, w, h / 2, value[half:], size=size, min_size=min_size)

    def lines(self, x: float, y: float, w: float, text: object, *, size: float = 10.5, leading: float = 1.6) -> float:
        """Wrapped text from (x, y) in a column w wide; returns the y below it."""
        self.pdf.set_font_size(size)
        self.pdf.set_xy(x, y)
        self.pdf.multi_cell(
            w, size * 0.3528 * leading, self.clean(text), align="L", wrapmode="CHAR", new_x="LEFT", new_y="NEXT"
        )
        return self.pdf.get_y()

    def box(self, x: float, y: float, w: float, h: float, *, width: float = 0.3) -> None:
        self.pdf.set_line_width(width)
        self.pdf.rect(x, y, w, h)

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.3) -> None:
        self.pdf.set_line_width(width)
        self.pdf.line(x1, y1, x2, y2)

    def save(self, path: Path) -> None:
        self.pdf.output(str(path))
