"""The second step of logging in for the supplier's staff: authenticator apps (TOTP) and recovery codes.

The supplier's agents and managers see every customer's data, so a password alone is not enough for them.
django-otp keeps the devices and the verified state of a session; this package decides who needs a second
step, enrols devices and guards every page until the step is done.
"""
