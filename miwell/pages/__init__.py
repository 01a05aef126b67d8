"""One module per page. Importing them registers their routes."""

from miwell.pages import account, admin_home, login, patient_home, psychiatrist_home, register, staff_home

__all__ = ["account", "admin_home", "login", "patient_home", "psychiatrist_home", "register", "staff_home"]
