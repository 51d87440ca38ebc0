"""The rewriting of outgoing HTML, case by case, and the check that keeps every mail going through it."""

from __future__ import annotations

from email.mime.text import MIMEText
from typing import Any

import pytest
from django.core.mail import EmailMultiAlternatives

from tuki.mail.backends import make_remote_free
from tuki.mail.checks import check_email_backend
from tuki.mail.remote_free import without_remote_resources


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<img src="https://e.example/p.png" alt="kuva">', '<a href="https://e.example/p.png">kuva</a>'),
        ('<img src="https://e.example/p.png">', '<a href="https://e.example/p.png">https://e.example/p.png</a>'),
        (
            '<a href="https://e.example/"><img src="https://e.example/p.png" alt="in"></a>',
            '<a href="https://e.example/">in</a>',
        ),
        ('<img src="cid:logo" alt="logo"><img src="data:image/png;base64,AA" alt="d">', "logod"),
        ('<IMG SRC="https://e.example/p.png" ALT="iso"/>', '<a href="https://e.example/p.png">iso</a>'),
        (
            '<p style="color: #333; background: rgb(1, 2, 3)">x</p>',
            '<p style="color: #333; background: rgb(1, 2, 3)">x</p>',
        ),
        ('<p style="background: url(https://e.example/b.png)">x</p>', "<p>x</p>"),
        ('<p style="background: &#x75;rl(https://e.example/b.png)">x</p>', "<p>x</p>"),
        ('<p style="background: \\75 rl(https://e.example/b.png)">x</p>', "<p>x</p>"),
        ('<p style="background-image: image-set(&quot;https://e.example/b.png&quot; 1x)">x</p>', "<p>x</p>"),
        ('<p style="width: expression(alert(1))">x</p>', "<p>x</p>"),
        (
            '<table background="https://e.example/t.png" border="1"><tr><td>t</td></tr></table>',
            '<table border="1"><tr><td>t</td></tr></table>',
        ),
        ('<img srcset="https://e.example/1.png 1x" alt="s">', "s"),
        (
            '<picture><source srcset="https://e.example/1.png"><img src="https://e.example/2.png" alt="p"></picture>',
            '<a href="https://e.example/2.png">p</a>',
        ),
        ('<svg><image href="https://e.example/s.png"/><text>svg</text></svg>', "svg"),
        (
            '<style>@import url(https://e.example/s.css);</style><link rel="stylesheet" href="https://e.example/s.css">ok',
            "ok",
        ),
        ('<video poster="https://e.example/v.png"><source src="https://e.example/v.mp4"></video>', ""),
        ('<iframe src="https://e.example/"></iframe><object data="https://e.example/o"></object>', ""),
        ('<!--[if mso]><img src="https://e.example/o.png"><![endif]-->ok', "ok"),
        (
            '<meta http-equiv="refresh" content="0;url=https://e.example/"><meta charset="utf-8">',
            '<meta><meta charset="utf-8">',
        ),
        ('<a href="javascript:alert(1)" onclick="x()">j</a>', "<a>j</a>"),
        (
            '<a href="https://e.example/?a=1&amp;b=2" ping="https://e.example/p">l</a>',
            '<a href="https://e.example/?a=1&amp;b=2">l</a>',
        ),
        ("<p>1 &lt; 2 &amp; &lt;img src=x&gt;</p>", "<p>1 &lt; 2 &amp; &lt;img src=x&gt;</p>"),
        ('<script>new Image().src="https://e.example/"</script>ok', "ok"),
        (
            '<body background="https://e.example/b.png" style="font-family: sans-serif">b</body>',
            '<body style="font-family: sans-serif">b</body>',
        ),
    ],
)
def test_nothing_that_loads_survives(html: str, expected: str) -> None:
    assert without_remote_resources(html) == expected


def test_a_whole_document_keeps_its_shape() -> None:
    document = '<!DOCTYPE html>\n<html lang="fi">\n<head><meta charset="utf-8"><title>SR-1 &lt;x&gt;</title></head>\n<body><p>Hei</p></body>\n</html>'  # noqa: E501
    assert without_remote_resources(document) == document


def test_a_prebuilt_text_attachment_is_refused_rather_than_sent_unchecked() -> None:
    message = EmailMultiAlternatives("S", "text", to=["someone@example.com"])
    message.attach(MIMEText('<img src="https://e.example/p.png">', "html"))
    with pytest.raises(ValueError, match="prebuilt"):
        make_remote_free(message)


def test_the_system_check_refuses_a_backend_that_would_let_remote_resources_out(settings: Any) -> None:
    settings.EMAIL_BACKEND = "tuki.mail.backends.SmtpBackend"
    assert check_email_backend() == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    [error] = check_email_backend()
    assert error.id == "tuki.mail.E001"
