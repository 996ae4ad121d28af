"""The outbox: e-mail that people's actions trigger, written in the same transaction as the action.

- `tracker.outbox.models`: `OutboxMessage`, one row per message and recipient, rendered when the action
  happens; the row is the promise to send it;
- `tracker.outbox.services`: `outbox_add` (inside the action's transaction; enqueues the sending after
  commit, and a broker that is down does not fail the action), `outbox_send` (lease, send, record, back off),
  `outbox_due` (what the periodic drain picks up), `outbox_retry` (an operator's "send again");
- `tracker.outbox.admin`: the log in the committee's admin.

The Celery entry points are `tracker.outbox.send` and `tracker.outbox.drain` in `tracker.tasks`; the drain's
beat entry is declared with the others in `tracker.reminders.schedule`. A rolled-back action leaves no row,
so nobody is told of a change that did not happen.
"""
