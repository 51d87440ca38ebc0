# Only what differs from Django's Swedish formats: Django looks here first and in its own module after.

# A form shows a time in the first input format: opening hours read "08:00", not "08:00:00".
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]
