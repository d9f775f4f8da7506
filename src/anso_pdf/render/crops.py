"""`preview --crops`: each photo of the layout in full, with the frames its placements crop out of it (issue #15)."""

from __future__ import annotations

from typing import Any

from anso_pdf.layout.document import LaidOutIssue

TILE = 320  # pixels: the longer side of each photo in the picture
FRAME = (230, 0, 90)  # the part printed
FOCUS = (255, 200, 0)  # the focus: key, a cross


def crop_sheet(laid_out: LaidOutIssue) -> Any:
    """One picture: every photo the pages draw, shrunk to TILE pixels, with its crop frames (magenta) and its focus
    (a yellow cross); the parts outside every frame are dimmed. A photo used twice shows both frames."""
    from PIL import Image, ImageDraw, ImageOps

    from anso_pdf.source.workspace import open_image, open_image_file

    frames: dict[Any, list[Any]] = {}
    for use in laid_out.photo_uses():
        if not use.image.missing:
            frames.setdefault(use.image, [])
            if use.crop not in frames[use.image]:
                frames[use.image].append(use.crop)
    tiles = []
    for image, crops in frames.items():
        with open_image(open_image_file(image.path)) as im:
            im.draft("RGB", (TILE, TILE))
            photo = ImageOps.exif_transpose(im).convert("RGB")
        photo.thumbnail((TILE, TILE))
        w, h = photo.size
        shade = Image.new("L", photo.size, 110)
        draw_shade = ImageDraw.Draw(shade)
        boxes = [(c.left * w, (1 - c.top) * h, c.right * w - 1, (1 - c.bottom) * h - 1) for c in crops]
        for box in boxes:
            draw_shade.rectangle(box, fill=255)
        tile = Image.composite(photo, Image.new("RGB", photo.size, (0, 0, 0)), shade)
        draw = ImageDraw.Draw(tile)
        for box in boxes:
            draw.rectangle(box, outline=FRAME, width=2)
        if image.focus is not None:
            x, y = image.focus[0] * (w - 1), image.focus[1] * (h - 1)
            draw.line((x - 6, y, x + 6, y), fill=FOCUS, width=2)
            draw.line((x, y - 6, x, y + 6), fill=FOCUS, width=2)
        tiles.append(tile)
    margin = 12
    if not tiles:
        return Image.new("RGB", (TILE, TILE // 4), (204, 204, 204))
    per_row = 4
    rows = [tiles[i : i + per_row] for i in range(0, len(tiles), per_row)]
    width = max(sum(t.width for t in row) for row in rows) + margin * (per_row + 1)
    height = sum(max(t.height for t in row) for row in rows) + margin * (len(rows) + 1)
    sheet = Image.new("RGB", (width, height), (204, 204, 204))
    y = margin
    for row in rows:
        x = margin
        for t in row:
            sheet.paste(t, (x, y))
            x += t.width + margin
        y += max(t.height for t in row) + margin
    return sheet
