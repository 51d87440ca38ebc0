"""Date, time and number formats where Django's defaults do not fit a Finnish supplier's users.

Django reads these before its own locale formats (``FORMAT_MODULE_PATH``); anything not set here keeps
Django's value for the language.
"""
