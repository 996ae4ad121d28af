"""Runs the reminder sweep now, in this process: the same code beat runs, with time travel and a dry run."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from missions.models import Mission
from tracker.reminders import services
from tracker.reminders.models import DigestKind


class Command(BaseCommand):
    help = (
        "Sends the reminder digests whose local 08:00 has come (and retries that are due), like the beat task "
        "does, in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Pretend it is this time (ISO 8601, e.g. 2025-03-10T08:05+07:00; without an offset: Ha Noi time).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print who would get what; send nothing, claim nothing."
        )
        parser.add_argument("--mission", metavar="CODE", help="Only this mission's digests (no committee digests).")

    def handle(self, *args, now=None, dry_run=False, mission=None, **options):
        moment = self._parse_now(now) if now else timezone.now()
        if mission:
            found = Mission.objects.filter(code=mission).first()
            if found is None:
                raise CommandError(f"No mission has the code {mission!r}.")
            if not found.is_active:
                raise CommandError(f"The mission {mission} is inactive: it gets no reminders.")
        result, outcome = services.reminders_run(now=moment, mission_code=mission, dry_run=dry_run)
        for plan in result.planned:
            self.stdout.write(self._line(plan, dry_run=dry_run))
        if dry_run:
            fresh = sum(1 for plan in result.planned if not plan.already_claimed)
            self.stdout.write(f"Dry run at {moment.isoformat()}: {fresh} digests would be sent; nothing was sent.")
            return
        self.stdout.write(
            f"At {moment.isoformat()}: {len(result.claimed)} digests claimed, "
            f"{len(result.due)} earlier ones due again; "
            f"{len(outcome.sent)} sent, {len(outcome.retrying)} to retry, {len(outcome.failed)} failed."
        )
        if outcome.retrying or outcome.failed:
            self.stderr.write("Some deliveries failed: see the reminders log in the admin.")

    @staticmethod
    def _parse_now(value: str):
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            raise CommandError(f"--now: {value!r} is not an ISO 8601 date and time (e.g. 2025-03-10T08:05+07:00).")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    @staticmethod
    def _line(plan, *, dry_run: bool) -> str:
        state = "already sent today" if plan.already_claimed else "would send" if dry_run else "claimed"
        items = plan.all_items()
        kinds = Counter(kind for _pk, kind, _days, _committee in items)
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        if plan.mission:
            where = plan.mission.code
        else:  # the committee's digest, or a person's one digest of several missions
            where = "several missions" if plan.kind == DigestKind.MISSION else "committee"
        ids = ",".join(str(pk) for pk, _kind, _days, _committee in items)
        return (
            f"{state}: {plan.kind} digest {plan.local_date:%d/%m/%Y} {where} → {plan.recipient.address} "
            f"({plan.recipient.language}): {counts} [assignments {ids}]"
        )
