"""Regions → departments → units, and the role grants that give users their scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from juesuan.web.access import Grant, Place
from juesuan.web.workflow import ROLE_LABELS, Role


class Region(models.Model):
    """行政区划, e.g. 310107 上海市普陀区; a finance bureau works at one region."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("区划名称", max_length=100)
    parent = models.ForeignKey("self", verbose_name="上级区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """主管部门 (a budget department), within one region."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT,
                               related_name="departments")
    code = models.CharField("部门编码", max_length=30)
    name = models.CharField("部门名称", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "主管部门"
        ordering = ["region__code", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="department_code_in_region")]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """单位: what files one filing a year. A department's own consolidated 部门决算 is filed by a
    unit marked ``consolidated``."""

    department = models.ForeignKey(Department, verbose_name="主管部门", on_delete=models.PROTECT,
                                   related_name="units")
    code = models.CharField("单位编码", max_length=30)
    name = models.CharField("单位名称", max_length=200)
    consolidated = models.BooleanField("部门汇总", default=False,
                                       help_text="是否为部门决算（汇总本部门所属单位）")
    # The unit tree of the department (上级单位), over which its 汇总 eliminates the flows
    # between a unit and its 上级; a unit without one is the top of a tree.
    parent = models.ForeignKey("self", verbose_name="上级单位", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children",
                               help_text="本部门内的上级单位；汇总时抵消上下级单位之间的往来")

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["department__region__code", "department__code", "code"]
        constraints = [models.UniqueConstraint(fields=["department", "code"], name="unit_code_in_department")]

    def __str__(self) -> str:
        return self.name

    @property
    def place(self) -> Place:
        return Place(unit=self.pk, department=self.department_id, region=self.department.region_id)

    def clean(self) -> None:
        if self.parent_id is None:
            return
        parent = self.parent
        assert parent is not None
        if parent.department_id != self.department_id:
            raise ValidationError({"parent": "上级单位须属于同一主管部门"})
        if parent.consolidated or self.consolidated:
            raise ValidationError({"parent": "部门汇总单位（部门决算）不在单位树中，不能设上级单位或作为上级单位"})
        seen = {self.pk} if self.pk is not None else set()
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": f"上级单位形成循环：{parent.name} 是本单位的下级单位"})
            seen.add(parent.pk)
            parent = parent.parent


class Deadline(models.Model):
    """上报截止日期: by when the units of a region report a year's 决算. Set by the finance
    bureau (in /admin/); the units see it on their pages, the region overview marks the late."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.CASCADE,
                               related_name="deadlines")
    year = models.PositiveSmallIntegerField("决算年度", validators=[
        MinValueValidator(2000, "决算年度应为 2000 至 2100 之间的整数"),
        MaxValueValidator(2100, "决算年度应为 2000 至 2100 之间的整数")])
    due = models.DateField("上报截止日期")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "上报截止日期"
        ordering = ["region__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"],
                                               name="one_deadline_per_region_year")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} 年度：{self.due:%Y-%m-%d}"


class Membership(models.Model):
    """A user's role and its scope: a unit, a department, a region, or everything (admin)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField("角色", max_length=30, choices=[(r.value, r.label) for r in Role])
    region = models.ForeignKey(Region, verbose_name="行政区划", null=True, blank=True,
                               on_delete=models.CASCADE)
    department = models.ForeignKey(Department, verbose_name="主管部门", null=True, blank=True,
                                   on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"

    def __str__(self) -> str:
        scope = self.unit or self.department or self.region or "全部"
        return f"{self.user} · {ROLE_LABELS[Role(self.role)]} · {scope}"

    def clean(self) -> None:
        need = {Role.UNIT_EDITOR: "unit", Role.DEPARTMENT_REVIEWER: "department",
                Role.FINANCE_REVIEWER: "region"}.get(Role(self.role))
        if need and getattr(self, f"{need}_id") is None:
            label = {"unit": "单位", "department": "主管部门", "region": "行政区划"}[need]
            raise ValidationError(f"{ROLE_LABELS[Role(self.role)]}须指定{label}")

    @property
    def grant(self) -> Grant:
        return Grant(Role(self.role), region=self.region_id, department=self.department_id,
                     unit=self.unit_id)


def grants_of(user: Any) -> tuple[Grant, ...]:
    """The grants of a request's user (none for the anonymous public)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached: tuple[Grant, ...] | None = getattr(user, "_juesuan_grants", None)
    if cached is None:
        cached = tuple(m.grant for m in Membership.objects.filter(user=user))
        if getattr(user, "is_superuser", False):
            cached += (Grant(Role.ADMIN),)
        user._juesuan_grants = cached
    return cached
