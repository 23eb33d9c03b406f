"""The steps of sign-off. Each checks the role (PermissionDenied: the view answers 403) and the state
(TransitionRefused: a message), writes the new state and a history row in one transaction (the row is locked, so
two officials clicking at once cannot both pass), and announces the step to the audit trail.

Who may take which step (administrators may take every step):
- submit (draft → submitted): the county's clerk;
- approve (submitted → approved): an official of the region above the county (its city);
- accept (approved → accepted): an official of the province, only where the rule set asks for acceptance;
- unapprove (→ draft, with a reason): a submission by its county's clerk (withdraw) or the approver (return);
  an approval by the approver or the province; an acceptance by the province.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks
from core.models import Region

from . import policy
from .exceptions import TransitionRefused
from .models import Action, Approval, ApprovalEvent, State
from .selectors import accepter_region_id, approver_region_id

REASON_MAX = 1000


def _is_official_of(user, region_id) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.role == "official"
        and region_id
        and user.region_id == region_id
    )


def may_submit(user, county: Region) -> bool:
    return bool(user.is_admin or (user.is_clerk and user.region_id == county.pk))


def may_approve(user, county: Region) -> bool:
    return bool(user.is_admin or _is_official_of(user, approver_region_id(county)))


def may_accept(user, county: Region) -> bool:
    return bool(user.is_admin or _is_official_of(user, accepter_region_id(county)))


def may_unapprove(user, county: Region, state: str) -> bool:
    if state == State.SUBMITTED:
        return may_submit(user, county) or may_approve(user, county)
    if state == State.APPROVED:
        return may_approve(user, county) or may_accept(user, county)
    if state == State.ACCEPTED:
        return may_accept(user, county)
    return False


def allowed_actions(user, county: Region, year: int, state: str) -> list[str]:
    """The steps this user may take now (the page shows one button per step)."""
    actions = []
    if state == State.DRAFT and may_submit(user, county):
        actions.append(Action.SUBMIT)
    if state == State.SUBMITTED and may_approve(user, county):
        actions.append(Action.APPROVE)
    if state == State.APPROVED and may_accept(user, county) and policy.acceptance_required(county.pk, year):
        actions.append(Action.ACCEPT)
    if state != State.DRAFT and may_unapprove(user, county, state):
        actions.append(Action.UNAPPROVE)
    return actions


def _display_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _step(
    *, user, county: Region, year: int, action: str, expected: tuple, to_state: str, reason="", violations=0
) -> Approval:
    with transaction.atomic():
        approval, _created = Approval.objects.select_for_update().get_or_create(
            county=county, year=year, defaults={"state": State.DRAFT}
        )
        if approval.state not in expected:
            raise TransitionRefused(_state_refusal(action, approval.state))
        now = timezone.now()
        from_state = approval.state
        approval.state = to_state
        approval.changed_by = user
        approval.changed_by_name = _display_name(user)
        approval.changed_at = now
        approval.save()
        ApprovalEvent.objects.create(
            approval=approval,
            action=action,
            from_state=from_state,
            to_state=to_state,
            user=user,
            user_name=_display_name(user),
            at=now,
            reason=reason,
            open_violations=violations,
        )
        hooks.audit_event(
            f"approval.{action}",
            user=user,
            region_id=county.pk,
            detail={"year": year, "from": from_state, "to": to_state, "reason": reason},
        )
    approval.county = county
    return approval


def _state_refusal(action: str, state: str) -> str:
    label = dict(State.choices)[state]
    messages = {
        Action.SUBMIT: _("当前状态为“%(state)s”，不能提交：只有填报中的数据可以提交。"),
        Action.APPROVE: _("当前状态为“%(state)s”，不能审核通过：只有已提交的数据可以审核。"),
        Action.ACCEPT: _("当前状态为“%(state)s”，不能验收：只有已审核的数据可以验收。"),
        Action.UNAPPROVE: _("当前状态为“%(state)s”，无需退回。"),
    }
    return messages[action] % {"state": label}


def submit(*, user, county: Region, year: int) -> tuple[Approval, list[dict]]:
    """Submit a county-year for approval. Returns the approval and the open validation violations at that moment
    (they do not stop a submission: the clerk was shown them, and the approver sees how many there were)."""
    if not may_submit(user, county):
        raise PermissionDenied(_("只有本区县的填报员可以提交"))
    violations = hooks.open_violations(county.pk, year)
    approval = _step(
        user=user,
        county=county,
        year=year,
        action=Action.SUBMIT,
        expected=(State.DRAFT,),
        to_state=State.SUBMITTED,
        violations=len(violations),
    )
    return approval, violations


def approve(*, user, county: Region, year: int) -> Approval:
    if not may_approve(user, county):
        raise PermissionDenied(_("只有上级市的教育行政人员可以审核"))
    return _step(
        user=user,
        county=county,
        year=year,
        action=Action.APPROVE,
        expected=(State.SUBMITTED,),
        to_state=State.APPROVED,
    )


def accept(*, user, county: Region, year: int) -> Approval:
    if not may_accept(user, county):
        raise PermissionDenied(_("只有省级教育行政人员可以验收"))
    if not policy.acceptance_required(county.pk, year):
        raise TransitionRefused(_("当前评估规则未启用省级验收，审核通过即为最终状态。"))
    return _step(
        user=user,
        county=county,
        year=year,
        action=Action.ACCEPT,
        expected=(State.APPROVED,),
        to_state=State.ACCEPTED,
    )


def unapprove(*, user, county: Region, year: int, reason: str) -> Approval:
    """Back to draft: the county's data can be changed again. The reason is required and kept in the history."""
    reason = (reason or "").strip()
    current = Approval.objects.filter(county=county, year=year).values_list("state", flat=True).first()
    current = current or State.DRAFT
    if current == State.DRAFT:
        raise TransitionRefused(_state_refusal(Action.UNAPPROVE, current))
    if not may_unapprove(user, county, current):
        raise PermissionDenied(_("您无权退回该区县的数据"))
    if not reason:
        raise TransitionRefused(_("请填写退回理由"))
    if len(reason) > REASON_MAX:
        raise TransitionRefused(_("退回理由不能超过%(n)s个字") % {"n": REASON_MAX})
    return _step(
        user=user,
        county=county,
        year=year,
        action=Action.UNAPPROVE,
        expected=(State.SUBMITTED, State.APPROVED, State.ACCEPTED),
        to_state=State.DRAFT,
        reason=reason,
    )
