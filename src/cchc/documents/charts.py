"""Bar charts as PNG for the documents, drawn with matplotlib in the documents' serif face;
None when matplotlib is not installed."""

import io

from cchc.lib.numbers import format_rate

# Faces with Times New Roman's metrics, in order; the text of the documents is set in one.
SERIF_FACES = ("Times New Roman", "Liberation Serif", "Tinos")
# Letters that Liberation Serif 1.x lacks and 2.x has: a face must draw them to be used.
VIETNAMESE_SAMPLE = "ạặậẹệịọộợụựỵĐđ"


def chart_font():
    """The document's serif face for the charts, as a matplotlib FontProperties, or None
    (matplotlib's default serif) when no face that draws every Vietnamese letter is
    installed. Debian's fonts-liberation2 provides one; the older fonts-liberation lacks ạ,
    ệ, ự…. matplotlib's font cache may predate the font's installation, so the system's font
    directories are read too."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    paths = [f.fname for f in font_manager.fontManager.ttflist if f.name in SERIF_FACES]
    paths += font_manager.findSystemFonts(fontext="ttf")
    found = []
    for path in sorted(set(paths)):
        try:
            face = FT2Font(path)
        except (OSError, RuntimeError):
            continue
        if face.family_name not in SERIF_FACES or face.style_name != "Regular":
            continue
        charmap = face.get_charmap()
        if all(ord(ch) in charmap for ch in VIETNAMESE_SAMPLE):
            found.append((SERIF_FACES.index(face.family_name), path))
    if not found:
        return None
    return font_manager.FontProperties(fname=min(found)[1])


def chart_png(rows: list[list]) -> bytes | None:
    """A horizontal bar chart of mean progress (0–100 %), one bar per row, as PNG bytes, in
    the document's serif face; long labels are wrapped (and shortened past three lines) and
    the picture is cropped to what is drawn, so that no label is cut off."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure
    except ImportError:
        return None
    font = chart_font()

    def face(size: float) -> dict:
        if font is None:
            return {"fontsize": size, "family": "serif"}
        props = font.copy()
        props.set_size(size)
        return {"fontproperties": props}

    labels = [_wrap(str(label), 34) for label, _value in rows]
    values = [float(value or 0) for _label, value in rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    height = max(2.2, 0.22 * lines + 0.2 * len(rows) + 0.9)
    fig = Figure(figsize=(9.0, height), dpi=150)
    ax = fig.add_subplot()
    positions = list(range(len(rows)))
    bars = ax.barh(positions, values, color="#2f5597")
    ax.set_yticks(positions, labels, **face(10))
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xlabel("Tiến độ bình quân (%)", **face(10))
    for tick in ax.get_xticklabels():
        tick.update(face(9))
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            bar.get_width() + 1,
            bar.get_y() + bar.get_height() / 2,
            format_rate(value),
            va="center",
            **face(9),
        )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.1)
    return out.getvalue()


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    """Lines of at most `width` characters, at most `max_lines` of them; a label longer
    than that ends with “…” rather than losing its end silently."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip(" ,;") + "…"
    return "\n".join(lines)
