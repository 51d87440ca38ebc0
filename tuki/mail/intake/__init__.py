"""Inbound mail: one intake behind both ways in, the IMAP poller (:mod:`tuki.mail.imap`) and the MTA pipe
(``manage.py mail_intake``).

What a message becomes:

* from an active named contact of a customer with an agreement in force: a new request (channel email) or,
  when it answers a request the sender may see, a public reply on it; a reply to a closed request opens a new
  one that names the old;
* from anybody else: nothing, but one polite automatic answer (Finnish and English) saying that requests come
  through the customer's own support desk; agents see the refused mail and may file it for a contact;
* automatic mail (auto-replies, bounces, lists, Tuki's own): stored as ignored, never answered;
* too big: kept unparsed as oversized, and answered (within the loop rules);
* anything that fails unexpectedly: kept whole in quarantine, for agents to retry.

The modules, each importing only those listed before it:

* :mod:`.store`: exactly once. The Message-ID (or the parser's fingerprint) is a unique key on
  :class:`~tuki.mail.models.InboundMessage`, and the record, the request and its files are written in one
  transaction. A database error leaves nothing behind and raises ``TemporaryFailure``: the poller leaves the
  message in the mailbox, the pipe exits 75 so that the mail server delivers it again.
* :mod:`.headers`: what the record shows of mail that is too big, or too broken, to parse whole.
* :mod:`.content`: the new request's subject, text and files.
* :mod:`.decisions`: who sent it, which request it answers, and so refused, ignored or accepted.
* :mod:`.entry`: the two ways in, ``intake`` and ``pipe_intake``.
* :mod:`.desk`: what agents do with stored mail (retry, file for a contact, show).
* :mod:`.tasks`: the periodic IMAP poll. The intake is an app of its own, apart from the outgoing mail, so
  that the worker finds this job in its ``tasks`` module.

Nothing is imported here: Django imports an app's package before its models are ready.
"""
