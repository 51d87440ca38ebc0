from typing import Any

from django.core.management.base import BaseCommand

from tuki.accounts.models import User
from tuki.demo.agreements import seed_agreements
from tuki.demo.catalogue import seed_catalogue
from tuki.demo.handbook import seed_handbook
from tuki.demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_logins, seed_demo
from tuki.demo.requests import seed_requests


class Command(BaseCommand):
    help = "Create the demo supplier staff and customers (safe to run again: only what is missing is created)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any user exists already.")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("Database has users already; demo data not seeded.")
        else:
            created = seed_demo() + seed_agreements() + seed_requests() + seed_handbook() + seed_catalogue()
            self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} records created)."))
        if not options["quiet_logins"]:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for email, role in demo_logins():
                self.stdout.write(f"  {email:<28} {role}")
            self.stdout.write(f"The manager's second step: a TOTP app with the key {DEMO_TOTP_SECRET}")
