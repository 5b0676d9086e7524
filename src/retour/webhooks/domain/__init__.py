"""Pure rules of outgoing webhooks: the signature, the retry schedule, the events offered."""
