"""``juesuan manage forget_jobs [--days N]``: delete ended background jobs older than N days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from juesuan.limits import JOBS_KEPT_DAYS
from juesuan.web.jobs.housekeeping import forget_jobs


class Command(BaseCommand):
    help = "删除结束超过若干天的后台任务（记录、生成的文档、审查结果页）和遗留的上传文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=JOBS_KEPT_DAYS,
                            help=f"保留最近多少天结束的任务（缺省 {JOBS_KEPT_DAYS}）")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 0:
            self.stderr.write("--days 应为不小于 0 的整数")
            raise SystemExit(2)
        done = forget_jobs(days)
        self.stdout.write(f"已删除 {done['jobs']} 个后台任务、{done['folders']} 个文件夹、"
                          f"{done['uploads']} 个遗留上传文件")
