"""What the people who run the line watch: Prometheus metrics and JSON logs."""
