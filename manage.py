#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    from tuki.core.footprint import leave_out_unused_clients

    leave_out_unused_clients()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuki.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
