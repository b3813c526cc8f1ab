"""Webhooks: subscriptions, the signed events they receive, and the dispatcher delivering them.

Events are queued in the outbox (``store.webhooks.enqueue``) by the transaction that records
them; the dispatcher in every worker delivers them at least once, in order per subscription.
"""
