"""Reads of sign-off: a county-year's state and history, the states of many counties at once (dashboards), and
the lock check every write path calls before it changes a county's data."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import RegionLevel
from core.models import Region

from .exceptions import EditLocked
from .models import LOCKED_STATES, Action, Approval, ApprovalEvent, State


def approval_get(county: Region, year: int) -> Approval:
    """The stored state, or an unsaved draft."""
    found = Approval.objects.filter(county=county, year=year).select_related("changed_by").first()
    return found or Approval(county=county, year=year, state=State.DRAFT)


def history(approval: Approval) -> list[ApprovalEvent]:
    if approval.pk is None:
        return []
    return list(approval.events.all())


def states(county_ids, year: int | None = None) -> dict[tuple[int, int], Approval]:
    """(county id, year) → Approval for the given counties (and year); a missing pair is a draft."""
    rows = Approval.objects.filter(county_id__in=list(county_ids))
    if year is not None:
        rows = rows.filter(year=year)
    return {(a.county_id, a.year): a for a in rows}


def approver_region_id(county: Region) -> int | None:
    """The region whose officials approve: the city above the county (the province for a county directly under
    it)."""
    return county.parent_id


def accepter_region_id(county: Region) -> int | None:
    parent = county.parent
    if parent is None:
        return None
    if parent.level == RegionLevel.PROVINCE:
        return parent.pk
    return parent.parent_id


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def lock_message(approval: Approval) -> str:
    values = {
        "county": approval.county.name,
        "year": approval.year,
        "by": approval.changed_by_name or _("（未知用户）"),
        "at": when(approval.changed_at),
    }
    if approval.state == State.SUBMITTED:
        text = _(
            "%(county)s%(year)s学年数据已由%(by)s于%(at)s提交审核，已锁定，不能修改。"
            "如需修改，请先撤回提交，或请市级审核人员退回。"
        )
    elif approval.state == State.APPROVED:
        text = _(
            "%(county)s%(year)s学年数据已由%(by)s于%(at)s审核通过，已锁定，不能修改。"
            "如需修改，请联系审核人员退回（须说明理由）。"
        )
    else:
        text = _(
            "%(county)s%(year)s学年数据已由%(by)s于%(at)s验收，已锁定，不能修改。"
            "如需修改，请联系省级人员退回（须说明理由）。"
        )
    return text % values


def _locked(county_id: int, year: int | None = None):
    rows = Approval.objects.filter(county_id=county_id, state__in=LOCKED_STATES).select_related("county")
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("-year").first()


def assert_editable(county_id: int | None, year: int | None, *, new_record: bool = False) -> None:
    """Raise EditLocked (with the Chinese message naming who locked it and when) if this county-year's data may
    not change. year=None: a record not tied to a year (a school's master data) — see
    assert_master_data_editable; a new one (new_record) changes no year's figures and is allowed."""
    if not county_id:
        return
    if year is None:
        if not new_record:
            assert_master_data_editable(county_id)
        return
    approval = _locked(county_id, int(year))
    if approval is not None:
        raise EditLocked(lock_message(approval), county_id=county_id, year=approval.year)


def assert_master_data_editable(county_id: int | None) -> None:
    """A school's master data (name, kind, urban/rural code, ownership, boarding…) is not kept per year: every
    year's figures are computed with today's values. So it is locked while ANY year of its county is submitted,
    approved or accepted — changing it would silently change signed-off figures. (Creating a school is allowed:
    a school without yearly rows changes no year's figures.)"""
    if not county_id:
        return
    approval = _locked(county_id)
    if approval is not None:
        raise EditLocked(master_data_lock_message(approval), county_id=county_id, year=approval.year)


def master_data_lock_message(approval: Approval) -> str:
    return _("学校基本信息对各学年的数据都有影响。") + lock_message(approval)


def locked_pairs(county_ids, years) -> list[Approval]:
    """The locked approvals among these counties × years (years empty or None: any year)."""
    rows = Approval.objects.filter(county_id__in=list(county_ids), state__in=LOCKED_STATES)
    years = [y for y in (years or []) if y is not None]
    if years:
        rows = rows.filter(year__in=years)
    return list(rows.select_related("county").order_by("county__code", "year"))


ACTION_LABELS = dict(Action.choices)
