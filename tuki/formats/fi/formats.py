# Only what differs from Django's Finnish formats: Django looks here first and in its own module after.

# A form shows a time in the first input format: opening hours read "08.00", not "08.00.00". A colon is
# accepted too, as people type it.
TIME_INPUT_FORMATS = ["%H.%M", "%H:%M", "%H.%M.%S", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H.%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H.%M.%S",
    "%d.%m.%y %H.%M",
    "%d.%m.%y %H.%M.%S",
]
