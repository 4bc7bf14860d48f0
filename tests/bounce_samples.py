"""Delivery reports and automatic replies as real servers and mail programs write them.

Each builder returns the raw bytes a mailbox would hold: Postfix's, Exim's, Exchange's and
Gmail's RFC 3464 reports for a reminder we sent (its Message-ID and headers returned), their
plain-text forms (old servers, forwarded reports), a delay warning, and out-of-office replies
in Kazakh, Russian and English.  The wording follows the servers' own templates (Postfix's
bounce.cf, Exim's default messages, Exchange Online's NDR, Gmail's mailer-daemon), since that
is what the reader must recognise.
"""

from __future__ import annotations

import base64

SENDER = "noreply@bkk.edu.example"
DATE = "Tue, 18 Apr 2017 09:00:07 +0600"


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def _returned_headers(recipient: str, message_id: str) -> str:
    return (f"Return-Path: <{SENDER}>\n"
            f"Message-ID: {message_id}\n"
            f"Date: Tue, 18 Apr 2017 09:00:01 +0600\n"
            f"From: =?utf-8?b?wqvSmtCw0YPRltC/0YHRltC3INC40L3RgtC10YDQvdC10YLCuw==?= <{SENDER}>\n"
            f"To: {recipient}\n"
            f"Subject: =?utf-8?b?0JXRgdC60LXRgNGC0YM=?=\n"
            f"MIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=utf-8\n")


def postfix_dsn(recipient: str, message_id: str, action: str = "failed",
                status: str = "5.1.1") -> bytes:
    """Postfix's bounce: multipart/report with the returned message's headers."""
    domain = recipient.split("@", 1)[1]
    diagnostic = (f"smtp; 550 {status} <{recipient}>: Recipient address rejected: User\n"
                  f"    unknown in virtual mailbox table")
    intro = ("I'm sorry to have to inform you that your message could not\n"
             "be delivered to one or more recipients. It's attached below.")
    subject = "Undelivered Mail Returned to Sender"
    if action == "delayed":
        intro = ("####################################################################\n"
                 "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
                 "####################################################################\n\n"
                 "Your message could not be delivered for more than 4 hour(s).\n"
                 "It will be retried until it is 5 day(s) old.")
        subject = "Delayed Mail (still being retried)"
        diagnostic = f"smtp; 451 {status} <{recipient}>: Temporary lookup failure"
    return _crlf(f"""Return-Path: <>
Received: by relay.bkk.edu.example (Postfix) id 3vBq1Y2Jk5z9v; {DATE}
Date: {DATE}
From: MAILER-DAEMON@relay.bkk.edu.example (Mail Delivery System)
Subject: {subject}
To: {SENDER}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="3vBq1Y2Jk5z9v.1492484407/relay.bkk.edu.example"
Content-Transfer-Encoding: 8bit
Message-Id: <20170418030007.3vBq1Y2Jk5z9v@relay.bkk.edu.example>

This is a MIME-encapsulated message.

--3vBq1Y2Jk5z9v.1492484407/relay.bkk.edu.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host relay.bkk.edu.example.

{intro}

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<{recipient}>: host mx.{domain}[192.0.2.25] said: 550 {status}
    <{recipient}>: Recipient address rejected: User unknown in virtual mailbox
    table (in reply to RCPT TO command)

--3vBq1Y2Jk5z9v.1492484407/relay.bkk.edu.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.bkk.edu.example
X-Postfix-Queue-ID: 3vBq1Y2Jk5z9v
X-Postfix-Sender: rfc822; {SENDER}
Arrival-Date: Tue, 18 Apr 2017 09:00:01 +0600 (ALMT)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mx.{domain}
Diagnostic-Code: {diagnostic}

--3vBq1Y2Jk5z9v.1492484407/relay.bkk.edu.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

{_returned_headers(recipient, message_id)}
--3vBq1Y2Jk5z9v.1492484407/relay.bkk.edu.example--
""")


def exim_dsn(recipient: str, message_id: str) -> bytes:
    """Exim 4.9x with its DSN on: the returned message in full (message/rfc822)."""
    domain = recipient.split("@", 1)[1]
    return _crlf(f"""Return-path: <>
Envelope-to: {SENDER}
Delivery-date: {DATE}
Received: from Debian-exim by mail.bkk.edu.example with local (Exim 4.96)
\tid 1cTzqx-0002Xa-3k
\tfor {SENDER}; {DATE}
X-Failed-Recipients: {recipient}
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mail.bkk.edu.example>
To: {SENDER}
Content-Type: multipart/report; report-type=delivery-status; boundary=1492484407-eximdsn-1804289383
MIME-Version: 1.0
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1cTzqx-0002Xa-3k@mail.bkk.edu.example>
Date: {DATE}

--1492484407-eximdsn-1804289383
Content-type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {recipient}
    host mx.{domain} [192.0.2.26]
    SMTP error from remote mail server after RCPT TO:<{recipient}>:
    550 5.2.1 Mailbox disabled for this recipient

--1492484407-eximdsn-1804289383
Content-type: message/delivery-status

Reporting-MTA: dns; mail.bkk.edu.example

Action: failed
Final-Recipient: rfc822;{recipient}
Status: 5.0.0
Remote-MTA: dns; mx.{domain}
Diagnostic-Code: smtp; 550 5.2.1 Mailbox disabled for this recipient

--1492484407-eximdsn-1804289383
Content-type: message/rfc822

{_returned_headers(recipient, message_id)}
Құрметті әріптестер! Еске саламыз...

--1492484407-eximdsn-1804289383--
""")


def exchange_dsn(recipient: str, message_id: str) -> bytes:
    """Exchange Online's NDR: HTML and text in multipart/alternative, the delivery status,
    the returned message's headers; the report's own Thread headers name the mail too."""
    local, domain = recipient.split("@", 1)
    reply = ("550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address "
             "lookup")
    text = f"""Your message to {recipient} couldn't be delivered.

{local} wasn't found at {domain}.

Noreply  Office 365  {local}
Action Required                 Recipient

Unknown To address

How to Fix It
The address may be misspelled or may not exist. Try one or more of the following:
  *   Retype the recipient's address, then resend the message.

Diagnostic information for administrators:

Generating server: AM6PR04MB5863.eurprd04.prod.outlook.com

{recipient}
Remote Server returned '{reply}'
"""
    html = ("<html><body><p>Your message to <a href=\"mailto:" + recipient + "\">"
            + recipient + "</a> couldn't be delivered.</p></body></html>")
    return _crlf(f"""From: postmaster@outlook.com
To: {SENDER}
Date: {DATE}
Subject: Undeliverable: =?utf-8?b?0JXRgdC60LXRgNGC0YM=?=
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="_000_Aa7b2_"
Content-Language: en-US
Message-ID: <3f4b2c8a-1b2d-4c5e-9f00-aa11bb22cc33@AM6PR04MB5863.eurprd04.prod.outlook.com>
In-Reply-To: {message_id}
References: {message_id}
Thread-Topic: =?utf-8?b?0JXRgdC60LXRgNGC0YM=?=
X-MS-Exchange-Message-Is-Ndr:
Auto-Submitted: auto-replied
MIME-Version: 1.0

--_000_Aa7b2_
Content-Type: multipart/alternative; boundary="_001_Aa7b2_"

--_001_Aa7b2_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{text}
--_001_Aa7b2_
Content-Type: text/html; charset="us-ascii"

{html}
--_001_Aa7b2_--

--_000_Aa7b2_
Content-Type: message/delivery-status

Reporting-MTA: dns;AM6PR04MB5863.eurprd04.prod.outlook.com
Received-From-MTA: dns;relay.bkk.edu.example
Arrival-Date: Tue, 18 Apr 2017 03:00:02 +0000

Final-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by
 SMTP address lookup

--_000_Aa7b2_
Content-Type: text/rfc822-headers

{_returned_headers(recipient, message_id)}
--_000_Aa7b2_--
""")


def gmail_dsn(recipient: str, message_id: str, lang: str = "en") -> bytes:
    """Gmail's mailer-daemon: HTML and text, the delivery status, the returned message."""
    if lang == "ru":
        intro = (f"** Адрес не найден **\n\nВаше сообщение не доставлено на адрес {recipient}, "
                 "так как этот адрес не найден или не может принимать почту.\n\n"
                 "Ответ удаленного сервера:\n")
    else:
        intro = (f"** Address not found **\n\nYour message wasn't delivered to {recipient} "
                 "because the address couldn't be found, or is unable to receive mail.\n\n"
                 "Learn more here: https://support.google.com/mail/?p=NoSuchUser\n\n"
                 "The response from the remote server was:\n")
    reply = ("550 5.1.1 The email account that you tried to reach does not exist. Please try "
             "double-checking the recipient's email address for typos or unnecessary spaces. "
             "https://support.google.com/mail/?p=NoSuchUser a1si123456wrb.42 - gsmtp")
    text64 = base64.encodebytes((intro + reply + "\n").encode("utf-8")).decode("ascii")
    return _crlf(f"""Delivered-To: {SENDER}
Return-Path: <>
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: {SENDER}
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
References: {message_id}
In-Reply-To: {message_id}
X-Failed-Recipients: {recipient}
Message-ID: <58f5bd2f.a1b2c3.0000.GMR@mx.google.com>
Date: {DATE}
MIME-Version: 1.0
Content-Type: multipart/report; boundary="94eb2c0b5a8e"; report-type=delivery-status

--94eb2c0b5a8e
Content-Type: multipart/related; boundary="94eb2c0b5a8f"

--94eb2c0b5a8f
Content-Type: multipart/alternative; boundary="94eb2c0b5a90"

--94eb2c0b5a90
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: base64

{text64}
--94eb2c0b5a90
Content-Type: text/html; charset="UTF-8"

<html><body><h2>Address not found</h2></body></html>

--94eb2c0b5a90--
--94eb2c0b5a8f--
--94eb2c0b5a8e
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; relay.bkk.edu.example
Arrival-Date: Tue, 18 Apr 2017 03:00:02 -0700 (PDT)

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.kz. (192.0.2.27, the server for the domain.)
Diagnostic-Code: smtp; {reply}
Last-Attempt-Date: Tue, 18 Apr 2017 03:00:03 -0700 (PDT)

--94eb2c0b5a8e
Content-Type: message/rfc822

{_returned_headers(recipient, message_id)}
Құрметті әріптестер!

--94eb2c0b5a8e--
""")


def postfix_plain(recipient: str, message_id: str) -> bytes:
    """An old Postfix (or a report forwarded as text): no report part, the returned message
    inline after the notice."""
    domain = recipient.split("@", 1)[1]
    return _crlf(f"""Return-Path: <>
From: MAILER-DAEMON@mail.{domain} (Mail Delivery System)
To: {SENDER}
Subject: Undelivered Mail Returned to Sender
Date: {DATE}
Message-Id: <20170418030007.ABCDEF@mail.{domain}>
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.{domain}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<{recipient}>: host mx.{domain}[192.0.2.25] said: 550 5.1.1
    <{recipient}>: Recipient address rejected: User unknown in local recipient
    table (in reply to RCPT TO command)

--- Undelivered message follows ---

{_returned_headers(recipient, message_id)}
Құрметті әріптестер!
""")


def exim_plain(recipient: str) -> bytes:
    """Exim with its report in plain text and only the returned message's body."""
    domain = recipient.split("@", 1)[1]
    return _crlf(f"""Return-path: <>
X-Failed-Recipients: {recipient}
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mail.bkk.edu.example>
To: {SENDER}
Subject: Mail delivery failed: returning message to sender
Date: {DATE}
Content-Type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {recipient}
    host mx.{domain} [192.0.2.26]
    SMTP error from remote mail server after RCPT TO:<{recipient}>:
    550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

------ This is a copy of the message's body. ------
""")


_EXCHANGE_TEXT = {
    "ru": ("Не доставлено: Ескерту",
           """Не удалось доставить сообщение следующим получателям или группам:

Иванов А. ({recipient})
Адрес электронной почты, указанный вами, не найден. Проверьте адрес электронной почты
получателя и попробуйте отправить сообщение повторно.

Диагностические сведения для администраторов:

Создающий сервер: EXCH01.{domain}

{recipient}
Удаленный сервер вернул "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"
"""),
    "en": ("Undeliverable: Ескерту",
           """Delivery has failed to these recipients or groups:

Ivanov A. ({recipient})
The e-mail address you entered couldn't be found. Please check the recipient's e-mail
address and try to resend the message.

Diagnostic information for administrators:

Generating server: EXCH01.{domain}

{recipient}
#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##
"""),
}


def exchange_plain(recipient: str, message_id: str, lang: str = "ru",
                   charset: str = "utf-8") -> bytes:
    """An Exchange 2010 server's NDR as text (no report part) with the returned mail
    attached, in Russian or English, its text in `charset` as base64."""
    domain = recipient.split("@", 1)[1]
    subject, template = _EXCHANGE_TEXT[lang]
    text = template.format(recipient=recipient, domain=domain)
    body64 = base64.encodebytes(text.encode(charset)).decode("ascii")
    subject64 = base64.b64encode(subject.encode(charset)).decode("ascii")
    system = f"MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@{domain}"
    return _crlf(f"""From: Microsoft Outlook <{system}>
To: {SENDER}
Date: {DATE}
Subject: =?{charset}?b?{subject64}?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="ndr"

--ndr
Content-Type: text/plain; charset="{charset}"
Content-Transfer-Encoding: base64

{body64}
--ndr
Content-Type: message/rfc822

{_returned_headers(recipient, message_id)}
Құрметті әріптестер!

--ndr--
""")


def human_quoting_a_bounce(sender: str, answered: str) -> bytes:
    """A person writes back about a bounce they got, quoting its words."""
    return _crlf(f"""From: =?utf-8?b?0JDQudCz0q/Qu9GM?= <{sender}>
To: safe-internet@bkk.edu.example
Subject: =?utf-8?b?UmU6INCV0YHQutC10YDRgtGD?=
Date: {DATE}
Message-ID: <reply.1@astana.example>
In-Reply-To: {answered}
Content-Type: text/plain; charset=utf-8

Добрый день! Наш коллега получил письмо "Undelivered Mail Returned to Sender":
<edu.old@astana.example>: host mx.astana.example said: 550 5.1.1 User unknown
Пожалуйста, пишите на новый адрес. Пункты 5, 6 выполнены.
""")


def auto_reply(subject: str, *, headers: str = "", sender: str = "edu@astana.example",
               body: str = "Мен 5 мамырға дейін демалыстамын.") -> bytes:
    """An automatic reply with `subject` (raw or RFC 2047) and the program's extra headers."""
    encoded = "=?utf-8?b?" + base64.b64encode(subject.encode("utf-8")).decode("ascii") + "?="
    return _crlf(f"""From: <{sender}>
To: safe-internet@bkk.edu.example
Subject: {encoded}
Date: {DATE}
Message-ID: <auto.{abs(hash(subject))}@astana.example>
{headers}Content-Type: text/plain; charset=utf-8

{body}
""")
