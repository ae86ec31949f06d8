"""The sample data of the demo: a fictional company's services, incidents and
maintenances, dated relative to a clock so that the demo always looks current.

``loading.load_sample_data`` turns these specs into rows and derives the
status history from them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from statusboard.models import CollapseMode, IncidentImpact, IncidentStatus, ServiceStatus

# The seed of the few details left to chance (short slowdowns, creation dates),
# fixed so that every load gives the same data.
SEED = 20240601


@dataclass(frozen=True)
class Clock:
    """Dates relative to ``now``, in the current time zone, to the minute."""

    now: datetime.datetime

    def days_ago(self, days: int, at: str) -> datetime.datetime:
        """``at`` ("HH:MM", local time) on the day ``days`` days before today."""
        day = timezone.localdate(self.now) - datetime.timedelta(days=days)
        time = datetime.time.fromisoformat(at)
        # In UTC, so that adding minutes to it never trips over a DST change.
        return timezone.make_aware(datetime.datetime.combine(day, time)).astimezone(datetime.UTC)

    def days_ahead(self, days: int, at: str) -> datetime.datetime:
        return self.days_ago(-days, at)

    def minutes_ago(self, minutes: int) -> datetime.datetime:
        return self.now.replace(second=0, microsecond=0) - datetime.timedelta(minutes=minutes)


@dataclass(frozen=True)
class GroupSpec:
    name: str
    priority: int
    collapse: CollapseMode = CollapseMode.NEVER


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    description: str
    href: str
    priority: int
    groups: tuple[str, ...]
    public: bool = True
    # None: a random day between 100 and 400 days ago.
    created_days_ago: int | None = None


@dataclass(frozen=True)
class UpdateSpec:
    minutes: int  # after the incident started
    status: IncidentStatus
    service_status: ServiceStatus  # of the incident's services from this update on
    description: str


@dataclass(frozen=True)
class IncidentSpec:
    name: str
    started: datetime.datetime
    services: tuple[str, ...]
    impact: IncidentImpact
    updates: tuple[UpdateSpec, ...]
    postmortem: str = ""


@dataclass(frozen=True)
class MaintenanceSpec:
    name: str
    description: str
    scheduled: datetime.datetime
    end: datetime.datetime
    services: tuple[str, ...]
    # The status of its services while it is under way.
    service_status: ServiceStatus = ServiceStatus.OPERATIONAL


GROUPS = (
    GroupSpec("Web", 50),
    GroupSpec("API", 40),
    GroupSpec("Payments", 30),
    GroupSpec("Notifications", 20, CollapseMode.ALWAYS),
    GroupSpec("Infrastructure", 10, CollapseMode.IF_OPERATIONAL),
)

SERVICES = (
    ServiceSpec(
        "Website",
        "The public website and the sign-up pages.",
        "https://www.example.com/",
        30,
        ("Web",),
    ),
    ServiceSpec(
        "Customer dashboard",
        "Where customers manage their account, projects and billing.",
        "https://dashboard.example.com/",
        20,
        ("Web",),
    ),
    ServiceSpec(
        "Documentation",
        "Guides and the API reference.",
        "https://docs.example.com/",
        10,
        ("Web",),
    ),
    ServiceSpec(
        "Authentication",
        "Sign-in, single sign-on and API tokens.",
        "https://docs.example.com/auth/",
        40,
        ("Web", "API"),
    ),
    ServiceSpec(
        "Public API",
        "The REST API at api.example.com.",
        "https://docs.example.com/api/",
        30,
        ("API",),
    ),
    ServiceSpec(
        "Webhooks",
        "Event deliveries to the endpoints customers register.",
        "https://docs.example.com/webhooks/",
        20,
        ("API",),
    ),
    ServiceSpec(
        "Mobile app backend",
        "The API behind the iOS and Android apps, launched a month ago.",
        "",
        10,
        ("API",),
        created_days_ago=30,
    ),
    ServiceSpec(
        "Card payments",
        "Card payments at checkout, through our payment provider.",
        "",
        30,
        ("Payments",),
    ),
    ServiceSpec(
        "Bank transfers",
        "SEPA transfers and their confirmations.",
        "",
        20,
        ("Payments",),
    ),
    ServiceSpec(
        "Invoicing",
        "Monthly invoices and their PDFs.",
        "https://docs.example.com/billing/invoices/",
        10,
        ("Payments",),
    ),
    ServiceSpec("Email delivery", "Transactional email.", "", 30, ("Notifications",)),
    ServiceSpec(
        "SMS notifications",
        "Text messages for alerts and sign-in codes.",
        "",
        20,
        ("Notifications",),
    ),
    ServiceSpec(
        "Push notifications",
        "Notifications to the mobile apps.",
        "",
        10,
        ("Notifications",),
    ),
    ServiceSpec(
        "Database cluster",
        "The primary PostgreSQL cluster and its replicas.",
        "",
        50,
        ("Infrastructure",),
    ),
    ServiceSpec(
        "Object storage",
        "Uploaded files and exports.",
        "",
        40,
        ("Infrastructure",),
    ),
    ServiceSpec(
        "CDN",
        "Static assets and downloads, served from the edge.",
        "",
        30,
        ("Infrastructure",),
    ),
    ServiceSpec(
        "Search",
        "Full-text search across projects.",
        "",
        20,
        ("Infrastructure",),
    ),
    ServiceSpec(
        "Background jobs",
        "Exports, imports and scheduled tasks.",
        "",
        10,
        ("Infrastructure",),
    ),
    ServiceSpec(
        "Deploy pipeline",
        "Internal: builds and deploys of our own services.",
        "",
        0,
        ("Infrastructure",),
        public=False,
    ),
    ServiceSpec(
        "Community forum",
        "Questions and answers from the community.",
        "https://forum.example.com/",
        0,
        (),
    ),
)

DATABASE_POSTMORTEM = """\
At 03:12 the primary node of the database cluster ran out of disk space: a \
maintenance query had filled its write-ahead log volume. The health check \
marked the node as failed, but the automatic failover stopped halfway because \
the replica was further behind than the failover allows.

The engineer on call was paged at 03:15 and promoted the replica by hand at \
03:50; requests succeeded again from then on. Background jobs queued during the \
outage took until 04:47 to drain.

What we are changing:

- Alerts on the write-ahead log volume at 70% and 85% full.
- A statement timeout for maintenance queries.
- A failover runbook for a lagging replica, rehearsed every quarter.
"""


def incidents(clock: Clock) -> tuple[IncidentSpec, ...]:
    """The sample incidents, oldest first; the last two are still open."""
    return (
        IncidentSpec(
            "Database failover caused a platform outage",
            clock.days_ago(71, "03:12"),
            (
                "Database cluster",
                "Public API",
                "Customer dashboard",
                "Webhooks",
                "Background jobs",
            ),
            IncidentImpact.CRITICAL,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.MAJOR_OUTAGE,
                    "The API and the dashboard are returning errors. We are investigating.",
                ),
                UpdateSpec(
                    14,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.MAJOR_OUTAGE,
                    "The primary database node failed and the automatic failover did not "
                    "complete. We are promoting the replica by hand.",
                ),
                UpdateSpec(
                    38,
                    IncidentStatus.WATCHING,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "The replica has been promoted and requests succeed again. Queued "
                    "background jobs are catching up, so some actions are slower than usual.",
                ),
                UpdateSpec(
                    95,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "Background jobs have caught up and everything works normally again. "
                    "We will publish a postmortem.",
                ),
            ),
            postmortem=DATABASE_POSTMORTEM,
        ),
        IncidentSpec(
            "Elevated error rates on the Public API",
            clock.days_ago(58, "16:40"),
            ("Public API",),
            IncidentImpact.MAJOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "About one API request in ten fails with a 502 error. We are investigating.",
                ),
                UpdateSpec(
                    22,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "A load balancer node is dropping connections; we are taking it out of "
                    "rotation.",
                ),
                UpdateSpec(
                    41,
                    IncidentStatus.WATCHING,
                    ServiceStatus.OPERATIONAL,
                    "The faulty node is out of rotation and error rates are back to normal.",
                ),
                UpdateSpec(
                    71,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "This incident has been resolved.",
                ),
            ),
        ),
        IncidentSpec(
            "Card payments declined for some customers",
            clock.days_ago(49, "11:20"),
            ("Card payments",),
            IncidentImpact.MAJOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "Some card payments are declined at checkout. We are investigating.",
                ),
                UpdateSpec(
                    18,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "Our payment provider reports an outage at one of its acquiring banks "
                    "and is rerouting payments.",
                ),
                UpdateSpec(
                    64,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "Payments go through again. Customers whose payment was declined can "
                    "retry now.",
                ),
            ),
        ),
        IncidentSpec(
            "Delayed email delivery",
            clock.days_ago(41, "08:05"),
            ("Email delivery",),
            IncidentImpact.MINOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "Emails are arriving up to 20 minutes late. We are investigating.",
                ),
                UpdateSpec(
                    31,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "Our email provider is throttling us after a spike in volume; we are "
                    "working with them to lift the limit.",
                ),
                UpdateSpec(
                    84,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "The limit has been lifted and the queue of emails has been sent.",
                ),
            ),
        ),
        IncidentSpec(
            "Documentation site unavailable",
            clock.days_ago(33, "21:50"),
            ("Documentation",),
            IncidentImpact.MINOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.MAJOR_OUTAGE,
                    "docs.example.com does not load. We are investigating.",
                ),
                UpdateSpec(
                    12,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.MAJOR_OUTAGE,
                    "A faulty release of the documentation was published; we are rolling it back.",
                ),
                UpdateSpec(
                    26,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "The previous release is back and the documentation loads again.",
                ),
            ),
        ),
        IncidentSpec(
            "Slow dashboard",
            clock.days_ago(26, "10:30"),
            ("Customer dashboard",),
            IncidentImpact.MINOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "Pages of the dashboard take several seconds to load. We are investigating.",
                ),
                UpdateSpec(
                    45,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "A missing database index slows down the project list; we are adding it.",
                ),
                UpdateSpec(
                    80,
                    IncidentStatus.WATCHING,
                    ServiceStatus.OPERATIONAL,
                    "The index is in place and pages load quickly again. We are watching.",
                ),
                UpdateSpec(
                    140,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "This incident has been resolved.",
                ),
            ),
        ),
        IncidentSpec(
            "Webhook deliveries delayed",
            clock.days_ago(19, "13:15"),
            ("Webhooks", "Background jobs"),
            IncidentImpact.MINOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "Webhooks are delivered with a delay of several minutes.",
                ),
                UpdateSpec(
                    27,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "A large import is holding up the job queue. We have added workers.",
                ),
                UpdateSpec(
                    58,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "The queue is empty again and webhooks are delivered on time.",
                ),
            ),
        ),
        IncidentSpec(
            "Push notifications not delivered on Android",
            clock.days_ago(14, "18:45"),
            ("Push notifications", "Mobile app backend"),
            IncidentImpact.MAJOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "Android devices are not receiving push notifications. iOS is not affected.",
                ),
                UpdateSpec(
                    35,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "The credentials for the Android push service expired; we are renewing them.",
                ),
                UpdateSpec(
                    52,
                    IncidentStatus.WATCHING,
                    ServiceStatus.OPERATIONAL,
                    "New credentials are in place and notifications are flowing again.",
                ),
                UpdateSpec(
                    110,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "This incident has been resolved. We now alert well before credentials expire.",
                ),
            ),
        ),
        IncidentSpec(
            "Invoice PDFs missing line items",
            clock.days_ago(9, "09:40"),
            ("Invoicing",),
            IncidentImpact.MINOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.OPERATIONAL,
                    "Some invoice PDFs generated this morning leave out discounted line "
                    "items. Totals are correct. We are preparing a fix.",
                ),
                UpdateSpec(
                    190,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "The fix is deployed and the affected PDFs have been generated again.",
                ),
            ),
        ),
        IncidentSpec(
            "Deploys stuck in the queue",
            clock.days_ago(6, "12:00"),
            ("Deploy pipeline",),
            IncidentImpact.NONE,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "Deploys wait in the queue and do not start.",
                ),
                UpdateSpec(
                    25,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "A stuck build runner has been restarted and the queue is moving.",
                ),
            ),
        ),
        IncidentSpec(
            "Intermittent timeouts on uploads",
            clock.days_ago(4, "15:25"),
            ("Object storage",),
            IncidentImpact.MINOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "Some large uploads time out. We are investigating.",
                ),
                UpdateSpec(
                    40,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "A storage node with a failing disk slows down writes; we are draining it.",
                ),
                UpdateSpec(
                    95,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "The node has been replaced and uploads complete normally.",
                ),
            ),
        ),
        IncidentSpec(
            "Bank transfer confirmations delayed",
            clock.days_ago(2, "10:10"),
            ("Bank transfers",),
            IncidentImpact.MINOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "Confirmations of incoming bank transfers are late by a few hours.",
                ),
                UpdateSpec(
                    55,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "Our bank delivers its statements late today; we are in touch with them.",
                ),
                UpdateSpec(
                    230,
                    IncidentStatus.FIXED,
                    ServiceStatus.OPERATIONAL,
                    "The statements have arrived and all transfers are confirmed.",
                ),
            ),
        ),
        IncidentSpec(
            "Sign-in failures for some users",
            clock.minutes_ago(300),
            ("Authentication",),
            IncidentImpact.MINOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "Some users cannot sign in and see an error page. We are investigating.",
                ),
                UpdateSpec(
                    35,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "A session store node is rejecting writes. We are replacing it.",
                ),
                UpdateSpec(
                    120,
                    IncidentStatus.WATCHING,
                    ServiceStatus.PERFORMANCE_ISSUES,
                    "The node has been replaced and most sign-ins succeed; a few are still "
                    "slow. We are watching.",
                ),
            ),
        ),
        IncidentSpec(
            "Delayed SMS to some carriers",
            clock.minutes_ago(95),
            ("SMS notifications",),
            IncidentImpact.MINOR,
            (
                UpdateSpec(
                    0,
                    IncidentStatus.INVESTIGATING,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "Text messages to some mobile carriers arrive late or not at all.",
                ),
                UpdateSpec(
                    40,
                    IncidentStatus.IDENTIFIED,
                    ServiceStatus.PARTIAL_OUTAGE,
                    "One of our SMS gateways has an outage. We are moving traffic to another one.",
                ),
            ),
        ),
    )


def maintenances(clock: Clock) -> tuple[MaintenanceSpec, ...]:
    """Three past maintenances, one under way and two upcoming."""
    return (
        MaintenanceSpec(
            "Database upgrade to PostgreSQL 17",
            "The database cluster moves to PostgreSQL 17. Expect a few seconds of "
            "errors when the primary switches over.",
            clock.days_ago(40, "02:00"),
            clock.days_ago(40, "03:30"),
            ("Database cluster",),
        ),
        MaintenanceSpec(
            "CDN provider migration",
            "Static assets move to a new CDN provider, one region at a time.",
            clock.days_ago(20, "01:00"),
            clock.days_ago(20, "05:00"),
            ("CDN", "Website"),
        ),
        MaintenanceSpec(
            "Payment gateway certificate rotation",
            "We rotate the certificates we use with our payment provider.",
            clock.days_ago(8, "06:00"),
            clock.days_ago(8, "06:30"),
            ("Card payments", "Bank transfers"),
        ),
        MaintenanceSpec(
            "Search index rebuild",
            "We rebuild the search index; until it is done, results may be incomplete.",
            clock.minutes_ago(45),
            clock.minutes_ago(-135),
            ("Search",),
            service_status=ServiceStatus.PERFORMANCE_ISSUES,
        ),
        MaintenanceSpec(
            "Email infrastructure upgrade",
            "Outgoing email moves to new servers. Emails may be delayed by a few minutes.",
            clock.days_ahead(3, "22:00"),
            clock.days_ahead(4, "00:00"),
            ("Email delivery",),
        ),
        MaintenanceSpec(
            "Network maintenance in our main data center",
            "Our hosting provider replaces core switches. Each service stays up on the "
            "redundant network.",
            clock.days_ahead(12, "01:00"),
            clock.days_ahead(12, "04:00"),
            ("Database cluster", "Object storage", "Background jobs"),
        ),
    )
