"""A unit's filing for a year, its immutable versions, workflow steps and the audit log.

The content of a version is the filing as the CLI reads it (JSON of ``filing_to_data``,
amounts as decimal strings), so what a form saves is exactly what ``juesuan check`` reads.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from juesuan.web.events import SOURCE_LABELS
from juesuan.web.orgs.models import Unit
from juesuan.web.workflow import STATE_LABELS, TRANSITIONS, State


class FilingRecord(models.Model):
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="filings")
    year = models.PositiveSmallIntegerField("决算年度")
    state = models.CharField("状态", max_length=30, default=State.DRAFT.value,
                             choices=[(s.value, s.label) for s in State])
    current = models.ForeignKey("FilingVersion", verbose_name="当前版本", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    published = models.ForeignKey("FilingVersion", verbose_name="公开版本", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "决算填报"
        ordering = ["-year", "unit__department__region__code", "unit__department__code", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_filing_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year} 年度"

    @property
    def state_label(self) -> str:
        return STATE_LABELS[State(self.state)]


class FilingVersion(models.Model):
    """One saved state of a filing. Never changed after it is written."""

    SOURCES = list(SOURCE_LABELS.items())  # the 操作日志 names them the same way

    record = models.ForeignKey(FilingRecord, verbose_name="填报", on_delete=models.CASCADE,
                               related_name="versions")
    number = models.PositiveIntegerField("版本号")
    content = models.TextField("内容（JSON）")
    digest = models.CharField("内容摘要", max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="保存人", null=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("保存时间", auto_now_add=True)
    source = models.CharField("来源", max_length=20, choices=SOURCES, default="form")
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "填报版本"
        ordering = ["record", "-number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.record} 第 {self.number} 版"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("填报版本一经保存不可修改")
        super().save(*args, **kwargs)


class WorkflowStep(models.Model):
    """A submit, return, approval or publication, with its comment."""

    record = models.ForeignKey(FilingRecord, verbose_name="填报", on_delete=models.CASCADE,
                               related_name="steps")
    # The version the step was taken on: always known (a record has a version from its creation).
    version = models.ForeignKey(FilingVersion, verbose_name="版本", on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=30, choices=[(a.value, t.label) for a, t in TRANSITIONS.items()])
    from_state = models.CharField("原状态", max_length=30)
    to_state = models.CharField("新状态", max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核流程"
        ordering = ["record", "at", "pk"]


class AuditEvent(models.Model):
    """Every action a user takes, for the 操作日志. Append-only."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=50)
    record = models.ForeignKey(FilingRecord, verbose_name="填报", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="events")
    detail = models.JSONField("详情", default=dict, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "操作日志"
        ordering = ["-at", "-pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("操作日志只能追加")
        super().save(*args, **kwargs)


class FindingNote(models.Model):
    """The unit's 出错说明 of a finding or a 【待填写】 place: why it is right as filed, or why it
    cannot be filled. Reviewers read it beside the finding; an error or a gap explained this way
    does not block 上报 (nothing unexplained may be submitted, nothing with an error or a gap
    published). Keyed by the finding's identity, so the note stays with the finding across the
    versions that still have it; a new text replaces the old (the log keeps each)."""

    record = models.ForeignKey(
        FilingRecord, verbose_name="填报", on_delete=models.CASCADE, related_name="notes"
    )
    key = models.CharField("检查结果标识", max_length=400)
    text = models.TextField("出错说明", max_length=1000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="说明人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("说明时的版本号")
    at = models.DateTimeField("说明时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "出错说明"
        ordering = ["record", "key"]
        constraints = [
            models.UniqueConstraint(fields=["record", "key"], name="one_note_per_finding")
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.text[:20]}"


class VersionSummary(models.Model):
    """A version's findings counted by severity and its key figures, worked out once for the
    region overview (a region of thousands of units reads them in one query, not by checking
    each filing on every visit). Derived data, kept apart from the version it describes (which
    never changes); ``stamp`` is the juesuan version whose checks counted them, and a summary of
    another is worked out again."""

    version = models.OneToOneField(FilingVersion, verbose_name="版本", on_delete=models.CASCADE,
                                   primary_key=True, related_name="summary")
    stamp = models.CharField("计算所用的 juesuan 版本", max_length=40)
    counts = models.JSONField("按级别的检查结果数")
    figures = models.JSONField("主要数据（万元）")

    class Meta:
        verbose_name = verbose_name_plural = "版本摘要"


class Consolidated(models.Model):
    """A stored 汇总 of a department (its units' approved filings, flows between a unit and its
    上级 eliminated) or of a region (its departments' 汇总 summed): worked out by the
    ``consolidate`` job (juesuan.web.filings.consolidated) when a filing is approved or a
    reviewer asks, and kept so the pages and downloads read it without computing again.
    ``content`` is empty when nothing could be consolidated (``excluded`` says why)."""

    region = models.ForeignKey("orgs.Region", verbose_name="行政区划", on_delete=models.CASCADE,
                               related_name="+")
    year = models.PositiveSmallIntegerField("决算年度")
    department = models.ForeignKey("orgs.Department", verbose_name="主管部门", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+",
                                   help_text="空：地区的汇总")
    mode = models.CharField("汇总方式", max_length=10,
                            choices=[("complete", "完全汇总"), ("node", "节点汇总"), ("chosen", "选择汇总")])
    chosen = models.JSONField("所选（选择汇总）", default=list, blank=True)
    chosen_key = models.CharField("所选摘要", max_length=64, blank=True, default="")
    content = models.TextField("内容（JSON）", blank=True)
    digest = models.CharField("内容摘要", max_length=64, blank=True)
    findings = models.JSONField("抵消核对结果", default=list, blank=True)
    eliminations = models.JSONField("内部往来抵消", default=list, blank=True)
    included = models.JSONField("汇总的填报版本", default=list, blank=True)
    excluded = models.JSONField("未汇总的单位", default=list, blank=True)
    notes = models.JSONField("说明", default=list, blank=True)
    created_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "汇总"
        ordering = ["region", "-year", "department", "mode"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "department", "mode", "chosen_key"],
                                    condition=models.Q(department__isnull=False),
                                    name="one_consolidated_per_department"),
            models.UniqueConstraint(fields=["region", "year", "mode", "chosen_key"],
                                    condition=models.Q(department__isnull=True),
                                    name="one_consolidated_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.department or self.region} {self.year} 年度{self.get_mode_display()}"
