"""Time the organisation report and the staff overview on the data in the database (e.g. generate_load_data),
after rebuilding the quota ledger the staff overview reads (the bulk loader bypasses its refreshes)."""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.institutions import quotas
from shop.institutions.models import Membership, Organisation


class Command(BaseCommand):
    help = "Measure the quota report and the staff overview: counted lines, organisations, time and queries."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=5)
        parser.add_argument(
            "--year", type=int, default=None, help="default: the year with most counted lines"
        )

    def handle(self, *args, requests, year, **options):
        years = (
            quotas.Line.objects.filter(order__organisation_link__isnull=False)
            .order_by()
            .values_list("order__date_placed__year", flat=True)
            .distinct()
        )
        year = year or max(years, key=lambda y: quotas.counted_lines(year=y).count(), default=None)
        if year is None:
            raise CommandError("No organisation orders: run generate_load_data first.")
        counted = quotas.counted_lines(year=year).count()
        organisations = Organisation.objects.count()
        busiest = Organisation.objects.annotate(n=Count("orders")).order_by("-n").first()
        admin = (
            Membership.objects.filter(organisation=busiest, is_administrator=True)
            .select_related("user")
            .first()
        )
        if admin is None:
            raise CommandError("The busiest organisation has no administrator.")
        staff = get_user_model().objects.filter(is_staff=True).first() or get_user_model().objects.create(
            username="bench-staff", email="bench-staff@example.invalid", is_staff=True
        )
        self.stdout.write(f"year {year}: {counted} counted lines, {organisations} organisations")
        started = time.perf_counter()
        quotas.recount_ledger(years=[year])
        self.stdout.write(f"  quota ledger recount  {(time.perf_counter() - started) * 1000:7.1f} ms")
        for label, user, url in (
            ("organisation report", admin.user, reverse("institutions:report", kwargs={"pk": busiest.pk})),
            (
                "report XLSX export",
                admin.user,
                reverse("institutions:report-xlsx", kwargs={"pk": busiest.pk}),
            ),
            ("staff overview", staff, reverse("institutions-dashboard:overview")),
            ("staff overview XLSX", staff, reverse("institutions-dashboard:overview") + "?format=xlsx"),
        ):
            client = Client()
            client.force_login(user)
            separator = "&" if "?" in url else "?"
            url = f"{url}{separator}year={year}"
            client.get(url)  # warm up: session, basket, connection
            timings = []
            for _ in range(requests):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            self.stdout.write(
                f"  {label:<22} median {statistics.median(timings):7.1f} ms  max {max(timings):7.1f} ms  "
                f"queries {len(captured)}"
            )
