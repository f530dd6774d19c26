"""The mail server of ``./scripts/run`` keeps each message as an ``.eml`` file
whose ``Envelope-To`` names every recipient, blind copies included."""

import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage

from fakes.smtp_server import start_smtp


def test_each_message_is_a_file_with_its_envelope(tmp_path):
    controller = start_smtp(folder=tmp_path / "mail")
    try:
        message = EmailMessage()
        message["Subject"], message["From"] = "Questionnaire submitted", "cap-noreply@cern.ch"
        message["To"] = "committee@cern.ch"
        message.set_content("Review it.")
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=10) as smtp:
            smtp.send_message(message, to_addrs=["committee@cern.ch", "hn-cms-hig-21-004@cern.ch"])
    finally:
        controller.stop()
    [path] = (tmp_path / "mail").glob("*.eml")
    kept = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert kept["Envelope-To"] == "committee@cern.ch, hn-cms-hig-21-004@cern.ch"
    assert kept["Subject"] == "Questionnaire submitted" and "Bcc" not in kept
    assert kept.get_content().strip() == "Review it."
