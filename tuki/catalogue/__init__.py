"""The public service catalogue: service descriptions (palvelukuvaukset) and how to reach support."""
