"""``POST /mail/inbound``: the mail server's way in over HTTP, for a mail server that delivers many messages.

``manage.py mail_intake`` starts Django for each message (0.9 s of CPU): a mail server that pipes a few messages a
second into it needs as many cores. ``scripts/mailgate.py``, piped instead, is a small program that only hands
the message to this view in a running web process (the same way Request Tracker's rt-mailgate does), and turns
the answer into the exit status the mail server reads: 200 taken, anything else kept and delivered again later.

The gate is off (a 404) until ``TUKI_MAIL_GATE_TOKEN`` is set, and then answers only a request carrying it:
anyone who could post here could file requests in any contact's name.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tuki.core.error_pages import unavailable
from tuki.mail.intake.entry import EX_OK, pipe_intake


def _carries_the_token(request: HttpRequest) -> bool:
    token = settings.TUKI_MAIL_GATE_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@csrf_exempt  # a machine's post with a bearer token: no session, no form
@never_cache
@require_POST
def inbound(request: HttpRequest) -> HttpResponse:
    if not _carries_the_token(request):
        raise Http404
    # Read from the stream, not request.body: the message may be larger than a form's limit, and the intake keeps
    # even an oversized message (unparsed) and answers its sender.
    raw = request.read()
    if pipe_intake(raw) != EX_OK:  # not taken now: the site's own 503, which the mail gate reads as "deliver again"
        return unavailable(request)
    return JsonResponse({"code": "taken"})
