"""Scheduling: the pure core (availability, status, colours: no Reflex, no database) and the
clinic records, services and states built on it."""
