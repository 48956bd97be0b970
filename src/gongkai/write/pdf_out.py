"""The annual report as PDF: its DOCX printed by LibreOffice, the Chinese font names aliased to Noto CJK.

Without the aliases fontconfig would draw 宋体 and 仿宋 in whatever CJK face it finds first
(often a sans one); ``profiles.fonts_conf`` maps them onto Noto Serif CJK SC and 黑体 onto
Noto Sans CJK SC for this conversion only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .. import libreoffice
from ..errors import GongkaiError
from .docx_out import render_docx
from .model import AnnualReport
from .profiles import TEMPLATE, Profile, fonts_conf


class PdfError(GongkaiError):
    """LibreOffice is missing or printed nothing."""


def docx_to_pdf(docx: bytes, name: str = "report.docx") -> bytes:
    """Print one DOCX to PDF with the CJK font aliases in force."""
    if libreoffice.soffice_path() is None:
        raise PdfError("未安装 LibreOffice（soffice），无法生成 PDF；可先写成 .docx")
    with tempfile.TemporaryDirectory(prefix="gongkai-fonts-") as tmp:
        conf = Path(tmp) / "fonts.conf"
        conf.write_text(fonts_conf(), encoding="utf-8")
        try:
            [pdf] = libreoffice.convert([(name, docx)], "pdf", env={"FONTCONFIG_FILE": str(conf)})
        except (RuntimeError, OSError) as exc:
            raise PdfError(f"LibreOffice 未能生成 PDF：{exc}") from None
    if pdf is None:
        raise PdfError("LibreOffice 未能生成 PDF")
    return pdf


def render_pdf(report: AnnualReport, profile: Profile = TEMPLATE) -> bytes:
    """The report as PDF bytes (the profile's DOCX, printed)."""
    return docx_to_pdf(render_docx(report, profile))
