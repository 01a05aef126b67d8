"""MiWell: mood tracking for patients and their psychiatrists, scheduling for the clinic."""
