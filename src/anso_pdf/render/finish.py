"""Complete ReportLab's PDF for its profile with pikepdf: PDF/X output intent and XMP for press; language,
viewer settings and linearization for email. Saves deterministically."""

from __future__ import annotations

import hashlib
import io
from html import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from anso_pdf.render.profiles import OUTPUT_INTENT, Profile
from anso_pdf.resources import icc_path

PDF_DATE = "D:20000101000000+00'00'"
XMP_DATE = "2000-01-01T00:00:00+00:00"


def finish(data: bytes, profile: Profile, meta: dict[str, str]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = pdf.docinfo
        info[Name.Title] = String(meta["title"])
        info[Name.Author] = String(meta["author"])
        info[Name.Subject] = String(meta["subject"])
        info[Name.Keywords] = String(meta["keywords"])
        info[Name.CreationDate] = String(meta.get("date", PDF_DATE))
        info[Name.ModDate] = String(meta.get("date", PDF_DATE))
        pdf.Root.Lang = String(meta["lang"])
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        if "/Outlines" in pdf.Root:
            pdf.Root.PageMode = Name.UseOutlines
        if profile.pdfx:
            _pdfx(pdf, meta)
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            linearize=profile.linearize,
            min_version="1.6" if profile.pdfx else "1.5",
            # object streams make qpdf's linearization hint tables disagree ("incorrect object count")
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            compress_streams=True,
            recompress_flate=False,
            # our XMP carries no pdf:PDFVersion to update, and reading it back to look costs 12 ms
            fix_metadata_version=False,
        )
    return out.getvalue()


def _pdfx(pdf: pikepdf.Pdf, meta: dict[str, str]) -> None:
    """PDF/X-4: an output intent with the CMYK profile embedded, the version keys, Trapped, and XMP."""
    icc = pikepdf.Stream(pdf, icc_path(OUTPUT_INTENT["icc"]).read_bytes())
    icc.N = 4
    pdf.Root.OutputIntents = Array([
        Dictionary(
            Type=Name.OutputIntent,
            S=Name.GTS_PDFX,
            OutputConditionIdentifier=String(OUTPUT_INTENT["identifier"]),
            OutputCondition=String(OUTPUT_INTENT["condition"]),
            RegistryName=String(OUTPUT_INTENT["registry"]),
            Info=String(OUTPUT_INTENT["info"]),
            DestOutputProfile=icc,
        )
    ])
    pdf.docinfo[Name.GTS_PDFXVersion] = String("PDF/X-4")
    pdf.docinfo[Name.Trapped] = Name("/False")
    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    doc_id = hashlib.sha256((meta["title"] + meta["subject"]).encode()).hexdigest()
    xmp = _xmp(meta, doc_id)
    stream = pikepdf.Stream(pdf, xmp.encode("utf-8"))
    stream.Type = Name.Metadata
    stream.Subtype = Name.XML
    pdf.Root.Metadata = stream


def _xmp(meta: dict[str, str], doc_id: str) -> str:
    e = {k: escape(v, quote=False) for k, v in meta.items()}
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e['title']}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e['author']}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e['subject']}</rdf:li></rdf:Alt></dc:description>
   <xmp:CreateDate>{XMP_DATE}</xmp:CreateDate>
   <xmp:ModifyDate>{XMP_DATE}</xmp:ModifyDate>
   <xmp:MetadataDate>{XMP_DATE}</xmp:MetadataDate>
   <xmp:CreatorTool>anso-pdf</xmp:CreatorTool>
   <pdf:Producer>anso-pdf (ReportLab)</pdf:Producer>
   <pdf:Keywords>{e['keywords']}</pdf:Keywords>
   <pdf:Trapped>False</pdf:Trapped>
   <xmpMM:DocumentID>uuid:{doc_id[:8]}-{doc_id[8:12]}-{doc_id[12:16]}-{doc_id[16:20]}-{doc_id[20:32]}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{doc_id[32:40]}-{doc_id[40:44]}-{doc_id[44:48]}-{doc_id[48:52]}-{doc_id[52:64]}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
