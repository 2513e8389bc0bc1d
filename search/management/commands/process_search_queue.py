import time

from django.core.management.base import BaseCommand

from search import indexing


class Command(BaseCommand):
    help = "Push queued product changes to Elasticsearch (production runs this as a worker with --forever)."

    def add_arguments(self, parser):
        parser.add_argument("--forever", action="store_true", help="Keep polling the queue.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between polls.")

    def handle(self, *args, forever, interval, **options):
        while True:
            sent = indexing.process_queue()
            if sent:
                self.stdout.write(f"Sent {sent} products to Elasticsearch.")
            if not forever:
                return
            if not sent:
                time.sleep(interval)
