"""Every tolerance the reader uses, as one documented settings object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReaderSettings:
    # Labels shorter than this (after normalisation, without their numbering)
    # must be printed with their numbering ("3.其他", "（七）总计") to match.
    short_label: int = 4
    # Fuzzy label matching allows one edit per this many characters
    # (insertions and substitutions may not be digits).
    chars_per_edit: int = 4
    # Labels of at least this many characters may also match by a prefix of
    # at least ``prefix_share`` of their length (a label wrapped around its cells).
    prefix_min_label: int = 10
    prefix_share: float = 0.4
    # How many following rows bound the search for a row label: a label found
    # after one of these is taken to be missing.
    lookahead_rows: int = 3
    # A label this long (or printed with its numbering) is taken as a row even where
    # it could be a column header word ("予以公开" in a misplaced header row is not).
    strong_label: int = 8
    # Glued digits: give up enumerating splits beyond this many candidates.
    max_glued_candidates: int = 20000
    # Glued digits that split several ways may be narrowed by the report's own prose figures
    # ("现行有效行政规范性文件698件"): a split is taken only when exactly one agrees.
    prose_evidence: bool = True
    # Lines of numbers without a row label (a shattered or column-split table) are placed by the
    # table's row order when exactly one placement fits the identities; the cells are marked uncertain.
    orphan_rows: bool = True
    # A text is taken for an annual report with at least this many of its sections' headings; or with
    # a title (of at most ``report_title_max`` characters) and one heading or ``report_titled_cell_share``
    # of its tables' cells; or with ``report_min_cell_share`` of the cells. Otherwise (a notice, a manifest
    # that quotes a few row labels) no format is claimed and no arithmetic is checked.
    report_min_sections: int = 2
    report_title_max: int = 80
    report_titled_cell_share: float = 0.1
    report_min_cell_share: float = 0.3
    # Title and date search windows (characters of normalised text).
    title_window: int = 1500
    signature_window: int = 400


DEFAULT_SETTINGS = ReaderSettings()
