"""PDF/X-4 (and the XMP of both PDFs, which declares PDF/UA-1) written by ReportLab itself as it makes the press PDF: the output intent with the CMYK profile embedded,
GTS_PDFXVersion and Trapped in the document information, XMP metadata, PDF 1.6 (issue #3). Writing them here
spares the press PDF a second pass through pikepdf, which read and wrote its 5 MB again (issue #6).

This works with ReportLab's document, catalog and information objects directly: reportlab is pinned to 5.1.0, and
tests/test_profiles.py and the pdfcheck press checks read every key back from the finished PDF."""

from __future__ import annotations

import hashlib
from html import escape

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from anso_pdf.render.profiles import OutputCondition

PDF_VERSION = (1, 6)  # PDF/X-4 is PDF 1.6
XMP_DATE = "2000-01-01T00:00:00+00:00"  # as ReportLab's invariant mode dates the document information


class _Info(pdfdoc.PDFInfo):
    """ReportLab's document information with the PDF/X version key added (its Trapped is /False already)."""

    def format(self, document):  # type: ignore[no-untyped-def]
        entries = {
            "Title": pdfdoc.PDFString(self.title),
            "Author": pdfdoc.PDFString(self.author),
            "Subject": pdfdoc.PDFString(self.subject),
            "Keywords": pdfdoc.PDFString(self.keywords),
            "Creator": pdfdoc.PDFString(self.creator),
            "Producer": pdfdoc.PDFString(self.producer),
            "CreationDate": pdfdoc.PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter),
            "ModDate": pdfdoc.PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter),
            "Trapped": pdfdoc.PDFName(self.trapped),
            "GTS_PDFXVersion": pdfdoc.PDFString("PDF/X-4"),
        }
        return pdfdoc.PDFDictionary(entries).format(document)


class _Plain(pdfdoc.PDFStream):
    """A stream written as it is, with no /Filter at all (ReportLab writes an empty one when told not to compress):
    the XMP stays readable to tools that do not inflate streams."""

    def format(self, document):  # type: ignore[no-untyped-def]
        dictionary = pdfdoc.PDFDictionary(self.dictionary.dict.copy())
        content = document.encrypt.encode(self.content)
        dictionary["Length"] = len(content)
        return pdfdoc.format(dictionary, document) + b"\nstream\n" + pdfdoc.format(content, document) + b"endstream\n"


def write_keys(canvas: Canvas, meta: dict[str, str], condition: OutputCondition) -> None:
    """Make the canvas's document a PDF/X-4 one for a printing condition; call before anything is drawn."""
    doc = canvas._doc
    doc._pdfVersion = max(doc._pdfVersion, PDF_VERSION)
    info = _Info()
    info.__dict__.update(doc.info.__dict__)
    doc.info = info
    icc = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"N": 4}), condition.icc)
    intent = pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("OutputIntent"),
        "S": pdfdoc.PDFName("GTS_PDFX"),
        "OutputConditionIdentifier": pdfdoc.PDFString(condition.identifier),
        "OutputCondition": pdfdoc.PDFString(condition.condition),
        **({"RegistryName": pdfdoc.PDFString(condition.registry)} if condition.registry else {}),
        "Info": pdfdoc.PDFString(condition.info),
        "DestOutputProfile": doc.Reference(icc),
    })
    catalog = doc.Catalog
    # ReportLab's catalog writes only the keys it lists; PDF/X needs one more
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]
    catalog.OutputIntents = pdfdoc.PDFArray([intent])


def write_metadata(canvas: Canvas, meta: dict[str, str], *, pdfx: bool) -> None:
    """The XMP of either PDF: title, PDF/UA-1 (both PDFs are tagged, render/tags.py), and PDF/X-4 for press.

    Its dates are the document information's (ReportLab's time stamp: 2000-01-01 in invariant mode, or
    SOURCE_DATE_EPOCH when set), and the trailer's /ID is the XMP's DocumentID and InstanceID, so the two never
    disagree (a PDF/X-4 error; issue #18)."""
    doc = canvas._doc
    date = xmp_date(doc._timeStamp)
    doc_id = hashlib.sha256("\n".join((meta["title"], meta["subject"], "PDF/X-4" if pdfx else "")).encode()).hexdigest()[:32]
    instance_id = hashlib.sha256(f"{doc_id} {date}".encode()).hexdigest()[:32]
    doc._ID = b"\n[<" + doc_id.encode() + b"><" + instance_id.encode() + b">]\n"  # what ReportLab's ID() caches
    xmp = _Plain(
        pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}),
        _xmp(meta, doc_id + instance_id, pdfx=pdfx, date=date).encode("utf-8"),
    )
    doc.Catalog.Metadata = xmp  # the catalog makes it an indirect object


def xmp_date(stamp) -> str:  # type: ignore[no-untyped-def]
    """ReportLab's TimeStamp (what the document information's dates are made of) as an XMP date."""
    year, month, day, hour, minute, second = stamp.YMDhms
    sign = "-" if stamp.dhh < 0 or stamp.dmm < 0 else "+"
    return (f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
            f"{sign}{abs(stamp.dhh):02d}:{abs(stamp.dmm):02d}")


def _xmp(meta: dict[str, str], doc_id: str, *, pdfx: bool = True, date: str = XMP_DATE) -> str:
    e = {k: escape(v, quote=False) for k, v in meta.items()}
    pdfx_id = "\n   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" if pdfx else ""
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e['title']}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e['author']}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e['subject']}</rdf:li></rdf:Alt></dc:description>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>anso-pdf</xmp:CreatorTool>
   <pdf:Producer>anso-pdf (ReportLab)</pdf:Producer>
   <pdf:Keywords>{e['keywords']}</pdf:Keywords>
   <pdf:Trapped>False</pdf:Trapped>
   <xmpMM:DocumentID>uuid:{doc_id[:8]}-{doc_id[8:12]}-{doc_id[12:16]}-{doc_id[16:20]}-{doc_id[20:32]}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{doc_id[32:40]}-{doc_id[40:44]}-{doc_id[44:48]}-{doc_id[48:52]}-{doc_id[52:64]}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdfuaid:part>1</pdfuaid:part>{pdfx_id}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
