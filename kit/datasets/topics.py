"""What each synthetic collaborative is about: its measures, their levels, and its change package.

Every number here is a teaching assumption shaped by a published study, named beside it, or
marked as the kit's own assumption where no single study gives it. The generator
(:mod:`kit.datasets.generator`) draws each team's levels around these values; nothing here is
patient data.

A measure's level is a *rate* (events per exposure, U chart) or a *proportion* (P chart). A
team's improvement moves the level from ``baseline`` towards ``baseline * (1 - effect)`` for
rates, or from ``baseline`` to ``improved`` for proportions. Process measures move first and
further than outcomes (``lag`` months later, and by a smaller relative effect), as
collaboratives report (Schouten et al., BMJ 2008, 336:1491).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kit.qi import records as r


@dataclass(frozen=True)
class MeasureSpec:
    """One measure of a topic's family, with how its numbers are drawn."""

    id: str
    name: str
    kind: Literal["outcome", "process", "balancing"]
    chart: Literal["u", "p"]
    multiply: float
    unit: str
    direction: Literal["up", "down"]
    definition: r.OperationalDefinition
    #: rate per exposure unit (U) or proportion (P) before any change, across teams
    baseline: float
    #: between-team spread of the baseline: log-normal sd for rates, logit sd for proportions
    spread: float
    #: relative reduction for rates (0.4 = 40% lower) at full effect; 0 = does not move
    effect: float = 0.0
    #: proportion reached at full effect (P measures that improve); None = does not move
    improved: float | None = None
    #: months after a team's change before this measure starts to move
    lag: int = 0
    #: amplitude of the winter peak (0.1 = 10% higher in January than the yearly mean)
    season: float = 0.0
    #: where the denominator comes from: "exposure" (patient-days, line-days), "cases"
    #: (eligible patients of the month), "sample" (a fixed audit sample) or "parent" (the
    #: numerator of ``parent``: falls with harm are a subset of falls)
    denominator: Literal["exposure", "cases", "sample", "parent"] = "exposure"
    sample: int = 20
    parent: str | None = None
    #: the driver this measure tracks (process measures), for the family of measures
    driver_id: str | None = None
    source: str = ""


@dataclass(frozen=True)
class TopicSpec:
    """A topic the generator can build a collaborative around."""

    key: str
    title: str
    collaborative_name: str
    collaborative_aim: str
    sponsor: str
    unit_kind: str  # what a team is: "ward", "ICU", "hospital"
    population: str  # for whom the teams' aims are written
    exposure_name: str  # "patient-days", "line-days"
    exposure: tuple[float, float]  # monthly exposure per team, low and high
    exposure_season: float  # winter rise in exposure (sepsis cases, bed occupancy)
    cases: tuple[float, float]  # eligible cases a month per team (for "cases" measures)
    measures: tuple[MeasureSpec, ...]
    aim_measure: str  # the measure team aims are written on
    aim_reduction: float  # the aim's relative change (0.3 = 30% better)
    primary_drivers: tuple[tuple[str, str], ...]
    secondary_drivers: tuple[tuple[str, str, tuple[str, ...]], ...]
    #: change ideas: id, text, secondary driver ids, change-concept key (change_concepts.yaml)
    change_ideas: tuple[tuple[str, str, tuple[str, ...], str], ...]
    #: each team's own idea: text, the secondary driver it serves, its change-concept key
    team_idea: tuple[str, str, str]
    #: the package idea each team tests first, which drives the process measure
    lead_idea: str
    team_names: tuple[str, ...] = field(default=())
    sources: tuple[str, ...] = field(default=())


def _definition(**fields: str) -> r.OperationalDefinition:
    return r.OperationalDefinition(frequency="monthly", **fields)


NDNQI = (
    "NDNQI falls benchmarks: 3.56 falls per 1,000 patient-days overall, 4.03 on medical units, "
    "0.93 injurious falls (Bouldin et al., J Patient Saf 2013, 9:13-17)"
)
FALLS_EFFECT = (
    "Falls programmes in hospitals report roughly 20-40% fewer falls (Cameron et al., Cochrane "
    "Database Syst Rev 2018, CD005465; Dykes et al., JAMA 2010, 304:1912-8); the reduction in "
    "falls with harm assumed here (about 58%) is this kit's teaching assumption: harm falls "
    "further than falls when post-fall care improves too"
)
KEYSTONE = (
    "Keystone ICU project: mean 7.7 CLABSI per 1,000 catheter-days at baseline, 1.1-1.3 at 16-18 "
    "months (Pronovost et al., NEJM 2006, 355:2725-32)"
)
MILLER = (
    "Intermountain sepsis programme: all-or-none bundle compliance 4.9% -> 73.4%, mortality "
    "21.2% -> 8.7% (Miller et al., Am J Respir Crit Care Med 2013, 188:77-82)"
)
SEASON = (
    "Winter peaks: falls and sepsis admissions rise in winter (NHS England A&E and sepsis "
    "statistics; Danai et al., Crit Care Med 2007, 35:410-5)"
)

FALLS = TopicSpec(
    key="falls",
    title="Preventing inpatient falls with harm on adult wards",
    collaborative_name="Safer Wards Falls Collaborative",
    collaborative_aim="Reduce falls with harm on participating adult inpatient wards by 30%",
    sponsor="Regional Patient Safety Collaborative",
    unit_kind="ward",
    population="adult inpatients",
    exposure_name="patient-days",
    exposure=(560.0, 960.0),  # a 20-32 bed ward at ~95% occupancy
    exposure_season=0.03,
    cases=(20.0, 32.0),  # patients on the ward on the audit day
    measures=(
        MeasureSpec(
            id="m-falls",
            name="Falls per 1,000 patient-days",
            kind="outcome",
            chart="u",
            multiply=1000,
            unit="falls per 1,000 patient-days",
            direction="down",
            definition=_definition(
                numerator="Inpatient falls reported in the incident system in the month",
                denominator="Occupied bed-days (patient-days) in the month",
                inclusions="Adults on the participating ward",
                exclusions="Day-case patients",
                data_source="Incident reporting system; bed management system",
                sampling="All falls",
            ),
            baseline=4.0 / 1000,
            spread=0.12,
            effect=0.40,
            lag=1,
            season=0.10,
            source=f"{NDNQI}; {FALLS_EFFECT}; {SEASON}",
        ),
        MeasureSpec(
            id="m-harm",
            name="Falls with harm per 1,000 patient-days",
            kind="outcome",
            chart="u",
            multiply=1000,
            unit="falls with harm per 1,000 patient-days",
            direction="down",
            definition=_definition(
                numerator="Falls in the month graded minor harm or worse in the incident system",
                denominator="Occupied bed-days (patient-days) in the month",
                inclusions="Adults on the participating ward",
                exclusions="Day-case patients; falls graded no harm",
                data_source="Incident reporting system (harm grade); bed management system",
                sampling="All falls",
            ),
            baseline=0.25,  # share of falls that harm: 0.93 of ~3.6 (NDNQI)
            spread=0.15,
            effect=0.30,  # harm share falls too, so harm falls ~58% in all
            lag=2,
            denominator="parent",
            parent="m-falls",
            source=f"{NDNQI}; {FALLS_EFFECT}",
        ),
        MeasureSpec(
            id="m-assess",
            name="Falls risk assessed within 24 hours",
            kind="process",
            chart="p",
            multiply=100,
            unit="% of sampled patients",
            direction="up",
            definition=_definition(
                numerator="Sampled patients with a completed falls risk assessment within 24 "
                "hours of admission",
                denominator="Patients sampled (20 random admissions a month)",
                inclusions="Adults admitted to the ward",
                exclusions="Stays under 24 hours",
                data_source="Nursing notes audit",
                sampling="20 random admissions a month",
            ),
            baseline=0.55,
            spread=0.35,
            improved=0.92,
            denominator="sample",
            sample=20,
            driver_id="pd-risk",
            source="Teaching assumption of this kit (no single published series): audit "
            "compliance starting near half and reaching about 90%, as the bundle audits of the "
            "CLABSI and sepsis topics below do",
        ),
        MeasureSpec(
            id="m-restraint",
            name="Patients with bed rails or restraint",
            kind="balancing",
            chart="p",
            multiply=100,
            unit="% of sampled patients",
            direction="down",
            definition=_definition(
                numerator="Sampled patients with bed rails raised or any restraint on the "
                "audit day",
                denominator="Patients on the ward on the audit day",
                data_source="Monthly point-prevalence audit",
                sampling="All patients on one day",
            ),
            baseline=0.12,
            spread=0.25,
            denominator="cases",
            source="Teaching assumption of this kit: about 12% of patients with bed rails up or "
            "restraint, unchanged by the falls work (the balancing question: do fewer falls "
            "come from restraining more patients? Healey et al., Age Ageing 2008, 37:368-78, "
            "review bed rails and falls)",
        ),
    ),
    aim_measure="m-falls",
    aim_reduction=0.30,
    primary_drivers=(
        ("pd-risk", "Every patient's falls risk is known and acted on"),
        ("pd-env", "A safe ward environment"),
        ("pd-culture", "A team culture that learns from every fall"),
    ),
    secondary_drivers=(
        ("sd-assess", "Risk assessed within 24 hours", ("pd-risk",)),
        ("sd-meds", "Medicines that raise falls risk reviewed", ("pd-risk",)),
        ("sd-toilet", "Planned help with toileting", ("pd-risk", "pd-env")),
        ("sd-kit", "Call bell, glasses and footwear in reach", ("pd-env",)),
        ("sd-huddle", "Post-fall huddle within the shift", ("pd-culture",)),
    ),
    change_ideas=(
        (
            "ci-checklist",
            "Admission falls checklist in the nursing notes",
            ("sd-assess",),
            "use_reminders",
        ),
        (
            "ci-pharm",
            "Pharmacist review of sedatives for high-risk patients",
            ("sd-meds",),
            "standardize",
        ),
        (
            "ci-rounding",
            "Hourly intentional rounding with the 4 Ps",
            ("sd-toilet", "sd-kit"),
            "standardize",
        ),
        (
            "ci-socks",
            "Non-slip socks kept at every bed space",
            ("sd-kit",),
            "take_care_of_basics",
        ),
        ("ci-huddle", "Five-minute post-fall huddle form", ("sd-huddle",), "use_reminders"),
    ),
    team_idea=("Falls-risk symbol on the patient board", "sd-assess", "use_differentiation"),
    lead_idea="ci-checklist",
    sources=(NDNQI, FALLS_EFFECT, SEASON),
)

CLABSI = TopicSpec(
    key="clabsi",
    title="Eliminating central line-associated bloodstream infections in intensive care",
    collaborative_name="Zero Line Infections ICU Collaborative",
    collaborative_aim="Reduce CLABSI in participating ICUs by 60%",
    sponsor="Regional Critical Care Network",
    unit_kind="ICU",
    population="adult ICU patients with a central line",
    exposure_name="line-days",
    exposure=(180.0, 520.0),  # a 10-24 bed ICU, about half the patients with a line
    exposure_season=0.0,
    cases=(12.0, 40.0),
    measures=(
        MeasureSpec(
            id="m-clabsi",
            name="CLABSI per 1,000 line-days",
            kind="outcome",
            chart="u",
            multiply=1000,
            unit="infections per 1,000 line-days",
            direction="down",
            definition=_definition(
                numerator="Central line-associated bloodstream infections (CDC/NHSN definition) "
                "in the month",
                denominator="Central-line days in the month (patients with a line, counted daily)",
                inclusions="Adult ICU patients with a central line in place for over 2 days",
                exclusions="Infections present on admission; secondary bloodstream infections",
                data_source="Infection prevention surveillance; daily line census",
                sampling="All lines",
            ),
            baseline=4.5 / 1000,
            spread=0.35,
            effect=0.65,
            lag=2,
            source=KEYSTONE,
        ),
        MeasureSpec(
            id="m-bundle",
            name="Insertion bundle compliance",
            kind="process",
            chart="p",
            multiply=100,
            unit="% of central lines inserted",
            direction="up",
            definition=_definition(
                numerator="Lines inserted with every element of the insertion checklist "
                "(hand hygiene, full barrier, chlorhexidine, site choice, sterile dressing)",
                denominator="Central lines inserted in the ICU in the month",
                inclusions="Lines inserted in the ICU",
                exclusions="Lines inserted elsewhere; emergencies during cardiac arrest",
                data_source="Insertion checklist completed by the observing nurse",
                sampling="All insertions",
            ),
            baseline=0.45,
            spread=0.45,
            improved=0.93,
            denominator="cases",
            driver_id="pd-insert",
            source=KEYSTONE,
        ),
        MeasureSpec(
            id="m-removal",
            name="Lines reviewed daily for removal",
            kind="balancing",
            chart="p",
            multiply=100,
            unit="% of line-days audited",
            direction="up",
            definition=_definition(
                numerator="Audited line-days with a documented decision that the line is "
                "still needed",
                denominator="Line-days audited (20 a month)",
                data_source="Daily goals sheet audit",
                sampling="20 random line-days a month",
            ),
            baseline=0.60,
            spread=0.40,
            improved=0.85,
            lag=1,
            denominator="sample",
            sample=20,
            driver_id="pd-days",
            source=KEYSTONE,
        ),
    ),
    aim_measure="m-clabsi",
    aim_reduction=0.60,
    primary_drivers=(
        ("pd-insert", "Every line is inserted cleanly"),
        ("pd-maintain", "Every line is cared for cleanly"),
        ("pd-days", "No line stays in a day longer than needed"),
    ),
    secondary_drivers=(
        ("sd-checklist", "The insertion checklist is used every time", ("pd-insert",)),
        ("sd-cart", "Everything for insertion is in one place", ("pd-insert",)),
        ("sd-dressing", "Dressings and hubs are cleaned to standard", ("pd-maintain",)),
        ("sd-review", "Daily review of whether each line is needed", ("pd-days",)),
    ),
    change_ideas=(
        (
            "ci-checklist",
            "Nurse empowered to stop an insertion that breaks the checklist",
            ("sd-checklist",),
            "use_reminders",
        ),
        (
            "ci-cart",
            "A stocked central-line cart in every ICU pod",
            ("sd-cart",),
            "take_care_of_basics",
        ),
        (
            "ci-chg",
            "Chlorhexidine bathing and scrub-the-hub standard",
            ("sd-dressing",),
            "standardize",
        ),
        (
            "ci-goals",
            "Line needed? on the daily goals sheet",
            ("sd-review",),
            "use_reminders",
        ),
    ),
    team_idea=("Insertion kit with the checklist printed on the lid", "sd-cart", "use_reminders"),
    lead_idea="ci-checklist",
    sources=(KEYSTONE,),
)

SEPSIS = TopicSpec(
    key="sepsis",
    title="Recognising and treating sepsis early",
    collaborative_name="Sepsis Six Collaborative",
    collaborative_aim="Reduce sepsis mortality in participating hospitals by 30%",
    sponsor="Regional Quality Board",
    unit_kind="hospital",
    population="adults with severe sepsis or septic shock",
    exposure_name="patient-days",
    exposure=(4000.0, 12000.0),
    exposure_season=0.05,
    cases=(18.0, 70.0),  # adults with severe sepsis or septic shock a month
    measures=(
        MeasureSpec(
            id="m-mortality",
            name="Sepsis mortality",
            kind="outcome",
            chart="p",
            multiply=100,
            unit="% of patients with severe sepsis",
            direction="down",
            definition=_definition(
                numerator="Patients in the denominator who died in hospital",
                denominator="Adults with severe sepsis or septic shock discharged in the month",
                inclusions="Adults admitted through the emergency department",
                exclusions="Patients on an end-of-life pathway at admission",
                data_source="Sepsis screening register; discharge data",
                sampling="All eligible patients",
            ),
            baseline=0.21,
            spread=0.20,
            improved=0.15,
            lag=2,
            season=0.08,
            denominator="cases",
            source=f"{MILLER}; {SEASON}",
        ),
        MeasureSpec(
            id="m-sepsis-bundle",
            name="All-or-none sepsis bundle compliance",
            kind="process",
            chart="p",
            multiply=100,
            unit="% of patients with severe sepsis",
            direction="up",
            definition=_definition(
                numerator="Patients given every element of the bundle in time (lactate, blood "
                "cultures before antibiotics, antibiotics within 1 hour, fluids when hypotensive)",
                denominator="Adults with severe sepsis or septic shock in the month",
                inclusions="Adults admitted through the emergency department",
                exclusions="Patients transferred in after treatment started",
                data_source="Sepsis screening register",
                sampling="All eligible patients",
            ),
            baseline=0.12,
            spread=0.45,
            improved=0.70,
            denominator="cases",
            driver_id="pd-treat",
            source=MILLER,
        ),
        MeasureSpec(
            id="m-nonsepsis",
            name="Antibiotics started for suspected sepsis, infection later ruled out",
            kind="balancing",
            chart="p",
            multiply=100,
            unit="% of patients treated for suspected sepsis",
            direction="down",
            definition=_definition(
                numerator="Patients treated for suspected sepsis whose discharge diagnosis has "
                "no infection",
                denominator="Patients given antibiotics for suspected sepsis in the month",
                data_source="Sepsis screening register; discharge coding",
                sampling="All treated patients",
            ),
            baseline=0.18,
            spread=0.20,
            denominator="cases",
            source="Teaching assumption of this kit: about 18% of patients treated for suspected "
            "sepsis turn out not to be infected, unchanged by the work (overtreatment is the "
            "balancing question of sepsis screening)",
        ),
    ),
    aim_measure="m-mortality",
    aim_reduction=0.30,
    primary_drivers=(
        ("pd-recognise", "Sepsis is recognised at the front door and on the wards"),
        ("pd-treat", "Every patient with sepsis gets the bundle within the hour"),
        ("pd-escalate", "Deteriorating patients reach critical care in time"),
    ),
    secondary_drivers=(
        ("sd-screen", "Screening at triage for every adult with infection", ("pd-recognise",)),
        ("sd-ews", "Early warning scores acted on", ("pd-recognise", "pd-escalate")),
        ("sd-grab", "Bundle equipment ready where patients arrive", ("pd-treat",)),
        ("sd-abx", "Antibiotics prescribed and given within the hour", ("pd-treat",)),
    ),
    change_ideas=(
        (
            "ci-screen",
            "Sepsis screening tool in the triage record",
            ("sd-screen",),
            "use_reminders",
        ),
        (
            "ci-grab",
            "Sepsis grab bag in every resuscitation bay",
            ("sd-grab",),
            "take_care_of_basics",
        ),
        (
            "ci-pgd",
            "Nurse-initiated antibiotics under a group direction",
            ("sd-abx",),
            "standardize",
        ),
        ("ci-outreach", "Outreach called on a score of 5 or more", ("sd-ews",), "standardize"),
    ),
    team_idea=("Sepsis trolley checked every shift", "sd-grab", "take_care_of_basics"),
    lead_idea="ci-screen",
    sources=(MILLER, SEASON),
)

TOPICS: dict[str, TopicSpec] = {t.key: t for t in (FALLS, CLABSI, SEPSIS)}
