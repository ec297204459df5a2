"""Running Égide on servers: request ids, structured logs, metrics, the read replica's router (docs/operations.md)."""
