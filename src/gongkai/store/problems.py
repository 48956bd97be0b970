"""What a database's refusal means, in a sentence a user can act on (the CLI and the web say the same).

SQLite and PostgreSQL refuse with ``sqlalchemy.exc.OperationalError`` when the file is
read-only, the disk is full or another program holds the lock; their words are English and
name internals, so neither the CLI nor the web shows them.
"""

from __future__ import annotations

READ_ONLY = "数据库是只读的，无法写入：请检查文件权限，或换一个可写的数据库"
DISK_FULL = "磁盘已满，数据库无法写入；已入库的内容未受影响，腾出空间后重新运行即可续完"
LOCKED = "数据库正被其他程序占用，请稍后再试"
OTHER = "数据库出错，操作未完成；已入库的内容未受影响"


def database_problem(exc: BaseException) -> str:
    """The Chinese sentence for a database's refusal (``OperationalError`` or what it wraps)."""
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or "read only" in text:
        return READ_ONLY
    if "disk is full" in text or "no space" in text or "disk full" in text:
        return DISK_FULL
    if "locked" in text:
        return LOCKED
    return OTHER
