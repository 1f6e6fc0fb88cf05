"""Load the founding example: eight NGOs, five Russian laws, one statement of 19 December 2012.

The facts (names, laws, identifiers, dates, penalties, demands) come from the seed press
release in the design notes, with identifiers, the 'foreign agents' bill's number and vote,
timeline dates and court rulings added only where they are certain. The statement's title,
standfirst and body are written in Chorus's own words.

Running it again changes nothing: every row is found by its slug or natural key, updated
only if the data here differs, and the statement goes through the editorial workflow only
while it is still a draft.
"""

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from campaigns.models import (
    Addressing,
    Campaign,
    Coalition,
    CoalitionMembership,
    Demand,
    Leverage,
    Moment,
    Signature,
    Statement,
    Target,
)
from legislation.models import Law, LawEvent, LawSource, Penalty, Provision, Right, Standard
from operations.changes import public_pages_changed
from organisations.models import Organisation, OrganisationParent

Org = Organisation.Kind

# --- organisations -----------------------------------------------------------------

ORGANISATIONS: tuple[dict[str, Any], ...] = (
    {
        "slug": "amnesty-international",
        "name": "Amnesty International",
        "short_name": "Amnesty",
        "country": "GB",
        "website": "https://www.amnesty.org",
    },
    {
        "slug": "civicus",
        "name": "CIVICUS: World Alliance for Citizen Participation",
        "short_name": "CIVICUS",
        "kind": Org.NETWORK,
        "country": "ZA",
        "website": "https://www.civicus.org",
        "other_names": "World Alliance for Citizen Participation",
    },
    {
        "slug": "freedom-house",
        "name": "Freedom House",
        "country": "US",
        "website": "https://freedomhouse.org",
    },
    {
        "slug": "front-line-defenders",
        "name": "Front Line Defenders",
        "country": "IE",
        "website": "https://www.frontlinedefenders.org",
        "other_names": "Front Line, the International Foundation for the Protection of "
        "Human Rights Defenders",
    },
    {
        "slug": "greenpeace",
        "name": "Greenpeace",
        "country": "NL",
        "website": "https://www.greenpeace.org",
        "other_names": "Greenpeace International",
    },
    {
        "slug": "human-rights-watch",
        "name": "Human Rights Watch",
        "short_name": "HRW",
        "country": "US",
        "website": "https://www.hrw.org",
    },
    {
        "slug": "omct",
        "name": "World Organisation Against Torture",
        "short_name": "OMCT",
        "country": "CH",
        "website": "https://www.omct.org",
        "other_names": "Organisation Mondiale Contre la Torture",
    },
    {
        "slug": "fidh",
        "name": "International Federation for Human Rights",
        "short_name": "FIDH",
        "kind": Org.NETWORK,
        "country": "FR",
        "website": "https://www.fidh.org",
        "other_names": "Fédération internationale pour les droits humains\n"
        "Fédération internationale des ligues des droits de l'Homme",
    },
    {
        "slug": "observatory-human-rights-defenders",
        "name": "Observatory for the Protection of Human Rights Defenders",
        "kind": Org.JOINT_PROGRAMME,
        "description": "A joint programme of OMCT and FIDH for the protection of human "
        "rights defenders.",
        "other_names": "Observatoire pour la protection des défenseurs des droits de l'Homme",
    },
    {
        "slug": "transparency-international",
        "name": "Transparency International",
        "short_name": "TI",
        "country": "DE",
        "website": "https://www.transparency.org",
    },
)

# programme: the organisations that run it, in the order they are named.
PARENTS = {"observatory-human-rights-defenders": ("omct", "fidh")}

# --- rights and standards ----------------------------------------------------------

RIGHTS = (  # slug, name in English, Russian and French
    ("expression", "Freedom of expression", "Свобода выражения мнений", "Liberté d’expression"),
    (
        "association",
        "Freedom of association",
        "Свобода объединений",
        "Liberté d’association",
    ),
    (
        "assembly",
        "Freedom of peaceful assembly",
        "Свобода мирных собраний",
        "Liberté de réunion pacifique",
    ),
    (
        "privacy",
        "Right to privacy",
        "Право на неприкосновенность частной жизни",
        "Droit à la vie privée",
    ),
    (
        "fair-trial",
        "Right to a fair trial",
        "Право на справедливое судебное разбирательство",
        "Droit à un procès équitable",
    ),
)

ICCPR = (
    "https://www.ohchr.org/en/instruments-mechanisms/instruments/"
    "international-covenant-civil-and-political-rights"
)
ECHR = "https://www.echr.coe.int/documents/d/echr/convention_ENG"
STANDARDS = (  # slug, name, kind, country, url, rights
    ("iccpr-19", "ICCPR, article 19", Standard.Kind.TREATY, "", ICCPR, ("expression",)),
    ("iccpr-21", "ICCPR, article 21", Standard.Kind.TREATY, "", ICCPR, ("assembly",)),
    ("iccpr-22", "ICCPR, article 22", Standard.Kind.TREATY, "", ICCPR, ("association",)),
    ("echr-10", "ECHR, article 10", Standard.Kind.REGIONAL_TREATY, "", ECHR, ("expression",)),
    (
        "echr-11",
        "ECHR, article 11",
        Standard.Kind.REGIONAL_TREATY,
        "",
        ECHR,
        ("assembly", "association"),
    ),
    (
        "ru-constitution-29",
        "Constitution of the Russian Federation, article 29",
        Standard.Kind.CONSTITUTION,
        "RU",
        "",
        ("expression",),
    ),
    (
        "ru-constitution-30",
        "Constitution of the Russian Federation, article 30",
        Standard.Kind.CONSTITUTION,
        "RU",
        "",
        ("association",),
    ),
    (
        "ru-constitution-31",
        "Constitution of the Russian Federation, article 31",
        Standard.Kind.CONSTITUTION,
        "RU",
        "",
        ("assembly",),
    ),
)

# --- the five laws -----------------------------------------------------------------

SEED = "Joint press release of eight international NGOs, 19 December 2012"
HRW_2013 = (
    "Human Rights Watch, Laws of Attrition: Crackdown on Russia's Civil Society after "
    "Putin's Return to the Presidency (April 2013)"
)
E = LawEvent.Kind
P = Penalty.Kind
# Who acted, as the timeline reads after "by".
DUMA = "the State Duma"
FEDERATION_COUNCIL = "the Federation Council"
PRESIDENT = "the President"
# What an event of the demo leaves empty unless it says otherwise.
BLANK_EVENT: dict[str, Any] = {
    "actor": "",
    "votes_for": None,
    "votes_against": None,
    "votes_abstaining": None,
    "court": "",
    "case_number": "",
    "ecli": "",
    "note": "",
}

LAWS: tuple[dict[str, Any], ...] = (
    {
        "slug": "foreign-agents-law",
        "identifier": "121-FZ",
        "bill_number": "102766-6",
        "kind": Law.Kind.AMENDMENT,
        "official_title": "Federal Law No. 121-FZ of 20 July 2012 on amendments to certain "
        "legislative acts of the Russian Federation regarding the regulation of the activities "
        "of non-commercial organisations performing the functions of a foreign agent",
        "common_title": "'foreign agents' law",
        "summary": "Non-profit organisations that take money from abroad and engage in "
        "loosely defined 'political activity' must enter a special register as 'foreign "
        "agents' and mark everything they publish with that label. Wilful failure to comply "
        "is a crime.",
        "rights": ("association", "expression"),
        "conflicts_with": (
            "iccpr-19",
            "iccpr-22",
            "echr-10",
            "echr-11",
            "ru-constitution-29",
            "ru-constitution-30",
        ),
        "sources": ((SEED, ""), (HRW_2013, "http://www.hrw.org/node/115058/section/6")),
        "events": (
            {
                "kind": E.ADOPTED,
                "date": date(2012, 7, 13),
                "actor": DUMA,
                "votes_for": 374,
                "votes_against": 3,
                "votes_abstaining": 1,
            },
            {"kind": E.ADOPTED, "date": date(2012, 7, 18), "actor": FEDERATION_COUNCIL},
            {"kind": E.SIGNED, "date": date(2012, 7, 20), "actor": PRESIDENT},
            {"kind": E.IN_FORCE, "date": date(2012, 11, 21)},
            {
                "kind": E.UPHELD,
                "date": date(2014, 4, 8),
                "court": "the Constitutional Court of the Russian Federation",
                "note": "Ruling No. 10-P.",
            },
            {
                "kind": E.COURT_RULING,
                "date": date(2022, 6, 14),
                "court": "the European Court of Human Rights",
                "case_number": "9988/13",
                "ecli": "ECLI:CE:ECHR:2022:0614JUD000998813",
                "note": "Ecodefence and Others v. Russia: the foreign agents legislation, as "
                "applied to the applicant organisations, violated their freedom of "
                "association (Article 11 of the Convention).",
            },
        ),
        "provisions": (
            {
                "reference": "Law on Non-commercial Organisations, article 2(6)",
                "summary": "Defines a non-profit organisation 'performing the functions of a "
                "foreign agent'; such organisations must register as such and label their "
                "publications.",
                "rights": ("association", "expression"),
            },
            {
                "reference": "Criminal Code, article 330.1",
                "summary": "Makes malicious evasion of the duties of a 'foreign agent' "
                "organisation a criminal offence.",
                "rights": ("association",),
                "penalties": (
                    {
                        "kind": P.IMPRISONMENT,
                        "offence": "Malicious evasion of the duties of a non-profit "
                        "organisation 'performing the functions of a foreign agent'.",
                        "as_reported": "punishable by a prison sentence",
                        "note": "The source gives no term, so the maximum term is left empty.",
                    },
                ),
            },
        ),
    },
    {
        "slug": "treason-amendments",
        "identifier": "190-FZ",
        "kind": Law.Kind.AMENDMENT,
        "official_title": "Federal Law No. 190-FZ of 12 November 2012 on amendments to the "
        "Criminal Code of the Russian Federation and to article 151 of the Code of Criminal "
        "Procedure of the Russian Federation",
        "common_title": "treason amendments",
        "summary": "Widens the Criminal Code's definition of high treason, notably to "
        "'assistance' given to a foreign state or an international or foreign organisation, "
        "in terms broad enough to reach human rights work and political activism.",
        "rights": ("expression", "association"),
        "conflicts_with": (
            "iccpr-19",
            "iccpr-22",
            "echr-10",
            "echr-11",
            "ru-constitution-29",
            "ru-constitution-30",
        ),
        "sources": ((SEED, ""), (HRW_2013, "http://www.hrw.org/node/115058/section/8")),
        "events": (
            {"kind": E.ADOPTED, "date": date(2012, 10, 23), "actor": DUMA},
            {"kind": E.ADOPTED, "date": date(2012, 10, 31), "actor": FEDERATION_COUNCIL},
            {
                "kind": E.SIGNED,
                "date": date(2012, 11, 12),
                "actor": PRESIDENT,
                "note": "The date the law bears.",
            },
        ),
        "provisions": (
            {
                "reference": "Criminal Code, article 275",
                "summary": "High treason, redefined to cover financial, technical, "
                "consultative or other assistance to foreign or international organisations.",
                "rights": ("expression", "association"),
                "penalties": (
                    {
                        "kind": P.IMPRISONMENT,
                        "offence": "High treason, including assistance to a foreign state or "
                        "an international or foreign organisation.",
                        "as_reported": "a new, broad legal definition of “treason”",
                        "note": "The source names no penalty or term; treason is a crime "
                        "punished by imprisonment, and the term is left empty.",
                    },
                ),
            },
        ),
    },
    {
        "slug": "protest-fines-law",
        "identifier": "65-FZ",
        "kind": Law.Kind.AMENDMENT,
        "official_title": "Federal Law No. 65-FZ of 8 June 2012 on amendments to the Code of "
        "the Russian Federation on Administrative Offences and to the Federal Law on "
        "Assemblies, Meetings, Demonstrations, Marches and Picketing",
        "common_title": "law raising fines for protests",
        "summary": "Multiplies the fines for breaking the rules on organising and taking part "
        "in public assemblies, with a chilling effect on peaceful protest.",
        "rights": ("assembly",),
        "conflicts_with": ("iccpr-21", "echr-11", "ru-constitution-31"),
        "sources": (
            (SEED, ""),
            (
                "President of Russia: news item 15608",
                "http://en.special.kremlin.ru/events/president/news/15608",
            ),
        ),
        "events": (
            {"kind": E.ADOPTED, "date": date(2012, 6, 5), "actor": DUMA},
            {"kind": E.ADOPTED, "date": date(2012, 6, 6), "actor": FEDERATION_COUNCIL},
            {"kind": E.SIGNED, "date": date(2012, 6, 8), "actor": PRESIDENT},
            {
                "kind": E.IN_FORCE,
                "date": date(2012, 6, 9),
                "note": "In force on its official publication.",
            },
        ),
        "provisions": (
            {
                "reference": "Code of Administrative Offences, article 20.2",
                "summary": "Fines for breaching the rules on organising or holding a public "
                "assembly.",
                "rights": ("assembly",),
                "penalties": (
                    {
                        "kind": P.FINE,
                        "offence": "Breaching the rules on organising or holding a public "
                        "assembly.",
                        "as_reported": "up to £20,000",
                        "amount_max": Decimal("20000"),
                        "unit": "GBP",
                        "note": "The source gives a sterling figure; the law itself sets "
                        "fines in roubles.",
                    },
                ),
            },
        ),
    },
    {
        "slug": "internet-blacklist-law",
        "identifier": "139-FZ",
        "kind": Law.Kind.AMENDMENT,
        "official_title": "Federal Law No. 139-FZ of 28 July 2012 on amendments to the Federal "
        "Law on the Protection of Children from Information Harmful to Their Health and "
        "Development and to certain legislative acts of the Russian Federation",
        "common_title": "internet blacklist law",
        "summary": "Sets up a single register of websites said to carry 'prohibited' "
        "information, a vaguely drawn category, and lets the authorities have them blocked "
        "without a court order.",
        "rights": ("expression",),
        "conflicts_with": ("iccpr-19", "echr-10", "ru-constitution-29"),
        "sources": ((SEED, ""), (HRW_2013, "http://www.hrw.org/node/115058/section/11")),
        "events": (
            {"kind": E.ADOPTED, "date": date(2012, 7, 11), "actor": DUMA},
            {"kind": E.SIGNED, "date": date(2012, 7, 28), "actor": PRESIDENT},
            {
                "kind": E.IN_FORCE,
                "date": date(2012, 11, 1),
                "note": "The register of prohibited websites took effect.",
            },
        ),
        "provisions": (
            {
                "reference": "Law on Information, article 15.1",
                "summary": "The single register of websites with information whose "
                "distribution is prohibited, which service providers must block.",
                "rights": ("expression",),
                "penalties": (
                    {
                        "kind": P.BLOCKING,
                        "offence": "Carrying information whose distribution is prohibited.",
                        "as_reported": "shut down websites without a court order",
                    },
                ),
            },
        ),
    },
    {
        "slug": "libel-law",
        "identifier": "141-FZ",
        "kind": Law.Kind.AMENDMENT,
        "official_title": "Federal Law No. 141-FZ of 28 July 2012 on amendments to the Criminal "
        "Code of the Russian Federation and to certain legislative acts of the Russian "
        "Federation",
        "common_title": "law re-criminalising libel",
        "summary": "Puts libel back into the Criminal Code, months after it had been made an "
        "administrative offence, with heavy fines that discourage the media and NGOs from "
        "criticising officials and their policies.",
        "rights": ("expression",),
        "conflicts_with": ("iccpr-19", "echr-10", "ru-constitution-29"),
        "sources": (
            (SEED, ""),
            (
                "Voice of Russia, 13 July 2012",
                "https://sputniknews.com/voiceofrussia/2012_07_13/Russian-Parliament-OKs-anti-defamation-bill/",
            ),
        ),
        "events": (
            {"kind": E.ADOPTED, "date": date(2012, 7, 13), "actor": DUMA},
            {"kind": E.SIGNED, "date": date(2012, 7, 28), "actor": PRESIDENT},
        ),
        "provisions": (
            {
                "reference": "Criminal Code, article 128.1",
                "summary": "Libel as a criminal offence.",
                "rights": ("expression",),
                "penalties": (
                    {
                        "kind": P.FINE,
                        "offence": "Libel.",
                        "as_reported": "up to £37,0000",
                        "note": "The source prints the figure ambiguously: it can be read as "
                        "£37,000 or £370,000. The amounts are left empty rather than guessed.",
                    },
                ),
            },
        ),
    },
)

# --- coalition, campaign, addressees, moment, leverage -----------------------------

COALITION = {
    "slug": "ngos-for-civil-society-in-russia",
    "name": "International NGOs for civil society in Russia",
    "description": "The eight international organisations that spoke together before the "
    "EU–Russia summit of December 2012.",
}

CAMPAIGN = {
    "slug": "russia-civil-society",
    "title": "End the crackdown on civil society in Russia",
    "summary": "Five laws adopted in 2012 narrow the room for Russian NGOs, activists and "
    "journalists. The coalition works for their repeal.",
    "body": "In 2012 Russia adopted five laws that restrict freedom of expression, "
    "association and peaceful assembly. This campaign follows them and presses for their "
    "repeal, and for a safe environment in which civil society can work.",
    "country": "RU",
    "status": Campaign.Status.ACTIVE,
}

TARGETS = (  # slug, name, kind, country
    ("eu-leaders", "European Union leaders", Target.Kind.INTERGOVERNMENTAL, ""),
    ("president-of-russia", "President of Russia", Target.Kind.HEAD_OF_STATE, "RU"),
    ("russian-government", "Government of the Russian Federation", Target.Kind.GOVERNMENT, "RU"),
)
# The organisations write to the EU's leaders, who are to press Moscow: the demands
# themselves are addressed to Russia's President and government.
ADDRESSEE_ROLES = {
    "eu-leaders": Addressing.Role.PRIMARY,
    "president-of-russia": Addressing.Role.ALSO_ADDRESSED,
    "russian-government": Addressing.Role.ALSO_ADDRESSED,
}

MOMENT = {
    "slug": "eu-russia-summit-2012-12",
    "name": "EU–Russia summit",
    "starts_on": date(2012, 12, 20),
    "ends_on": date(2012, 12, 21),
    "place": "Brussels",
    "country": "BE",
}

LEVERAGE = (  # slug, name
    ("oecd-membership", "OECD membership"),
    ("oecd-anti-bribery-convention", "Accession to the OECD Anti-Bribery Convention"),
    ("european-court-of-human-rights", "Relationship with the European Court of Human Rights"),
)

# --- the statement -----------------------------------------------------------------

# Issued that day; entered into Chorus since, and published as archived when loaded.
ISSUED_ON = date(2012, 12, 19)
SIGNED_AT = datetime(2012, 12, 19, tzinfo=UTC)

STATEMENT = {
    "slug": "eu-russia-summit-civil-society-2012",
    "kind": Statement.Kind.PRESS_RELEASE,
    "language": "en",
    "title": "Before the EU–Russia summit, eight NGOs ask EU leaders to press Moscow on five "
    "restrictive laws",
    "standfirst": "Eight international human rights organisations want the European Union "
    "to use the summit to press President Putin to stop squeezing Russian civil society, "
    "and warn that the new laws could cost Russia its standing with the OECD and the "
    "European Court of Human Rights.",
    "body": """\
Eight international human rights organisations have asked the leaders of the European
Union to raise the treatment of Russian civil society at the EU–Russia summit, and to take
it up with President Vladimir Putin himself.

Over 2012 Russia adopted a series of laws that narrow freedom of expression, association
and assembly. The organisations say the laws make it much harder for Russian NGOs, and the
international groups that work with them, to operate, and that activists now take real
risks simply by doing their work.

## Five laws to repeal

- **The 'foreign agents' law (121-FZ).** A non-profit group funded from abroad that takes
  part in vaguely defined "political activity", such as advocacy or trying to shape public
  opinion, must register as a "foreign agent", a term that suggests a spy, and carry the
  label on all its publications. Failing to comply can mean prison.
- **The treason amendments (190-FZ).** A new and much wider definition of treason that
  could make human rights work and political activism a crime.
- **Higher fines for protests (65-FZ).** Breaking the rules on public assemblies can now
  cost up to £20,000, as reported, which deters people from assembling peacefully.
- **The internet blacklist law (139-FZ).** The authorities can block websites without a
  court order when they judge the content "prohibited", a term the law leaves unclear.
- **Libel made a crime again (141-FZ).** Heavy fines are likely to make journalists and
  NGOs think twice before criticising officials and their policies.

## What the organisations ask for

They want the EU to obtain a commitment from the Russian government to repeal these laws,
to bring its legislation into line with Russia's international obligations and with the
rights its own Constitution guarantees, and to:

- guarantee a safe environment for civil society;
- involve civil society in debates on public policy;
- end the harassment of human rights organisations;
- give better protection to civil society activists and journalists.

## What is at stake for Russia

The new laws, and the definition of treason above all, could put at risk Russia's place in
the OECD, its accession to the OECD Anti-Bribery Convention and its relationship with the
European Court of Human Rights.
""",
    "leverage_note": "The organisations warn that the laws, the treason definition above "
    "all, could threaten Russia's OECD membership, its accession to the OECD Convention on "
    "Combating Bribery of Foreign Public Officials, and its relationship with the European "
    "Court of Human Rights.",
}

# In the order the seed names them; the first is the lead.
SIGNATORIES = (
    "amnesty-international",
    "civicus",
    "freedom-house",
    "front-line-defenders",
    "greenpeace",
    "human-rights-watch",
    "observatory-human-rights-defenders",
    "transparency-international",
)

A = Demand.Action
DEMANDS = (  # action, addressee, law, provision, text
    (A.HALT, "president-of-russia", None, None, "End the crackdown on civil society in Russia."),
    (
        A.REPEAL,
        "russian-government",
        "foreign-agents-law",
        "Law on Non-commercial Organisations, article 2(6)",
        "Repeal the 'foreign agents' law.",
    ),
    (
        A.REPEAL,
        "russian-government",
        "treason-amendments",
        "Criminal Code, article 275",
        "Repeal the broadened definition of treason.",
    ),
    (
        A.REPEAL,
        "russian-government",
        "protest-fines-law",
        "Code of Administrative Offences, article 20.2",
        "Repeal the steep fines for breaching the rules on public assemblies.",
    ),
    (
        A.REPEAL,
        "russian-government",
        "internet-blacklist-law",
        "Law on Information, article 15.1",
        "Repeal the power to block websites without a court order.",
    ),
    (
        A.REPEAL,
        "russian-government",
        "libel-law",
        "Criminal Code, article 128.1",
        "Repeal the law that makes libel a crime again.",
    ),
    (A.ENSURE, "russian-government", None, None, "Guarantee a safe environment for civil society."),
    (A.ENSURE, "russian-government", None, None, "Involve civil society in public policy debates."),
    (A.STOP, "russian-government", None, None, "Stop harassing human rights organisations."),
    (
        A.PROTECT,
        "russian-government",
        None,
        None,
        "Better protect civil society activists and journalists.",
    ),
)

DEMO_EDITOR = "demo-editor"


class Command(BaseCommand):
    help = "Load the demo data: the founding example of 19 December 2012. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        self.tally: Counter[tuple[str, str]] = Counter()
        with transaction.atomic():
            workflow = self.load()
            public_pages_changed()
        self.report(workflow)

    def upsert[M: models.Model](self, model: type[M], key: dict[str, Any], **values: Any) -> M:
        """Find the row by its key; create it, or save it only if the values here differ."""
        values = {name: value for name, value in values.items() if name not in key}
        obj = model._default_manager.filter(**key).first()
        if obj is None:
            obj = model._default_manager.create(**key, **values)
            self.tally[model.__name__, "created"] += 1
        elif changed := [name for name, value in values.items() if getattr(obj, name) != value]:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
            self.tally[model.__name__, "updated"] += 1
        return obj

    def load(self) -> str:
        orgs = self.load_organisations()
        laws, provisions = self.load_laws()
        return self.load_statement(orgs, laws, provisions)

    def load_organisations(self) -> dict[str, Organisation]:
        orgs = {
            data["slug"]: self.upsert(Organisation, {"slug": data["slug"]}, **data)
            for data in ORGANISATIONS
        }
        for programme, parents in PARENTS.items():
            for order, parent in enumerate(parents):
                self.upsert(
                    OrganisationParent,
                    {"programme": orgs[programme], "parent": orgs[parent]},
                    order=order,
                )
        return orgs

    def load_laws(self) -> tuple[dict[str, Law], dict[str, Provision]]:
        rights = {
            slug: self.upsert(
                Right,
                {"slug": slug},
                name_en=name,
                name_ru=name_ru,
                name_fr=name_fr,
                order=order,
            )
            for order, (slug, name, name_ru, name_fr) in enumerate(RIGHTS)
        }
        standards = {}
        for slug, name, kind, country, url, standard_rights in STANDARDS:
            standards[slug] = self.upsert(
                Standard, {"slug": slug}, name=name, kind=kind, country=country, url=url
            )
            standards[slug].rights.set([rights[r] for r in standard_rights])

        laws: dict[str, Law] = {}
        provisions: dict[str, Provision] = {}
        for data in LAWS:
            fields = {
                k: v
                for k, v in data.items()
                if k not in {"rights", "conflicts_with", "sources", "events", "provisions"}
            }
            law = laws[data["slug"]] = self.upsert(
                Law, {"country": "RU", "slug": data["slug"]}, **fields
            )
            law.rights.set([rights[r] for r in data["rights"]])
            law.conflicts_with.set([standards[s] for s in data["conflicts_with"]])
            for title, url in data["sources"]:
                self.upsert(LawSource, {"law": law, "title": title}, url=url)
            for event in data["events"]:  # LawEvent.save() keeps Law.status in step
                key = {"law": law, "kind": event["kind"], "date": event["date"]}
                self.upsert(LawEvent, key, **{**BLANK_EVENT, **event})
            for order, item in enumerate(data["provisions"]):
                provision = provisions[item["reference"]] = self.upsert(
                    Provision,
                    {"law": law, "reference": item["reference"]},
                    summary=item["summary"],
                    order=order,
                )
                provision.rights.set([rights[r] for r in item["rights"]])
                for penalty in item.get("penalties", ()):
                    blank = {
                        "offence": "",
                        "amount_min": None,
                        "amount_max": None,
                        "unit": "",
                        "note": "",
                    }
                    self.upsert(
                        Penalty,
                        {"provision": provision, "kind": penalty["kind"]},
                        **{**blank, **penalty},
                    )
        return laws, provisions

    def load_statement(
        self, orgs: dict[str, Organisation], laws: dict[str, Law], provisions: dict[str, Provision]
    ) -> str:
        coalition = self.upsert(Coalition, {"slug": COALITION["slug"]}, **COALITION)
        for slug in SIGNATORIES:
            self.upsert(
                CoalitionMembership,
                {"coalition": coalition, "organisation": orgs[slug], "left_on": None},
            )
        campaign = self.upsert(
            Campaign, {"slug": CAMPAIGN["slug"]}, coalition=coalition, **CAMPAIGN
        )
        campaign.laws.set(laws.values())
        targets = {
            slug: self.upsert(Target, {"slug": slug}, name=name, kind=kind, country=country)
            for slug, name, kind, country in TARGETS
        }
        moment = self.upsert(Moment, {"slug": MOMENT["slug"]}, **MOMENT)
        leverage = [self.upsert(Leverage, {"slug": slug}, name=name) for slug, name in LEVERAGE]

        editor = self.demo_editor()
        existing = Statement.objects.filter(slug=STATEMENT["slug"]).first()
        # A statement past the draft stage changes its text only through a correction.
        is_draft = existing is None or existing.status == Statement.Status.DRAFT
        text = (
            {k: STATEMENT[k] for k in ("title", "standfirst", "body", "leverage_note")}
            if is_draft
            else {}
        )
        statement = self.upsert(
            Statement,
            {"slug": STATEMENT["slug"]},
            **text,
            kind=STATEMENT["kind"],
            language=STATEMENT["language"],
            campaign=campaign,
            lead_organisation=orgs[SIGNATORIES[0]],
            moment=moment,
        )
        if existing is None:
            Statement.objects.filter(pk=statement.pk).update(created_by=editor, updated_by=editor)
        for order, (slug, role) in enumerate(ADDRESSEE_ROLES.items()):
            self.upsert(
                Addressing,
                {"statement": statement, "target": targets[slug]},
                role=role,
                order=order,
            )
        statement.addressings.exclude(target__in=targets.values()).delete()
        statement.leverage.set(leverage)
        for order, slug in enumerate(SIGNATORIES, start=1):
            self.upsert(
                Signature,
                {"statement": statement, "organisation": orgs[slug]},
                role=Signature.Role.LEAD if order == 1 else Signature.Role.CO_SIGNATORY,
                status=Signature.Status.CONFIRMED,
                signed_at=SIGNED_AT,
                order=order,
            )
        for order, (action, addressee, law_slug, reference, text_) in enumerate(DEMANDS, start=1):
            self.upsert(
                Demand,
                {"statement": statement, "order": order},
                action=action,
                addressee=targets[addressee],
                law=laws[law_slug] if law_slug else None,
                provision=provisions[reference] if reference else None,
                text=text_,
            )
        # Search finds it by its demands and the laws they are about.
        statement.refresh_search_text()
        return self.publish(statement, editor)

    def demo_editor(self) -> User:
        """An editor the workflow can record, who cannot log in."""
        try:
            editors = Group.objects.get(name="Editors")
        except Group.DoesNotExist:
            raise CommandError(
                "The Editors group is missing: run `manage.py migrate` first."
            ) from None
        user, created = User.objects.get_or_create(
            username=DEMO_EDITOR, defaults={"first_name": "Demo", "last_name": "Editor"}
        )
        if created:
            self.tally["User", "created"] += 1
            user.set_unusable_password()
            user.save()
        user.groups.add(editors)
        return user

    def publish(self, statement: Statement, editor: User) -> str:
        """Take the statement through the workflow, from wherever it stands."""
        if statement.status not in {
            Statement.Status.DRAFT,
            Statement.Status.IN_REVIEW,
            Statement.Status.APPROVED,
        }:
            return f"Statement already {statement.get_status_display().lower()}; left as it is."
        if statement.status == Statement.Status.DRAFT:
            statement.submit(by=editor)
        if statement.status == Statement.Status.IN_REVIEW:
            statement.approve(by=editor)
        statement.publish_archived(by=editor, issued_on=ISSUED_ON)
        return f"Statement published as archived, issued on {ISSUED_ON:%d %B %Y}, by {DEMO_EDITOR}."

    def report(self, workflow: str) -> None:
        created = sum(n for (_, what), n in self.tally.items() if what == "created")
        updated = sum(n for (_, what), n in self.tally.items() if what == "updated")
        self.stdout.write(f"Demo data: {created} rows created, {updated} updated.")
        for (model, what), n in sorted(self.tally.items()):
            self.stdout.write(f"  {model}: {n} {what}")
        self.stdout.write(workflow)
