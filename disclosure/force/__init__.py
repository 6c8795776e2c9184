"""The force running the service: its name, nation and address, editable by administrators."""
