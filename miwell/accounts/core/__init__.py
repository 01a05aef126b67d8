"""Pure account rules: validation, password policy and hashing, assignment, throttling. No Reflex, no database."""
