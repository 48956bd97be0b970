"""The two layout profiles: the circulating Word template, and GB/T 9704 公文 style.

The fonts are named as agencies name them (宋体, 仿宋_GB2312, 方正小标宋简体, 黑体); where a machine
lacks them, Word substitutes its own and LibreOffice follows fontconfig, to which ``fonts_conf``
gives aliases onto the installed Noto CJK faces (serif for 宋/仿宋/楷/小标宋, sans for 黑体).
GB/T 9704 is approximated: A4 with its margins (text block 156 × 225 mm), 3号 body on a fixed
line pitch of 22 lines, 2号 title; the 28-characters-per-line grid is not enforced (Word's
document grid is not set) and the substitute faces' widths differ from 仿宋_GB2312's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    zh: str
    margins_mm: tuple[float, float, float, float]  # top, bottom, left, right
    title_font: str
    title_pt: float
    heading_font: str
    heading_pt: float
    body_font: str
    body_pt: float
    table_font: str
    table_pt: float
    line_pt: float | None  # a fixed line pitch, or None for single spacing
    first_line_chars: int  # first-line indent in characters
    note: str

    @property
    def text_width_mm(self) -> float:
        return 210 - self.margins_mm[2] - self.margins_mm[3]


TEMPLATE = Profile(
    id="template",
    zh="通行模板样式",
    margins_mm=(25.4, 25.4, 31.8, 31.8),  # Word's default margins
    title_font="宋体",
    title_pt=18,
    heading_font="黑体",
    heading_pt=12,
    body_font="宋体",
    body_pt=12,
    table_font="宋体",
    table_pt=9,
    line_pt=None,
    first_line_chars=2,
    note="通行的 Word 模板样式：宋体，标题18磅加粗，表格小号字，A4、Word 默认页边距。",
)

GBT9704 = Profile(
    id="gbt9704",
    zh="GB/T 9704 公文样式",
    margins_mm=(37, 35, 28, 26),  # text block 156 × 225 mm
    title_font="方正小标宋简体",
    title_pt=22,  # 2号
    heading_font="黑体",
    heading_pt=16,  # 3号
    body_font="仿宋_GB2312",
    body_pt=16,  # 3号
    table_font="仿宋_GB2312",
    table_pt=10.5,  # 5号
    line_pt=28.95,  # 225 mm / 22 lines
    first_line_chars=2,
    note=(
        "近似 GB/T 9704：A4，版心156×225毫米，正文3号仿宋_GB2312、每页22行，标题2号方正小标宋简体；"
        "未设置每行28字的文档网格，缺少这些字体时以已安装的宋体类字体（如 Noto Serif CJK）代替，字宽略有不同。"
    ),
)

PROFILES = {p.id: p for p in (TEMPLATE, GBT9704)}

SERIF_NAMES = (
    "宋体",
    "SimSun",
    "仿宋",
    "仿宋_GB2312",
    "FangSong",
    "FangSong_GB2312",
    "楷体",
    "楷体_GB2312",
    "KaiTi",
    "方正小标宋简体",
    "方正小标宋_GBK",
    "FZXiaoBiaoSong-B05S",
)
SANS_NAMES = ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei")
SERIF_FACE, SANS_FACE = "Noto Serif CJK SC", "Noto Sans CJK SC"


def fonts_conf(system_conf: str = "/etc/fonts/fonts.conf") -> str:
    """A fontconfig file: the system's configuration, and the Chinese font names as aliases of Noto CJK."""
    aliases = []
    for names, face in ((SERIF_NAMES, SERIF_FACE), (SANS_NAMES, SANS_FACE)):
        for name in names:
            aliases.append(
                f'  <match target="pattern"><test qual="any" name="family"><string>{name}</string></test>'
                f'<edit name="family" mode="assign" binding="strong"><string>{face}</string></edit></match>'
            )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{system_conf}</include>\n' + "\n".join(aliases) + "\n</fontconfig>\n"
    )
