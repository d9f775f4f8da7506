"""A TrueType face read for ReportLab with whole-table reads: the TTFontFace that ReportLab's parser makes, faster."""

from __future__ import annotations

from fnmatch import fnmatch
from operator import itemgetter
from struct import unpack_from
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFError, TTFont, TTFontFace, TTFontParser
from reportlab.rl_config import unShapedFontGlob

# ReportLab's TTFontFile.extractInfo reads the character map, the advance widths and the glyph locations one
# number at a time (about 5 ms a Noto face, 55 ms for the CJK fallback). Here ReportLab reads the small tables
# itself (extractInfo with charInfo=0: names, head, OS/2, post, hhea, maxp) and the three large ones are read
# whole with struct, building the same attributes in the same order: charToGlyph, glyphToChar, charWidths,
# defaultWidth, hmetrics, glyphPos. Subsetting (TTFontFile.makeSubset) reads only these and the file's bytes, so
# the embedded subsets are the same bytes. tests/test_caches.py compares every attribute of every shipped face
# with ReportLab's own parse, and a character map of a format not read here is left to ReportLab.

_FAST_FORMATS = (4, 12)


def read_font(name: str, path: str) -> TTFont:
    """What TTFont(name, path) makes, with the face read by read_face."""
    font = TTFont.__new__(TTFont)
    # TTFont.__init__ less its TTFontFace(...) (tests/test_caches.py checks it sets these and nothing else)
    font.fontName = name
    font.face = read_face(path)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in unShapedFontGlob)
    return font


def read_face(path: str) -> TTFontFace:
    """What TTFontFace(path) makes (validate=0, the first face of the file)."""
    face = TTFontFace.__new__(TTFontFace)
    pdfmetrics.TypeFace.__init__(face, None)
    TTFontParser.__init__(face, path, validate=0, subfontIndex=0)
    face.extractInfo(0)  # ReportLab reads the small tables, and stops before the character map
    if not _char_info(face):
        face.extractInfo(1)  # a character map of another format: ReportLab's own reading, all of it
    return face


def _char_info(face: TTFontFace) -> bool:
    """extractInfo's charInfo part, read in bulk; False (nothing set) for a character map of another format."""
    data: bytes = face._ttf_data
    head, hhea = face.table["head"]["offset"], face.table["hhea"]["offset"]
    index_to_loc, glyph_data_format = unpack_from(">HH", data, head + 50)
    (n_hmetrics,) = unpack_from(">H", data, hhea + 34)
    if glyph_data_format != 0:
        raise TTFError(f"Unknown glyph data format ({glyph_data_format})")
    encoffs, fmt = _cmap_subtable(face, data)
    if fmt not in _FAST_FORMATS:
        return False
    num_glyphs: int = face.numGlyphs
    scale = face._pdfScale
    char_to_glyph = _format4(data, encoffs) if fmt == 4 else _format12(data, encoffs)
    glyph_to_char: dict[int, list[int]] = {}
    for char, glyph in char_to_glyph.items():
        chars = glyph_to_char.get(glyph)
        if chars is None:
            glyph_to_char[glyph] = [char]
        else:
            chars.append(char)

    hmtx = face.table["hmtx"]["offset"]
    pairs = unpack_from(f">{2 * n_hmetrics}H", data, hmtx)
    advances = pairs[0::2]
    hmetrics = list(zip(advances, pairs[1::2], strict=True))
    last = scale(advances[-1])  # the glyphs past the last full metric repeat its advance, scaled (as ReportLab does)
    rest = max(0, num_glyphs - n_hmetrics)
    hmetrics.extend(zip([last] * rest, unpack_from(f">{rest}H", data, hmtx + 4 * n_hmetrics), strict=True))
    # in glyph order, each glyph's characters in code order; glyphs past the last metric take its advance
    widths = [*map(scale, advances), *[last] * rest]
    by_glyph = sorted(char_to_glyph.items(), key=itemgetter(1))  # stable: codes stay in order within a glyph
    char_widths = {char: widths[glyph] for char, glyph in by_glyph if glyph < len(widths)}

    if "loca" not in face.table:
        raise TTFError("missing location table")
    loca = face.table["loca"]["offset"]
    if index_to_loc == 0:
        glyph_pos = [p << 1 for p in unpack_from(f">{num_glyphs + 1}H", data, loca)]
        end = loca + 2 * (num_glyphs + 1)
    elif index_to_loc == 1:
        glyph_pos = list(unpack_from(f">{num_glyphs + 1}L", data, loca))
        end = loca + 4 * (num_glyphs + 1)
    else:
        raise TTFError(f"Unknown location table format ({index_to_loc})")
    if 0x20 in char_to_glyph:
        char_to_glyph[0xA0] = char_to_glyph[0x20]
        char_widths[0xA0] = char_widths[0x20]
    elif 0xA0 in char_to_glyph:
        char_to_glyph[0x20] = char_to_glyph[0xA0]
        char_widths[0x20] = char_widths[0xA0]
    face.__dict__.update(charToGlyph=char_to_glyph, glyphToChar=glyph_to_char, charWidths=char_widths,
                         hmetrics=hmetrics, defaultWidth=scale(advances[0]), glyphPos=glyph_pos, _pos=end)
    return True


def _cmap_subtable(face: TTFontFace, data: bytes) -> tuple[int, int]:
    """The character map ReportLab chooses (the last Unicode one, by its rule) and its format."""
    cmap = face.table["cmap"]["offset"]
    version, count = unpack_from(">HH", data, cmap)
    if count == 0 and version != 0:
        count = version
    encoffs = None
    enc = 0
    for n in range(count):
        platform, encoding, offset = unpack_from(">HHL", data, cmap + 4 + 8 * n)
        if platform == 3 or (platform == 1 and encoding == 1) or (platform == 0 and encoding != 5):
            enc, encoffs = 1, offset
        elif platform == 1 and encoding == 0 and enc != 1:
            enc, encoffs = 2, offset
    if encoffs is None:
        raise TTFError("could not find a suitable cmap encoding")
    return cmap + encoffs, unpack_from(">H", data, cmap + encoffs)[0]


def _format4(data: bytes, encoffs: int) -> dict[int, int]:
    """Segments of 16-bit codes: a delta, or an offset into the glyph index array (ReportLab's reading, whole)."""
    length, _language, seg_x2 = unpack_from(">HHH", data, encoffs + 2)
    limit = encoffs + length
    segs = seg_x2 // 2
    ends = unpack_from(f">{segs}H", data, encoffs + 14)
    starts = unpack_from(f">{segs}H", data, encoffs + 16 + 2 * segs)
    deltas = unpack_from(f">{segs}h", data, encoffs + 16 + 4 * segs)
    ranges_at = encoffs + 16 + 6 * segs
    ranges = unpack_from(f">{segs}H", data, ranges_at)
    char_to_glyph: dict[int, int] = {}
    for n in range(segs):
        start, end, delta, range_offset = starts[n], ends[n], deltas[n], ranges[n]
        codes = range(start, end + 1)
        if range_offset == 0:
            char_to_glyph.update(zip(codes, [(c + delta) & 0xFFFF for c in codes], strict=True))
            continue
        at = ranges_at + 2 * n + range_offset
        inside = max(0, min(len(codes), (limit - at + 1) // 2))  # offsets at or past the subtable's end give 0
        read = unpack_from(f">{inside}H", data, at)
        glyphs = [(g + delta) & 0xFFFF if g else 0 for g in read] + [0] * (len(codes) - inside)
        char_to_glyph.update(zip(codes, glyphs, strict=True))
    return char_to_glyph


def _format12(data: bytes, encoffs: int) -> dict[int, int]:
    """Groups of 32-bit codes, each mapped to consecutive glyphs."""
    (groups,) = unpack_from(">L", data, encoffs + 12)
    char_to_glyph: dict[int, int] = {}
    for start, end, first in (unpack_from(">LLL", data, encoffs + 16 + 12 * n) for n in range(groups)):
        char_to_glyph.update(zip(range(start, end + 1), range(first, first + end - start + 1), strict=True))
    return char_to_glyph
