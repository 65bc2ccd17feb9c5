"""A background job: what was asked (kind, params), where it stands and what came of it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Job(models.Model):
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [(QUEUED, "排队中"), (RUNNING, "处理中"), (DONE, "已完成"), (FAILED, "失败")]
    ACTIVE = (QUEUED, RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("类型", max_length=40)
    # Identical requests have the same key: while one is queued or running, a second submit
    # gets it instead of a new job (the constraint below makes that race-safe).
    key = models.CharField("请求标识", max_length=200)
    state = models.CharField("状态", max_length=10, choices=STATES, default=QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True, default="")
    params = models.JSONField("参数", default=dict)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True, default="")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="jobs")
    record = models.ForeignKey("filings.FilingRecord", verbose_name="填报", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="jobs")
    next_url = models.CharField("完成后转到", max_length=500, blank=True, default="")
    worker = models.CharField("执行主机", max_length=200, blank=True, default="")
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    # The processes running it (jobs.processes): how the folder queue finds a job whose worker
    # died; and how often such a job was queued again (a bound: it must not loop).
    process = models.JSONField("执行进程", default=dict, blank=True)
    resent = models.PositiveSmallIntegerField("重新排队次数", default=0)
    created = models.DateTimeField("提交时间", auto_now_add=True)
    started = models.DateTimeField("开始时间", null=True, blank=True)
    finished = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=models.Q(state__in=["queued", "running"]),
                                    name="jobs_one_active_per_key"),
        ]
        indexes = [models.Index(fields=["state", "created"], name="jobs_state_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}（{self.get_state_display()}）"

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE
