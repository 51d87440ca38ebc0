"""What the operators of a Tuki installation look at: the Prometheus metrics of the whole installation."""
