"""What the people who run the line watch: Prometheus metrics, JSON logs, readiness."""
