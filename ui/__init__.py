"""SOP Desk's Qt window; depends on sopdesk/, never the reverse."""
