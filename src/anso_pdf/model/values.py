"""Turn the small text values of an issue file (dates, colours, links, languages) into typed values."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlsplit, urlunsplit

MONTH_ABBR = ["", "Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sep.", "Oct.", "Nov.", "Dec."]


@dataclass(frozen=True, slots=True, order=True)
class EventDate:
    """A day (2019-09-04) or a whole month (2019-10)."""

    year: int
    month: int
    day: int | None = None  # None: the whole month

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day or 0)

    def __str__(self) -> str:
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_MONTHS = {name.lower(): number for number in range(1, 13)
           for name in (calendar.month_name[number], calendar.month_abbr[number])}
_MONTHS["sept"] = 9
_MONTH_WORD = r"([A-Za-z]{3,9})\.?"


def parse_event_date(text: str) -> EventDate:
    """Parse `2019-09-04` or `2019-10`; raise ValueError with a message a person can act on: a date written
    another way ("4 Sept 2026", "Sept 4, 2026", "2026-9-4") is answered with the ISO date it means, and one that
    reads two ways (04/09/2026) with both."""
    m = _DATE.fullmatch(text.strip())
    if not m:
        raise ValueError(_other_spelling(text))
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' has no month {month}; months are 01 to 12")
    if m.group(3) is None:
        return EventDate(year, month)
    day = int(m.group(3))
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"'{text}' is not a day of {calendar.month_name[month]} {year}")
    date(year, month, day)
    return EventDate(year, month, day)


def _iso(year: int, month: int, day: int | None) -> str | None:
    """The ISO spelling of a real day (or month), or None."""
    if not (1 <= month <= 12 and 1000 <= year <= 9999):
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _other_spelling(text: str) -> str:
    """The message for a date not written as YYYY-MM-DD: what it means in ISO, when that is certain."""
    t = re.sub(r"\s+", " ", text.strip()).replace(",", "")
    month_of = _MONTHS.get
    candidates: list[str | None] = []
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?", t):  # 2026-9-4, 2026/09/04
        candidates = [_iso(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)]
    elif m := re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)?\.? {_MONTH_WORD} (\d{{4}})", t):  # 4 Sept 2026
        month = month_of(m[2].lower())
        candidates = [_iso(int(m[3]), month, int(m[1]))] if month else []
    elif m := re.fullmatch(rf"{_MONTH_WORD} (\d{{1,2}})(?:st|nd|rd|th)? (\d{{4}})", t):  # Sept 4, 2026
        month = month_of(m[1].lower())
        candidates = [_iso(int(m[3]), month, int(m[2]))] if month else []
    elif m := re.fullmatch(rf"{_MONTH_WORD} (\d{{4}})", t):  # October 2026: a whole month
        month = month_of(m[1].lower())
        candidates = [_iso(int(m[2]), month, None)] if month else []
    elif m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", t):  # 04/09/2026: day first or month first
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        readings = {_iso(year, b, a), _iso(year, a, b)} - {None}
        if len(readings) == 2:
            day_first, month_first = _iso(year, b, a), _iso(year, a, b)
            assert day_first is not None and month_first is not None
            return (f"'{text}' can be read two ways: {_spoken(day_first)} (day first) or {_spoken(month_first)} "
                    f"(month first); write {day_first} or {month_first}")
        candidates = list(readings)
    found = [c for c in candidates if c]
    if len(found) == 1:
        return f"'{text}' is not written as year-month-day; write {found[0]}"
    return f"'{text}' is not a date; write it as year-month-day (2019-09-04), or year-month for a whole month (2019-10)"


def _spoken(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {calendar.month_name[month]} {year}"


def default_label(start: EventDate, end: EventDate | None) -> str:
    """The date badge label the spec asks for: "Sep. 4-6", "Sep. 30-Oct. 2", or "Oct." for a month."""
    first = MONTH_ABBR[start.month]
    if start.day is None:
        return first
    if end is None or end.day is None or end == start:
        return f"{first} {start.day}"
    if (end.year, end.month) == (start.year, start.month):
        return f"{first} {start.day}-{end.day}"
    return f"{first} {start.day}-{MONTH_ABBR[end.month]} {end.day}"


@dataclass(frozen=True, slots=True)
class Colour:
    """A house colour as written: sRGB hex, or CMYK in percent. Kept exactly; profiles convert it."""

    rgb: tuple[float, float, float] | None = None  # 0..1
    cmyk: tuple[float, float, float, float] | None = None  # 0..1

    def __str__(self) -> str:
        if self.cmyk is not None:
            c, m, y, k = (round(v * 100, 2) for v in self.cmyk)
            return f"cmyk({c:g}, {m:g}, {y:g}, {k:g})"
        assert self.rgb is not None
        return "#" + "".join(f"{round(v * 255):02X}" for v in self.rgb)


_HEX = re.compile(r"#([0-9a-fA-F]{6})")
_NUM = r"\s*(\d+(?:\.\d*)?|\.\d+)\s*%?\s*"  # "1.2.3" is not a number: float() would fail with a Python message
_CMYK = re.compile(rf"cmyk\({_NUM},{_NUM},{_NUM},{_NUM}\)", re.I)


def parse_colour(text: str) -> Colour:
    t = text.strip()
    m = _HEX.fullmatch(t)
    if m:
        h = m.group(1)
        return Colour(rgb=tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)))  # type: ignore[arg-type]
    m = _CMYK.fullmatch(t)
    if m:
        parts = [float(g) for g in m.groups()]
        if any(p > 100 for p in parts):
            raise ValueError(f"'{text}': each CMYK value is a percentage from 0 to 100")
        return Colour(cmyk=tuple(p / 100 for p in parts))  # type: ignore[arg-type]
    code = _code_of(t)
    if code is not None:
        raise ValueError(f"'{text}' is not a colour code; write \"{code}\" (the same colour as a code), or your house "
                         "colour's own code")
    raise ValueError(f"'{text}' is not a colour; write \"#1F4E8C\" or \"cmyk(100, 60, 0, 20)\"")


def _code_of(text: str) -> str | None:
    """The "#RRGGBB" of a CSS colour name ("navy"), a short code ("#17C"), a code without '#' or rgb(r, g, b)."""
    from PIL import ImageColor

    t = text.strip().lower()
    bare = t.lstrip("#")
    if re.fullmatch(r"[0-9a-f]{3}", bare) and t.startswith("#") or re.fullmatch(r"[0-9a-f]{6}", bare):
        t = "#" + bare
    elif t not in ImageColor.colormap and not re.fullmatch(r"rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)", t):
        return None
    try:
        rgb = ImageColor.getrgb(t)
    except ValueError:
        return None
    return "#" + "".join(f"{v:02X}" for v in rgb[:3])


LINK_SCHEMES = ("https", "http", "mailto")
_EMAIL = re.compile(r"[^@\s<>()\[\]]+@[^@\s<>()\[\]]+\.[^@\s<>()\[\]]+")
_HEADERS = re.compile(r"[?&,;]|%(?:0[ad]|2c|3b|3f|26)", re.I)  # header fields, line breaks, more recipients


def check_url(url: str) -> str | None:
    """None when `url` may become a link in the PDF, else the reason it may not."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # "Invalid IPv6 URL" for an unclosed '[' and the like
        return f"link '{url}' is not a valid address: {exc}"
    scheme = parts.scheme.lower()
    if not scheme:
        return f"link '{url}' has no scheme; write https://{url}"
    if scheme not in LINK_SCHEMES:
        return f"link '{url}' uses '{scheme}:'; only https, http and mailto links are allowed"
    if scheme in ("http", "https") and not parts.netloc:
        return f"link '{url}' has no host name"
    if scheme == "mailto":
        address = url.strip()[7:]
        extra = _extra_after_address(address)
        if extra is not None:
            return (f"link '{url}' holds more than an e-mail address ('{address[extra:]}' would add mail "
                    f"header fields or recipients); write only the address: mailto:{address[:extra]}")
        if not _EMAIL.fullmatch(address):
            return f"link '{url}' is not an e-mail address"
    try:
        link_uri(url)
    except ValueError as exc:
        return f"link '{url}': {exc}"
    return None


def _extra_after_address(address: str) -> int | None:
    """Where mail header fields or more recipients start after an e-mail address (a mailto link may carry only
    the address: issue #17), or None."""
    extra = _HEADERS.search(address)
    return extra.start() if extra else None


def check_email(address: str) -> str | None:
    written = address.strip()
    if written.lower().startswith("mailto:"):
        return f"'{address}': write only the address, without 'mailto:' (the tool makes the link)"
    extra = _extra_after_address(written)
    if extra is not None:
        return (f"'{address}' holds more than an e-mail address ('{written[extra:]}' would add mail header "
                f"fields or recipients to its link); write only the address: {written[:extra]}")
    if not _EMAIL.fullmatch(written):
        return f"'{address}' is not an e-mail address (name@example.org)"
    try:
        link_uri("mailto:" + written)
    except ValueError as exc:
        return f"'{address}': {exc}"
    return None


_URI_SAFE = "!#$%&'()*+,/:;=?@[]~-._"  # what stays as written; everything else is percent-encoded as UTF-8


def link_uri(url: str) -> str:
    """The address of a link as a PDF's /URI must hold it: 7-bit ASCII, an international host name in IDNA
    ("xn--"), every other character outside ASCII percent-encoded as UTF-8 (RFC 3986, 3987). The text the
    reader sees stays as written. Raises ValueError, saying why, for a host name that has no IDNA form."""
    url = url.strip()
    if url.isascii() and not any(c in url for c in ' "<>\\^`{|}'):
        return url
    parts = urlsplit(url)
    if parts.scheme.lower() == "mailto":
        local, _, domain = parts.path.rpartition("@")
        return f"{parts.scheme}:{quote(local, safe=_URI_SAFE)}@{_idna(domain)}"
    userinfo, at, host, colon, port = _netloc(parts.netloc)
    netloc = f"{quote(userinfo, safe=_URI_SAFE)}{at}{_idna(host)}{colon}{port}"
    return urlunsplit((parts.scheme, netloc, *(quote(p, safe=_URI_SAFE) for p in (parts.path, parts.query, parts.fragment))))


def _netloc(netloc: str) -> tuple[str, str, str, str, str]:
    """An address's user, "@", host, ":" and port, each "" when absent (an IPv6 host in brackets kept whole)."""
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport, "", ""
    if not hostport.startswith("[") and ":" in hostport:
        host, colon, port = hostport.rpartition(":")
    return userinfo, at, host, colon, port


def readable_uri(uri: str) -> str:
    """A link address as a reader would write it, for the words a screen reader speaks (a link's /Contents):
    the inverse of link_uri. Percent-encoded UTF-8 letters outside ASCII are given back as letters (an escape of
    an ASCII character, such as %20, stays as written) and an IDNA ("xn--") host in its own letters."""
    parts = urlsplit(uri)
    if parts.scheme.lower() == "mailto":
        local, at, domain = parts.path.rpartition("@")
        query = f"?{_letters(parts.query)}" if parts.query else ""
        return f"{parts.scheme}:{_letters(local)}{at}{_from_idna(domain)}{query}"
    userinfo, at, host, colon, port = _netloc(parts.netloc)
    netloc = f"{_letters(userinfo)}{at}{_from_idna(host)}{colon}{port}"
    return urlunsplit((parts.scheme, netloc, *(_letters(p) for p in (parts.path, parts.query, parts.fragment))))


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _letters(text: str) -> str:
    """Percent-escapes of UTF-8 letters outside ASCII decoded; ASCII escapes and invalid UTF-8 kept as written."""
    def decode(run: re.Match[str]) -> str:
        try:
            letters = bytes.fromhex(run.group().replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return run.group()
        return "".join(c if ord(c) > 0x7F else f"%{ord(c):02X}" for c in letters)

    return _ESCAPES.sub(decode, text)


def _from_idna(host: str) -> str:
    if "xn--" not in host.lower():
        return host
    import idna  # (only for international host names)

    try:
        return idna.decode(host)
    except idna.IDNAError:
        return host


def _idna(host: str) -> str:
    if host.isascii():
        return host
    import idna  # (only for international host names)

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"the host name '{host}' cannot be written as an international domain name ({exc})") from None


_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def check_language(tag: str) -> str | None:
    if _LANG.fullmatch(tag.strip()):
        return None
    return f"'{tag}' is not a BCP 47 language tag; write for example en, en-GB, fr, zh-Hans"


def spoken_date(start: EventDate, end: EventDate | None, label: str | None = None) -> str:
    """The whole date in words, what an event's badge stands for: "4\u20136 September 2019",
    "30 September \u2013 2 October 2019", "October 2019"; a label the user wrote comes first ("Late Oct. (October 2019)")."""
    name = calendar.month_name
    if start.day is None:
        whole = f"{name[start.month]} {start.year}"
    elif end is None or end == start or end.day is None:
        whole = f"{start.day} {name[start.month]} {start.year}"
    elif (end.year, end.month) == (start.year, start.month):
        whole = f"{start.day}\u2013{end.day} {name[start.month]} {start.year}"
    elif end.year == start.year:
        whole = f"{start.day} {name[start.month]} \u2013 {end.day} {name[end.month]} {start.year}"
    else:
        whole = f"{start.day} {name[start.month]} {start.year} \u2013 {end.day} {name[end.month]} {end.year}"
    if label and label != default_label(start, end):
        return f"{label} ({whole})"
    return whole


MONTH_SHORT = ["", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


def issue_year(*texts: str) -> int | None:
    """The year an issue is dated (the first year in its date or issue text, "June 2019" -> 2019), if it says one."""
    for text in texts:
        m = _YEAR.search(text or "")
        if m:
            return int(m.group(1))
    return None


def badge_text(start: EventDate, end: EventDate | None, label: str | None, year: int | None) -> tuple[str, str]:
    """What an event's date badge prints, large and small: the day or days ("4\u20136") over the month ("SEP"); a
    whole month ("OCT") over the label the user wrote without the month ("Late Oct." -> "Late"). A label written for
    a day event replaces the month; the year follows when it is not the issue's year."""
    custom = label if label and label != default_label(start, end) else None
    last = end if end is not None and end != start else None
    years = {start.year, *([last.year] if last else [])}
    shown_year = "" if year is not None and years == {year} else "\u2013".join(str(y) for y in sorted(years))
    if start.day is None:
        big = MONTH_SHORT[start.month]
        if last is not None and last.month != start.month:
            big += "\u2013" + MONTH_SHORT[last.month]
        small = _without_month(custom, start.month) if custom else ""
    else:
        big = str(start.day) if last is None or last.day is None else f"{start.day}\u2013{last.day}"
        months = MONTH_SHORT[start.month]
        if last is not None and last.month != start.month:
            months += "\u2013" + MONTH_SHORT[last.month]
        small = custom or months
    return big, " ".join(part for part in (small, shown_year) if part)


def _without_month(label: str, month: int) -> str:
    names = {calendar.month_name[month], calendar.month_abbr[month], MONTH_ABBR[month].rstrip("."), "Sept" if month == 9 else ""}
    pattern = r"\b(?:" + "|".join(re.escape(n) for n in sorted(names - {""}, key=len, reverse=True)) + r")\b\.?"
    return " ".join(re.sub(pattern, " ", label, flags=re.IGNORECASE).split()).strip(" ,;")


FOCUS_WORDS = {"center": (0.5, 0.5), "centre": (0.5, 0.5), "top": (0.5, 0.0), "bottom": (0.5, 1.0),
               "left": (0.0, 0.5), "right": (1.0, 0.5)}
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")


def parse_focus(value: str | list[str]) -> tuple[float, float]:
    """A photo's focus as (x from the left, y from the top), fractions of its width and height: an edge or corner
    ("top", "left", "top right", "center") or a point [30%, 20%]. ValueError says what to write."""
    if isinstance(value, str) and not _PERCENT.match(value.strip().split()[0] if value.split() else ""):
        parts = value.lower().replace("-", " ").split()
        x, y = 0.5, 0.5
        if not parts or len(parts) > 2 or any(p not in FOCUS_WORDS for p in parts):
            raise ValueError(f"'{value}' is not a focus; write top, bottom, left, right, center, a corner such as "
                             "'top left', or a point [30%, 20%] (across, down)")
        for part in parts:
            px, py = FOCUS_WORDS[part]
            x = px if part in ("left", "right") else x
            y = py if part in ("top", "bottom") else y
        return x, y
    items = value if isinstance(value, list) else value.replace(",", " ").split()
    if len(items) != 2:
        raise ValueError("a focus point is two percentages, across and down: [30%, 20%]")
    out = []
    for item in items:
        m = _PERCENT.match(str(item).strip())
        if not m or float(m.group(1)) > 100:
            raise ValueError(f"'{item}' is not a percentage from 0% to 100%; write a point as [30%, 20%] (across, down)")
        out.append(float(m.group(1)) / 100)
    return out[0], out[1]
