"""The county-year's sign-off page: its state, history and one button per step the user may take; before a
submission, the open validation violations. Thin: reads through selectors, steps through services.

An outsider (a county not in the user's region) gets 404 on GET and POST; a step the user's role may not take
answers 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from core import hooks
from core.scoping import visible_counties

from . import selectors, services
from .exceptions import TransitionRefused
from .forms import ReasonForm
from .models import LOCKED_STATES, Action, State

MIN_YEAR, MAX_YEAR = 1990, 2100


def _county(request, code: str, year: int):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return get_object_or_404(visible_counties(request.user), code=code)


@login_required
@require_http_methods(["GET", "POST"])
def approval_page(request, code: str, year: int):
    county = _county(request, code, year)
    reason_form = ReasonForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == Action.SUBMIT:
                _approval, violations = services.submit(user=request.user, county=county, year=year)
                if violations:
                    messages.warning(
                        request,
                        ngettext(
                            "已提交。提交时有 %(n)s 条未解决的校验问题，审核人员会看到。",
                            "已提交。提交时有 %(n)s 条未解决的校验问题，审核人员会看到。",
                            len(violations),
                        )
                        % {"n": len(violations)},
                    )
                else:
                    messages.success(request, _("已提交，数据已锁定，等待审核。"))
                return redirect("signoff:approval", code=county.code, year=year)
            if action == Action.APPROVE:
                services.approve(user=request.user, county=county, year=year)
                messages.success(request, _("已审核通过，数据已锁定。"))
                return redirect("signoff:approval", code=county.code, year=year)
            if action == Action.ACCEPT:
                services.accept(user=request.user, county=county, year=year)
                messages.success(request, _("已验收。"))
                return redirect("signoff:approval", code=county.code, year=year)
            if action == Action.UNAPPROVE:
                reason_form = ReasonForm(request.POST)
                # the role first: a wrong role is refused whatever it typed
                current = selectors.approval_get(county, year).state
                if current != State.DRAFT and not services.may_unapprove(request.user, county, current):
                    raise PermissionDenied
                if reason_form.is_valid():
                    services.unapprove(
                        user=request.user, county=county, year=year, reason=reason_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("已退回，区县可以重新修改数据。"))
                    return redirect("signoff:approval", code=county.code, year=year)
            else:
                raise PermissionDenied
        except TransitionRefused as refused:
            messages.error(request, refused.message)
    approval = selectors.approval_get(county, year)
    actions = services.allowed_actions(request.user, county, year, approval.state)
    violations = hooks.open_violations(county.pk, year) if Action.SUBMIT in actions else []
    return render(
        request,
        "signoff/approval.html",
        {
            "county": county,
            "year": year,
            "approval": approval,
            "locked": approval.state in LOCKED_STATES,
            "lock_message": selectors.lock_message(approval) if approval.state in LOCKED_STATES else "",
            "history": selectors.history(approval),
            "actions": actions,
            "violations": violations,
            "reason_form": reason_form,
            "Action": {a.name: a.value for a in Action},
        },
    )
