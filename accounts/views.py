from allauth.account import app_settings as allauth_settings
from allauth.account import views as allauth_views
from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.stages import LoginByCodeStage, LoginStageController
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .forms import AccountSettingsForm, EmailPreferencesForm
from .models import User


@login_required
def account_settings(request):
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form})


@login_required
def email_preferences(request):
    # Not `request.POST or None`: unticking the only box posts an empty form.
    form = EmailPreferencesForm(
        request.POST if request.method == "POST" else None, instance=request.user
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your email preferences are saved.")
        return redirect("accounts:email_preferences")
    return render(request, "accounts/email_preferences.html", {"form": form})


# Mail clients send the one-click unsubscribe (RFC 8058) as a POST with no CSRF token and no
# session; the signed token in the address is the authority. A GET only asks, because link
# scanners follow links.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token, what="program"):
    user = User.from_unsubscribe_token(token, what)
    if user is None:
        raise Http404("This unsubscribe link is not valid.")
    context = {"subscriber": user, "token": token, "what": what}
    if request.method == "POST":
        user.stop_emails(what)
        return render(request, "accounts/unsubscribed.html", context)
    return render(request, "accounts/unsubscribe.html", context)


def confirm_login_code(request):
    """allauth's sign-in code page, except that a code that ran out says so: allauth sends the
    client back to a blank email form without a word."""
    if not request.user.is_authenticated:
        stage = LoginStageController.enter(request, LoginByCodeStage.key)
        if stage is None or LoginCodeVerificationProcess.resume(stage) is None:
            minutes = allauth_settings.LOGIN_BY_CODE_TIMEOUT // 60
            messages.error(
                request,
                f"That sign-in code has expired (codes last {minutes} minutes) or was already "
                "used. Enter your email and we will send you a new one.",
            )
            return redirect("account_request_login_code")
    return allauth_views.confirm_login_code(request)
