"""The label PDF attached to the label email, and the drop-off QR code shown inline in the approval email,
through a real SMTP server and the real worker."""

from __future__ import annotations

import io
from email.message import EmailMessage

import pytest
import zxingcpp
from django.core.management import call_command
from PIL import Image
from pypdf import PdfReader

from retour.logistics.services import issue_label
from retour.notifications.models import Notification
from retour.orders.models import Order
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def approved_return(order: Order, method: str, capture) -> Return:
    """Approved by the policy at once; the return method set before the worker sends the emails."""
    line = order.lines.order_by("position").first()
    with capture(execute=True):
        ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
        Return.objects.filter(pk=ret.pk).update(return_method=method)
    return Return.objects.get(pk=ret.pk)


def sent(smtp, subject_part: str) -> EmailMessage:
    (message,) = [m for m in smtp.messages if subject_part in str(m["Subject"])]
    return message


def test_the_label_email_attaches_the_label_pdf(order, smtp, django_capture_on_commit_callbacks):
    ret = approved_return(order, "label", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        issue_label(ret)
    run_worker()
    message = sent(smtp, "étiquette de retour")
    (pdf,) = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content_disposition() == "attachment"
    assert pdf.get_filename() == f"etiquette-retour-{ret.number}.pdf"
    pages = PdfReader(io.BytesIO(pdf.get_content())).pages
    assert ret.number in pages[0].extract_text()
    assert "Bordereau de retour" in pages[1].extract_text()  # in the shopper's language
    # The label's email replaces the approval's: one email, with the label, says it all.
    assert not [m for m in smtp.messages if "est accepté" in str(m["Subject"])]
    assert Notification.objects.get(kind="approved").status == "skipped"


def test_a_drop_off_approval_shows_the_qr_code_inline_and_gives_the_number_in_text(
    order, smtp, django_capture_on_commit_callbacks
):
    ret = approved_return(order, "drop_off", django_capture_on_commit_callbacks)
    run_worker()
    message = sent(smtp, "est accepté")
    assert message.get_content_type() == "multipart/related"
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    cid = f"drop-off-{ret.number}@retour"
    assert f'src="cid:{cid}"' in html
    assert "Présentez ce QR code au point de dépôt" in html
    assert f"donnez votre numéro de retour {ret.number}" in text
    assert "Déposez les articles dans un point de dépôt" in text  # no box to pack
    (image,) = [part for part in message.walk() if part["Content-ID"] == f"<{cid}>"]
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    assert code.text == f"RETOUR:test-store:{ret.number}"


def test_an_approval_sent_back_by_label_has_no_qr_code(make_order, smtp, django_capture_on_commit_callbacks):
    ret = approved_return(make_order("#1003", language="en"), "label", django_capture_on_commit_callbacks)
    run_worker()
    message = sent(smtp, "is approved")
    assert "cid:" not in message.get_body(("html",)).get_content()
    assert "Pack the items" in message.get_body(("plain",)).get_content()
    assert not list(message.iter_attachments())
    assert ret.number in str(message["Subject"])
