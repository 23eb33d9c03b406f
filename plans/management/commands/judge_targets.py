"""Judge every target now from the stored results (after an upgrade, or to check a deadline that just passed).
Recomputes and the daily digest do this on their own."""

from django.core.management.base import BaseCommand

from plans import services


class Command(BaseCommand):
    help = "Judge every plan target from the stored results and store each status."

    def handle(self, *args, **options):
        count = services.targets_judge()
        self.stdout.write(f"judged {count} targets")
