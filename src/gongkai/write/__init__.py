"""Write an agency's annual report (政府信息公开工作年度报告) from its register and a small input.

``figures`` takes tables 三 and 四 from the register, ``inputs`` reads table 二 and the prose the
writer gives, ``draft`` generates each section's standard sentences from the figures, ``compose``
puts them into an ``AnnualReport``, ``verdict`` checks it before it is written, and the
renderers (``docx_out``, ``html_out``, ``markdown_out``, ``pdf_out``) draw it in the national
layout under a layout profile (``profiles``).
"""
