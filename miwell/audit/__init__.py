"""Who saw what: an append-only log of every view and change of a patient's records."""
