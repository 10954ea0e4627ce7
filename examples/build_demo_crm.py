#!/usr/bin/env python3
"""Build the synthetic demo CRM that ``crmscan demo`` scans.

Writes, under ``--out`` (default ``examples/demo_crm``)::

    crm.sqlite                         the CRM database of "Northbeam Wellness" (a fictional
                                       corporate-wellness company that also runs clinics)
    exports/salesforce_contacts.csv    a Salesforce data-loader export      (UTF-8, all fields quoted)
    exports/hubspot_contacts.csv       a HubSpot contact export             (UTF-8 with BOM, CRLF)
    exports/客户名单_gbk.csv            a Chinese CRM customer list           (GBK, CRLF)

Every person, number and text is synthetic. Identifiers are *shaped* like real ones so that value-based
detectors can fire (Luhn-valid card numbers, mod-97-valid IBANs, GB 11643 resident-ID check digits,
SSA-valid SSN ranges, ...), but none belongs to anybody.

The output is deterministic: re-running the script produces byte-identical files (for the same SQLite
library version; the SQLite file header records the library version that wrote it). To keep it so,
the script uses only the standard library -- no Faker, whose seeded output changes between releases --
one ``random.Random`` per table with a fixed seed, a fixed "now" and no set/dict iteration whose order
could vary. The ground truth for the scanner lives next to the data in ``expected_labels.yaml`` (hand
written, not generated): keep the two in step when you change a table here.

Run:  python examples/build_demo_crm.py [--out DIR]
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import os
import random
import sqlite3
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 20250630
#: The fixed "today" of the demo: ages, expiry dates and timestamps are relative to it.
NOW = datetime(2025, 6, 30, 17, 0, 0)
TODAY = NOW.date()
COMPANY_DOMAIN = "northbeam-wellness.com"

N_USERS_HUMAN = 24
N_ACCOUNTS = 200
N_CONTACTS = 2000
N_LEADS = 1000
N_OPPORTUNITIES = 600
N_CASES = 800
N_NOTES = 1200
N_PAYMENTS = 1500
N_SUBSCRIPTIONS = 600
N_INTAKES = 500
N_DEVICES = 40
N_SF = 400
N_HUBSPOT = 400
N_CN = 300


def rng_for(name: str) -> random.Random:
    """One generator per table, so that changing one table does not reshuffle the others."""
    return random.Random(SEED * 1000 + sum((i + 1) * ord(c) for i, c in enumerate(name)))


# ----------------------------------------------------------------------------------------------
# Reference data
# ----------------------------------------------------------------------------------------------

COUNTRIES: dict[str, dict[str, object]] = {
    "US": {"name": "United States", "currency": "USD", "weight": 40, "tld": "com", "eu": False},
    "GB": {"name": "United Kingdom", "currency": "GBP", "weight": 14, "tld": "co.uk", "eu": False},
    "DE": {"name": "Germany", "currency": "EUR", "weight": 14, "tld": "de", "eu": True},
    "FR": {"name": "France", "currency": "EUR", "weight": 10, "tld": "fr", "eu": True},
    "NL": {"name": "Netherlands", "currency": "EUR", "weight": 8, "tld": "nl", "eu": True},
    "ES": {"name": "Spain", "currency": "EUR", "weight": 7, "tld": "es", "eu": True},
    "IT": {"name": "Italy", "currency": "EUR", "weight": 7, "tld": "it", "eu": True},
}
COUNTRY_CODES = list(COUNTRIES)
COUNTRY_WEIGHTS = [int(COUNTRIES[c]["weight"]) for c in COUNTRY_CODES]  # type: ignore[call-overload]

NAMES: dict[str, tuple[list[str], list[str], list[str]]] = {
    # country: (male first names, female first names, last names)
    "US": (
        "James John Robert Michael William David Richard Joseph Thomas Christopher Daniel Matthew "
        "Anthony Mark Steven Andrew Joshua Kevin Brian Ryan Jason Tyler Marcus Luis Carlos DeShawn "
        "Ethan Noah".split(),
        "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Emily Ashley Michelle "
        "Amanda Melissa Stephanie Rebecca Laura Nicole Megan Olivia Sophia Maria Keisha Priya Mei".split(),
        "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
        "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
        "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Nguyen Hill Flores "
        "Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Patel Kim O'Brien".split(),
    ),
    "GB": (
        "Oliver George Harry Jack Charlie Thomas James William Alfie Henry Daniel Samuel Joseph Matthew "
        "Callum Liam Rhys Owen Mohammed Arjun".split(),
        "Olivia Amelia Isla Ava Emily Sophie Grace Lily Chloe Ella Jessica Hannah Charlotte Lucy Megan "
        "Eleanor Freya Niamh Aisha Zara".split(),
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
        "White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Patel Khan Lewis Harris Morgan "
        "Cooper Ward Turner Murphy MacDonald Campbell Stewart O'Neill".split(),
    ),
    "DE": (
        "Lukas Leon Finn Jonas Paul Felix Maximilian Elias Noah Ben Tobias Jan Stefan Thomas Michael "
        "Andreas Markus Christian Sebastian Florian Jürgen Uwe".split(),
        "Anna Lena Lea Hannah Sophie Marie Laura Julia Katharina Sarah Lisa Sabine Petra Claudia Anja "
        "Nicole Jana Mia Emilia Charlotte".split(),
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer "
        "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange "
        "Schmitt Werner Krause Meier Lehmann Yilmaz".split(),
    ),
    "FR": (
        "Lucas Hugo Louis Gabriel Arthur Jules Léo Raphaël Nathan Thomas Nicolas Julien Pierre Antoine "
        "Mathieu Alexandre Maxime Olivier Karim Yanis".split(),
        "Emma Léa Chloé Manon Camille Inès Jade Louise Sarah Julie Marie Claire Sophie Céline Aurélie "
        "Nathalie Isabelle Amandine Lucie Fatima".split(),
        "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre "
        "Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau "
        "Vincent Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Benali".split(),
    ),
    "NL": (
        "Daan Sem Lucas Levi Finn Bram Thijs Jesse Ruben Lars Jeroen Maarten Pieter Bas Sander Niels "
        "Joost Wouter".split(),
        "Emma Julia Sophie Tess Zoë Sara Anna Eva Lotte Fleur Anouk Sanne Lieke Femke Marloes Iris "
        "Esther Noor".split(),
        [
            "de Jong",
            "Jansen",
            "de Vries",
            "van den Berg",
            "van Dijk",
            "Bakker",
            "Janssen",
            "Visser",
            "Smit",
            "Meijer",
            "de Boer",
            "Mulder",
            "de Groot",
            "Bos",
            "Vos",
            "Peters",
            "Hendriks",
            "van Leeuwen",
            "Dekker",
            "Brouwer",
            "de Wit",
            "Dijkstra",
            "Smits",
            "de Graaf",
            "van der Meer",
            "Kok",
            "Jacobs",
            "Vermeulen",
        ],
    ),
    "ES": (
        "Hugo Martín Lucas Daniel Pablo Alejandro Álvaro Adrián David Javier Sergio Carlos Jorge Manuel "
        "Antonio José Francisco Iker Mateo Diego".split(),
        "Lucía Sofía María Martina Paula Julia Carmen Laura Ana Elena Marta Cristina Sara Isabel Nuria "
        "Pilar Irene Alba Claudia Rocío".split(),
        "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz "
        "Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez "
        "Ramos Gil Ramírez Serrano Blanco Molina".split(),
    ),
    "IT": (
        "Leonardo Francesco Alessandro Lorenzo Mattia Andrea Gabriele Riccardo Tommaso Edoardo Marco "
        "Luca Giuseppe Giovanni Antonio Paolo Stefano Davide Matteo Federico".split(),
        "Sofia Giulia Aurora Alice Ginevra Emma Giorgia Beatrice Francesca Chiara Sara Martina Elena "
        "Valentina Alessia Federica Silvia Laura Anna Paola".split(),
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
        "De Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani "
        "Rinaldi Caruso Ferrara Galli Martini Leone".replace("De Luca", "De_Luca").split(),
    ),
}
NAMES["IT"] = (NAMES["IT"][0], NAMES["IT"][1], [n.replace("_", " ") for n in NAMES["IT"][2]])

# City, region/state, postal-code generator spec, landline area code, extra (INSEE dept/commune, Belfiore)
CITIES: dict[str, list[tuple]] = {
    "US": [
        ("New York", "NY", ("100", 1, 40), "212"),
        ("Brooklyn", "NY", ("112", 1, 38), "718"),
        ("Boston", "MA", ("021", 8, 36), "617"),
        ("Chicago", "IL", ("606", 1, 61), "312"),
        ("San Francisco", "CA", ("941", 2, 34), "415"),
        ("Los Angeles", "CA", ("900", 1, 68), "213"),
        ("Seattle", "WA", ("981", 1, 99), "206"),
        ("Austin", "TX", ("787", 1, 59), "512"),
        ("Denver", "CO", ("802", 2, 39), "303"),
        ("Atlanta", "GA", ("303", 3, 42), "404"),
        ("Portland", "OR", ("972", 1, 39), "503"),
        ("Minneapolis", "MN", ("554", 1, 19), "612"),
        ("Philadelphia", "PA", ("191", 2, 54), "215"),
        ("Phoenix", "AZ", ("850", 3, 44), "602"),
        ("Miami", "FL", ("331", 25, 99), "305"),
    ],
    "GB": [
        (
            "London",
            "",
            [
                "N1",
                "N7",
                "E1",
                "E2",
                "E14",
                "SE1",
                "SE15",
                "SW4",
                "SW11",
                "W2",
                "W11",
                "NW1",
                "NW3",
                "EC1V",
                "WC2H",
            ],
            "20",
        ),
        ("Manchester", "", ["M1", "M4", "M13", "M14", "M20", "M21"], "161"),
        ("Birmingham", "", ["B1", "B5", "B13", "B15", "B29"], "121"),
        ("Leeds", "", ["LS1", "LS2", "LS6", "LS8", "LS17"], "113"),
        ("Bristol", "", ["BS1", "BS3", "BS6", "BS8", "BS16"], "117"),
        ("Edinburgh", "", ["EH1", "EH3", "EH6", "EH9", "EH10"], "131"),
        ("Glasgow", "", ["G1", "G3", "G11", "G12", "G41"], "141"),
    ],
    "DE": [
        ("Berlin", "", (10115, 14199), "30"),
        ("Hamburg", "", (20095, 22769), "40"),
        ("München", "", (80331, 81929), "89"),
        ("Köln", "", (50667, 51149), "221"),
        ("Frankfurt am Main", "", (60306, 60599), "69"),
        ("Stuttgart", "", (70173, 70629), "711"),
        ("Leipzig", "", (4103, 4357), "341"),
    ],
    "FR": [
        ("Paris", "", [75000 + i for i in range(1, 21)], "1", ("75", 101, 120)),
        ("Lyon", "", [69000 + i for i in range(1, 10)], "4", ("69", 381, 389)),
        ("Marseille", "", [13000 + i for i in range(1, 17)], "4", ("13", 201, 216)),
        ("Toulouse", "", [31000, 31100, 31200, 31300, 31400, 31500], "5", ("31", 555, 555)),
        ("Bordeaux", "", [33000, 33100, 33200, 33300, 33800], "5", ("33", 63, 63)),
        ("Lille", "", [59000, 59160, 59260, 59777, 59800], "3", ("59", 350, 350)),
        ("Nantes", "", [44000, 44100, 44200, 44300], "2", ("44", 109, 109)),
    ],
    "NL": [
        ("Amsterdam", "", (1011, 1109), "20"),
        ("Rotterdam", "", (3011, 3089), "10"),
        ("Utrecht", "", (3511, 3585), "30"),
        ("Den Haag", "", (2511, 2597), "70"),
        ("Eindhoven", "", (5611, 5658), "40"),
    ],
    "ES": [
        ("Madrid", "", (28001, 28055), "91"),
        ("Barcelona", "", (8001, 8042), "93"),
        ("Valencia", "", (46001, 46026), "96"),
        ("Sevilla", "", (41001, 41020), "95"),
        ("Bilbao", "", (48001, 48015), "94"),
    ],
    "IT": [
        ("Roma", "", (118, 199), "06", "H501"),
        ("Milano", "", (20121, 20162), "02", "F205"),
        ("Torino", "", (10121, 10156), "011", "L219"),
        ("Napoli", "", (80121, 80147), "081", "F839"),
        ("Bologna", "", (40121, 40141), "051", "A944"),
        ("Firenze", "", (50121, 50145), "055", "D612"),
    ],
}

STREETS: dict[str, list[str]] = {
    "US": "Maple Oak Pine Cedar Elm Washington Lake Hill Park Main Church Lincoln Jackson Highland "
    "Sunset Madison Franklin Ridge Walnut Willow".split(),
    "GB": "High Church Station Victoria Green Manor Park Queen's King's Mill Albert Grange Kingsway "
    "Hawthorn Beech Windsor Cromwell Princes".split(),
    "DE": "Haupt Schul Garten Bahnhof Dorf Berg Linden Kirch Wald Ring Birken Goethe Schiller Mozart "
    "Rosen Eichen Feld Sonnen".split(),
    "FR": [
        "de la République",
        "Victor Hugo",
        "Jean Jaurès",
        "de la Paix",
        "Pasteur",
        "du Moulin",
        "des Lilas",
        "Gambetta",
        "de la Gare",
        "Voltaire",
        "Émile Zola",
        "des Écoles",
        "Nationale",
        "du Général Leclerc",
        "Saint-Michel",
    ],
    "NL": "Kerk Dorps School Molen Beuken Eiken Linden Prinsen Keizers Heren Wilhelmina Juliana "
    "Oranje Tulp Zuid".split(),
    "ES": [
        "Mayor",
        "de Alcalá",
        "Gran Vía",
        "de la Constitución",
        "del Sol",
        "de Goya",
        "Real",
        "de Serrano",
        "San Vicente",
        "de Colón",
        "del Carmen",
        "de Cervantes",
        "Nueva",
    ],
    "IT": [
        "Roma",
        "Garibaldi",
        "Mazzini",
        "Cavour",
        "Vittorio Emanuele II",
        "Dante",
        "Verdi",
        "dei Mille",
        "XX Settembre",
        "Manzoni",
        "Marconi",
        "della Repubblica",
        "San Francesco",
    ],
}

PERSONAL_EMAIL_DOMAINS: dict[str, list[str]] = {
    "US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com"],
    "GB": ["gmail.com", "hotmail.co.uk", "outlook.com", "btinternet.com", "yahoo.co.uk"],
    "DE": ["gmail.com", "gmx.de", "web.de", "t-online.de", "outlook.de"],
    "FR": ["gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr"],
    "NL": ["gmail.com", "ziggo.nl", "kpnmail.nl", "hotmail.nl", "outlook.com"],
    "ES": ["gmail.com", "hotmail.es", "yahoo.es", "telefonica.net", "outlook.es"],
    "IT": ["gmail.com", "libero.it", "virgilio.it", "alice.it", "hotmail.it"],
}

COMPANY_WORDS_A = (
    "Northwind Bluepeak Ironbridge Silverline Greenfield Redwood Brightwater Stonegate Clearview "
    "Highland Summit Pioneer Harbor Granite Maple Evergreen Atlas Vertex Orion Lumen Beacon Crescent "
    "Riverside Oakridge Falcon Meridian Cobalt Sterling Aurora Keystone Horizon Nimbus Quantum Sapphire "
    "Westbrook Ashford Kestrel Larkspur Tidewater Copperfield".split()
)
COMPANY_WORDS_B = (
    "Logistics Analytics Systems Foods Health Energy Partners Software Labs Manufacturing Retail "
    "Consulting Media Capital Pharma Engineering Telecom Insurance Hospitality Construction Robotics "
    "Bank Motors Textiles Solutions".split()
)
COMPANY_SUFFIX = {
    "US": ["Inc.", "LLC", "Corp."],
    "GB": ["Ltd", "plc", "Ltd"],
    "DE": ["GmbH", "AG", "GmbH"],
    "FR": ["SAS", "SA", "SARL"],
    "NL": ["B.V.", "N.V.", "B.V."],
    "ES": ["S.L.", "S.A.", "S.L."],
    "IT": ["S.r.l.", "S.p.A.", "S.r.l."],
}
INDUSTRIES = [
    "Technology",
    "Manufacturing",
    "Retail",
    "Financial Services",
    "Healthcare",
    "Logistics",
    "Education",
    "Hospitality",
    "Energy",
    "Media",
    "Public Sector",
    "Professional Services",
    "Construction",
    "Telecommunications",
    "Pharmaceuticals",
]

JOB_TITLES = [
    "HR Director",
    "Head of People",
    "Benefits Manager",
    "Office Manager",
    "CFO",
    "COO",
    "Wellbeing Lead",
    "Operations Manager",
    "Procurement Specialist",
    "CEO",
    "Facilities Manager",
    "HR Business Partner",
    "Talent Manager",
    "VP People",
    "Finance Manager",
    "Team Assistant",
]

ETHNICITIES = [
    "White",
    "Black or African American",
    "Asian",
    "Hispanic or Latino",
    "Two or more races",
    "Middle Eastern or North African",
    "Prefer not to say",
]
RELIGIONS = ["Christian", "Muslim", "Jewish", "Hindu", "Buddhist", "Sikh", "No religion", "Prefer not to say"]
LEAD_SOURCES = [
    "Web",
    "Referral",
    "Trade Show",
    "Partner",
    "Cold Call",
    "Webinar",
    "Employer Program",
    "Google Ads",
    "LinkedIn",
]

PRODUCTS = [
    # sku, name, category, list price (EUR/USD/GBP alike, prices are illustrative)
    ("NBW-CWP-STR", "Corporate Wellness - Starter (per seat / year)", "Corporate", 48.00),
    ("NBW-CWP-PRO", "Corporate Wellness - Pro (per seat / year)", "Corporate", 96.00),
    ("NBW-CWP-ENT", "Corporate Wellness - Enterprise (per seat / year)", "Corporate", 150.00),
    ("NBW-EAP-001", "Employee Assistance Programme add-on (per seat / year)", "Corporate", 30.00),
    ("NBW-HSC-001", "On-site Health Screening Day", "Corporate", 2400.00),
    ("NBW-FLU-001", "On-site Flu Vaccination Clinic", "Corporate", 1800.00),
    ("NBW-ERG-001", "Ergonomics Workshop", "Corporate", 950.00),
    ("NBW-MEM-BAS-M", "Membership Basic (monthly)", "Membership", 29.00),
    ("NBW-MEM-PRM-M", "Membership Premium (monthly)", "Membership", 59.00),
    ("NBW-MEM-PRM-Y", "Membership Premium (annual)", "Membership", 590.00),
    ("NBW-MEM-FAM-M", "Membership Family (monthly)", "Membership", 99.00),
    ("NBW-CLN-GP-30", "Clinic GP Consultation (30 min)", "Clinic", 85.00),
    ("NBW-CLN-PHY-45", "Physiotherapy Session (45 min)", "Clinic", 70.00),
    ("NBW-CLN-NUT-6", "Nutrition Coaching Pack (6 sessions)", "Clinic", 390.00),
    ("NBW-CLN-BLD-01", "Blood Panel - Standard", "Clinic", 120.00),
    ("NBW-CLN-BLD-02", "Blood Panel - Extended", "Clinic", 210.00),
    ("NBW-CLN-PSY-50", "Counselling Session (50 min)", "Clinic", 95.00),
    ("NBW-BOX-LC", "Meal Box - Low Carb (weekly)", "Meal Boxes", 64.00),
    ("NBW-BOX-VG", "Meal Box - Vegan (weekly)", "Meal Boxes", 59.00),
    ("NBW-BOX-GF", "Meal Box - Gluten Free (weekly)", "Meal Boxes", 66.00),
    ("NBW-SUP-O3", "Omega-3 Supplement (90 caps)", "Supplements", 24.90),
    ("NBW-SUP-VD", "Vitamin D3 1000 IU (120 tabs)", "Supplements", 12.50),
    ("NBW-SUP-PRT", "Whey Protein Shake (1 kg)", "Supplements", 34.00),
    ("NBW-APP-PRO", "Coaching App Pro (annual)", "Digital", 79.00),
    ("NBW-WRB-01", "Activity Tracker Band", "Devices", 89.00),
    ("NBW-YGA-10", "Yoga Class Pass (10 classes)", "Classes", 120.00),
    ("NBW-PNY-08", "Prenatal Yoga Course (8 weeks)", "Classes", 160.00),
    ("NBW-MND-08", "Mindfulness Course (8 weeks)", "Classes", 140.00),
]

PIPELINE_STAGES = [
    # name, sort order, default probability, closed, won
    ("Prospecting", 1, 10, 0, 0),
    ("Qualification", 2, 20, 0, 0),
    ("Needs Analysis", 3, 35, 0, 0),
    ("Proposal", 4, 50, 0, 0),
    ("Negotiation", 5, 75, 0, 0),
    ("Contract Sent", 6, 90, 0, 0),
    ("Closed Won", 7, 100, 1, 1),
    ("Closed Lost", 8, 0, 1, 0),
]

# ICD-10 code, description, typical medication (None: no medication)
DIAGNOSES = [
    ("E11.9", "type 2 diabetes", "Metformin 500 mg twice daily"),
    ("E11.65", "type 2 diabetes with hyperglycaemia", "Insulin glargine 20 units nightly"),
    ("E10.9", "type 1 diabetes", "Insulin lispro with meals; insulin glargine nightly"),
    ("J45.909", "asthma", "Albuterol inhaler as needed"),
    ("J45.20", "mild intermittent asthma", "Salbutamol inhaler as needed"),
    ("I10", "essential hypertension", "Lisinopril 10 mg daily"),
    ("I10", "essential hypertension", "Amlodipine 5 mg daily"),
    ("E78.5", "hyperlipidaemia", "Atorvastatin 20 mg daily"),
    ("F41.1", "generalised anxiety disorder", "Sertraline 50 mg daily"),
    ("F32.9", "depressive episode", "Escitalopram 10 mg daily"),
    ("E03.9", "hypothyroidism", "Levothyroxine 50 mcg daily"),
    ("K21.9", "gastro-oesophageal reflux", "Omeprazole 20 mg daily"),
    ("G43.909", "migraine", "Sumatriptan 50 mg as needed"),
    ("M54.5", "low back pain", "Ibuprofen 400 mg as needed"),
    ("M17.11", "osteoarthritis of the right knee", "Paracetamol 1 g as needed"),
    ("J30.9", "allergic rhinitis", "Cetirizine 10 mg daily"),
    ("E66.9", "obesity", None),
    ("K90.0", "coeliac disease", None),
    ("G47.00", "insomnia", "Melatonin 2 mg at night"),
    ("I48.91", "atrial fibrillation", "Warfarin 5 mg daily"),
    ("L40.0", "psoriasis", "Topical calcipotriol"),
    ("Z72.0", "tobacco use", "Nicotine patch 21 mg"),
    ("R53.83", "fatigue", None),
    ("O09.90", "supervised pregnancy", "Folic acid 400 mcg daily"),
]
ALLERGIES = [
    "Penicillin",
    "Peanuts",
    "Latex",
    "Sulfonamides",
    "Shellfish",
    "Pollen; dust mites",
    "Ibuprofen",
    "Tree nuts",
    "Eggs",
    "Bee stings",
    "Codeine",
]
BLOOD_TYPES = [("O+", 37), ("A+", 34), ("B+", 9), ("AB+", 3), ("O-", 7), ("A-", 6), ("B-", 2), ("AB-", 1)]
INSURERS = [
    ("AET", "W", 9),
    ("BCBS", "XKH", 9),
    ("UHC", "9", 9),
    ("CIGNA", "U", 8),
    ("AXA", "AXA", 8),
    ("BUPA", "BP", 8),
    ("TK", "T", 9),
    ("AOK", "A", 9),
]

PHONE_MODELS = [
    "iPhone 15 Pro",
    "iPhone 15",
    "iPhone 14",
    "iPhone 13 mini",
    "iPhone SE (3rd gen)",
    "Samsung Galaxy S23",
    "Samsung Galaxy S24",
    "Samsung Galaxy A54",
    "Google Pixel 8",
    "Google Pixel 7a",
    "Fairphone 5",
    "Motorola Edge 40",
]

# ----------------------------------------------------------------------------------------------
# Check-digit algorithms (the values they produce are validated independently in the tests)
# ----------------------------------------------------------------------------------------------


def luhn_check_digit(partial: str) -> str:
    """The digit that makes ``partial + digit`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def iban_from_bban(country: str, bban: str) -> str:
    """ISO 13616 IBAN with ISO 7064 mod 97-10 check digits."""
    rearranged = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"


def gb11643_check(first17: str) -> str:
    """Check character of a PRC resident identity number (GB 11643-1999)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def mod_11_10_check(digits: str) -> str:
    """ISO 7064 MOD 11,10 check digit (German Steuer-IdNr)."""
    product = 10
    for ch in digits:
        s = (int(ch) + product) % 10 or 10
        product = (2 * s) % 11
    return str((11 - product) % 10)


_CF_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [
            1,
            0,
            5,
            7,
            9,
            13,
            15,
            17,
            19,
            21,
            1,
            0,
            5,
            7,
            9,
            13,
            15,
            17,
            19,
            21,
            2,
            4,
            18,
            20,
            11,
            3,
            6,
            8,
            12,
            14,
            16,
            10,
            22,
            25,
            24,
            23,
        ],
        strict=True,
    )
)


def _cf_even(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A")


def italian_check_char(s: str) -> str:
    """Check character shared by the codice fiscale and the Italian BBAN CIN."""
    total = sum(_CF_ODD[c] if i % 2 == 0 else _cf_even(c) for i, c in enumerate(s))
    return chr(ord("A") + total % 26)


def ascii_fold(text: str) -> str:
    """'Müller' -> 'Mueller', 'Léa' -> 'Lea': for e-mail local parts and codice-fiscale letters."""
    text = text.replace("ß", "ss").replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
    text = text.replace("Ü", "Ue").replace("Ö", "Oe").replace("Ä", "Ae")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# ----------------------------------------------------------------------------------------------
# Value generators
# ----------------------------------------------------------------------------------------------


def ts(d: datetime) -> str:
    return d.strftime("%Y-%m-%d %H:%M:%S")


def rand_datetime(r: random.Random, start: datetime, end: datetime) -> datetime:
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=r.randrange(span))


def rand_date(r: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=r.randrange((end - start).days + 1))


def weighted(r: random.Random, pairs: list[tuple[object, int]]):
    return r.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def digits(r: random.Random, n: int) -> str:
    return "".join(str(r.randrange(10)) for _ in range(n))


class Person:
    """A synthetic person anchored in one country; all derived values stay consistent."""

    def __init__(self, r: random.Random, country: str | None = None, *, minor: bool = False):
        self.country = country or r.choices(COUNTRY_CODES, weights=COUNTRY_WEIGHTS)[0]
        males, females, lasts = NAMES[self.country]
        self.sex = r.choice("MF")
        self.first = r.choice(males if self.sex == "M" else females)
        self.last = r.choice(lasts)
        if self.country == "ES" and r.random() < 0.6:  # Spanish double surnames
            self.last = f"{self.last} {r.choice(lasts)}"
        self.city = r.choice(CITIES[self.country])
        if minor:
            self.dob = rand_date(r, TODAY - timedelta(days=16 * 365 - 30), TODAY - timedelta(days=8 * 365))
        else:
            self.dob = rand_date(r, date(1942, 1, 1), TODAY - timedelta(days=18 * 365 + 10))

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def country_name(self) -> str:
        return str(COUNTRIES[self.country]["name"])


def postal_code(r: random.Random, country: str, spec) -> str:
    if country == "US":
        prefix, lo, hi = spec
        return f"{prefix}{r.randint(lo, hi):02d}"
    if country == "GB":
        inward = f"{r.randrange(1, 10)}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        return f"{r.choice(spec)} {inward}"
    if country == "FR":
        return f"{r.choice(spec):05d}"
    if country == "NL":
        while True:
            letters = r.choice("ABCEGHJKLMNPRSTVWXZ") + r.choice("ABCEGHJKLMNPRSTVWXZ")
            if letters not in ("SA", "SD", "SS"):
                return f"{r.randint(*spec)} {letters}"
    return f"{r.randint(*spec):05d}"


def street_address(r: random.Random, country: str) -> str:
    name = r.choice(STREETS[country])
    n = r.randint(1, 240)
    if country == "US":
        s = f"{r.randint(10, 9899)} {name} {r.choice(['St', 'Ave', 'Rd', 'Blvd', 'Dr', 'Ln', 'Ct'])}"
        if r.random() < 0.25:
            s += f" Apt {r.randint(1, 30)}{r.choice('ABCDEF')}"
        return s
    if country == "GB":
        s = f"{n} {name} {r.choice(['Road', 'Street', 'Lane', 'Avenue', 'Close', 'Gardens'])}"
        if r.random() < 0.2:
            s = f"Flat {r.randint(1, 24)}, {s}"
        return s
    if country == "DE":
        return f"{name}{r.choice(['straße', 'weg', 'allee', 'gasse'])} {n}{r.choice(['', '', '', 'a', 'b'])}"
    if country == "FR":
        return f"{n} {r.choice(['rue', 'avenue', 'boulevard', 'place'])} {name}"
    if country == "NL":
        return f"{name}{r.choice(['straat', 'weg', 'laan', 'gracht', 'plein'])} {n}"
    if country == "ES":
        s = f"{r.choice(['Calle', 'Avenida', 'Paseo'])} {name}, {n}"
        if r.random() < 0.6:
            s += f", {r.randint(1, 9)}º {r.choice('ABCD')}"
        return s
    return f"{r.choice(['Via', 'Corso', 'Viale', 'Piazza'])} {name} {n}"


def landline(r: random.Random, country: str, area: str) -> str:
    if country == "US":
        return r.choice(
            [
                "({a}) {e}-{s}",
                "{a}-{e}-{s}",
                "+1 {a}-{e}-{s}",
                "{a}.{e}.{s}",
            ]
        ).format(a=area, e=_us_exchange(r), s=digits(r, 4))
    if country == "GB":
        if area == "20":
            return f"+44 20 {r.choice('378')}{digits(r, 3)} {digits(r, 4)}"
        return f"+44 {area} {r.randint(200, 499)} {digits(r, 4)}"
    if country == "DE":
        return f"+49 {area} {r.randint(2, 9)}{digits(r, 7 - len(area) + 1)}"
    if country == "FR":
        return f"+33 {area} {r.randint(10, 99)} {digits(r, 2)} {digits(r, 2)} {digits(r, 2)}"
    if country == "NL":
        return f"+31 {area} {r.randint(200, 899)} {digits(r, 4)}"
    if country == "ES":
        return f"+34 {area}{r.randint(1, 9)} {digits(r, 3)} {digits(r, 3)}"
    return f"+39 {area} {r.randint(1000, 9999)} {digits(r, 4 if len(area) == 2 else 3)}"


FR_MOBILE_6 = [x for x in range(90) if x != 39]  # 06 39 and 06 9x are overseas-department ranges


def mobile(r: random.Random, country: str, area: str) -> str:
    if country == "US":
        return f"+1 {area}-{_us_exchange(r)}-{digits(r, 4)}"
    if country == "GB":
        return f"+44 7{r.choice('45789')}{digits(r, 2)} {digits(r, 6)}"
    if country == "DE":
        return f"+49 1{r.choice(['51', '52', '57', '60', '70', '71', '76'])} {r.randint(2, 9)}{digits(r, 7)}"
    if country == "FR":
        first = f"6 {r.choice(FR_MOBILE_6):02d}" if r.random() < 0.7 else f"7 {r.randint(30, 99)}"
        return f"+33 {first} {digits(r, 2)} {digits(r, 2)} {digits(r, 2)}"
    if country == "NL":
        return f"+31 6 {r.randint(1, 6)}{digits(r, 7)}"
    if country == "ES":
        return f"+34 6{digits(r, 2)} {digits(r, 3)} {digits(r, 3)}"
    return f"+39 3{r.choice('234789')}{digits(r, 1)} {digits(r, 3)} {digits(r, 4)}"


def _us_exchange(r: random.Random) -> str:
    while True:
        e = f"{r.randint(2, 9)}{digits(r, 2)}"
        if e[1:] != "11" and e != "555":
            return e


def email_for(r: random.Random, first: str, last: str, domain: str) -> str:
    f = ascii_fold(first).lower().replace("'", "").replace(" ", "")
    la = ascii_fold(last).lower().replace("'", "").replace(" ", "")
    pattern = r.choice(["{f}.{l}", "{f}.{l}", "{f0}{l}", "{f}{l}", "{f}_{l}", "{f}.{l}{n}", "{f}{n}"])
    return pattern.format(f=f, l=la, f0=f[0], n=r.randint(1, 99)) + "@" + domain


def us_ssn(r: random.Random) -> str:
    while True:
        area = r.randint(1, 899)
        if area == 666:
            continue
        s = f"{area:03d}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}"
        if s not in ("078-05-1120", "219-09-9999", "457-55-5462"):
            return s


def national_id(r: random.Random, p: Person) -> str | None:
    """A national identifier of the person's country, with valid check digits where one exists."""
    c = p.country
    if c == "GB":  # National Insurance number (no check digit; prefix rules only)
        while True:
            a, b = r.choice("ABCEGHJKLMNOPRSTWXYZ"), r.choice("ABCEGHJKLMNPRSTWXYZ")
            if a + b not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
                break
        d = digits(r, 6)
        sfx = r.choice("ABCD")
        return f"{a}{b} {d[:2]} {d[2:4]} {d[4:]} {sfx}" if r.random() < 0.5 else f"{a}{b}{d}{sfx}"
    if c == "DE":  # Steuerliche Identifikationsnummer
        while True:
            pool = [str(i) for i in range(10)]
            r.shuffle(pool)
            nine = pool[:9]
            ten = nine + [r.choice(nine)]
            r.shuffle(ten)
            if ten[0] != "0":
                break
        n = "".join(ten)
        n += mod_11_10_check(n)
        return f"{n[:2]} {n[2:5]} {n[5:8]} {n[8:]}" if r.random() < 0.3 else n
    if c == "FR":  # NIR (numéro de sécurité sociale)
        dept, lo, hi = p.city[4]
        body = (
            f"{1 if p.sex == 'M' else 2}{p.dob.year % 100:02d}{p.dob.month:02d}{dept}"
            f"{r.randint(lo, hi):03d}{r.randint(1, 999):03d}"
        )
        key = 97 - int(body) % 97
        return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"
    if c == "NL":  # BSN (elfproef)
        while True:
            d8 = str(r.randint(1, 9)) + digits(r, 7)
            check = sum(int(x) * w for x, w in zip(d8, range(9, 1, -1), strict=True)) % 11
            if check < 10:
                return d8 + str(check)
    if c == "ES":  # DNI
        n = r.randint(10_000_000, 79_999_999)
        return f"{n:08d}{'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}"
    if c == "IT":  # codice fiscale
        return codice_fiscale(r, p)
    return None


def _cf_part(word: str, is_first: bool) -> str:
    letters = [ch for ch in ascii_fold(word).upper() if ch.isalpha()]
    cons = [ch for ch in letters if ch not in "AEIOU"]
    vows = [ch for ch in letters if ch in "AEIOU"]
    if is_first and len(cons) >= 4:
        cons = [cons[0], cons[2], cons[3]]
    return ("".join(cons + vows) + "XXX")[:3]


def codice_fiscale(r: random.Random, p: Person) -> str:
    day = p.dob.day + (40 if p.sex == "F" else 0)
    body = (
        f"{_cf_part(p.last, False)}{_cf_part(p.first, True)}{p.dob.year % 100:02d}"
        f"{'ABCDEHLMPRST'[p.dob.month - 1]}{day:02d}{p.city[4]}"
    )
    return body + italian_check_char(body)


BANKS = {
    "DE": [
        ("10070000", "Deutsche Bank"),
        ("37040044", "Commerzbank"),
        ("50010517", "ING"),
        ("70150000", "Stadtsparkasse München"),
        ("20050550", "Hamburger Sparkasse"),
        ("12030000", "DKB"),
    ],
    "FR": [
        ("30004", "BNP Paribas"),
        ("30003", "Société Générale"),
        ("30002", "LCL"),
        ("20041", "La Banque Postale"),
        ("10278", "Crédit Mutuel"),
    ],
    "NL": [("ABNA", "ABN AMRO"), ("INGB", "ING"), ("RABO", "Rabobank"), ("SNSB", "SNS"), ("BUNQ", "bunq")],
    "ES": [("2100", "CaixaBank"), ("0049", "Santander"), ("0182", "BBVA"), ("0081", "Sabadell")],
    "IT": [("03069", "Intesa Sanpaolo"), ("02008", "UniCredit"), ("05034", "Banco BPM"), ("01030", "MPS")],
}


def iban_for(r: random.Random, country: str) -> str:
    code = r.choice(BANKS[country])[0]
    if country == "DE":
        bban = code + digits(r, 10)
    elif country == "FR":
        branch, account = digits(r, 5), digits(r, 11)
        key = 97 - (89 * int(code) + 15 * int(branch) + 3 * int(account)) % 97
        bban = f"{code}{branch}{account}{key:02d}"
    elif country == "NL":
        bban = code + digits(r, 10)
    elif country == "ES":
        branch, account = digits(r, 4), digits(r, 10)
        bban = code + branch + _es_ccc_check("00" + code + branch) + _es_ccc_check(account) + account
    elif country == "IT":
        rest = code + digits(r, 5) + digits(r, 12)
        bban = italian_check_char(rest) + rest
    else:
        raise ValueError(country)
    return iban_from_bban(country, bban)


def _es_ccc_check(ten: str) -> str:
    weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
    d = 11 - sum(int(c) * w for c, w in zip(ten, weights, strict=True)) % 11
    return str({11: 0, 10: 1}.get(d, d))


def card(r: random.Random) -> tuple[str, str]:
    """(brand, card number) -- Luhn-valid, brand-correct prefix and length."""
    brand = weighted(r, [("Visa", 55), ("Mastercard", 35), ("Amex", 10)])
    if brand == "Visa":
        partial, length = "4" + digits(r, 5), 16
    elif brand == "Mastercard":
        partial = (
            str(r.randint(51, 55)) + digits(r, 4)
            if r.random() < 0.8
            else str(r.randint(2221, 2720)) + digits(r, 2)
        )
        length = 16
    else:
        partial, length = r.choice(["34", "37"]) + digits(r, 4), 15
    partial += digits(r, length - 1 - len(partial))
    return brand, partial + luhn_check_digit(partial)


BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TO_BCRYPT = str.maketrans(B64_ALPHABET, BCRYPT_ALPHABET)


def bcrypt_like(r: random.Random, cost: int = 12) -> str:
    """A string of valid bcrypt shape: 16-byte salt (22 chars) + 23-byte digest (31 chars)."""
    enc = base64.b64encode(r.randbytes(16)).decode().rstrip("=").translate(_TO_BCRYPT)
    dig = base64.b64encode(r.randbytes(23)).decode().rstrip("=").translate(_TO_BCRYPT)
    return f"$2b${cost:02d}${enc}{dig}"


def base62(r: random.Random, n: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return "".join(r.choice(alphabet) for _ in range(n))


def salesforce_id(r: random.Random, prefix: str) -> str:
    """An 18-character Salesforce record id with the real case-checksum suffix."""
    body = prefix + "5g00000" + base62(r, 5)
    suffix = ""
    for chunk in range(3):
        bits = sum(1 << i for i, ch in enumerate(body[chunk * 5 : chunk * 5 + 5]) if "A" <= ch <= "Z")
        suffix += "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits]
    return body + suffix


def company_name(r: random.Random, country: str) -> str:
    return f"{r.choice(COMPANY_WORDS_A)} {r.choice(COMPANY_WORDS_B)} {r.choice(COMPANY_SUFFIX[country])}"


def slug(name: str) -> str:
    words = name.split()[:-1]  # drop the legal-form suffix
    return "".join(ch for ch in ascii_fold("".join(words)).lower() if ch.isalnum())


def public_ipv4(r: random.Random) -> str:
    first = r.choice(
        [
            23,
            31,
            37,
            45,
            62,
            77,
            81,
            84,
            88,
            91,
            94,
            98,
            104,
            108,
            141,
            151,
            176,
            185,
            188,
            194,
            203,
            212,
            217,
        ]
    )
    return f"{first}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"


def public_ipv6(r: random.Random) -> str:
    head = r.choice(["2a02:8108", "2a01:e0a", "2001:4860", "2600:1700", "2a00:23c7", "2003:e8"])
    groups = [f"{r.randrange(0x10000):x}" for _ in range(4)]
    return f"{head}:{r.randrange(0x10000):x}::{':'.join(groups)}"


# ----------------------------------------------------------------------------------------------
# The SQLite CRM
# ----------------------------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    api_token TEXT,
    totp_secret TEXT,
    role TEXT NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT 1,
    last_login_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    asset_tag TEXT NOT NULL UNIQUE,
    assigned_user_id INTEGER REFERENCES users(id),
    phone_model TEXT NOT NULL,
    os_version TEXT,
    purchased_on DATE,
    status TEXT NOT NULL
);
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    account_number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    industry TEXT,
    website TEXT,
    phone TEXT,
    billing_street TEXT,
    billing_city TEXT,
    billing_postal_code TEXT,
    billing_country TEXT,
    annual_revenue NUMERIC(15,2),
    employee_count INTEGER,
    owner_user_id INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    mobile TEXT,
    mailing_street TEXT,
    mailing_city TEXT,
    mailing_postal_code TEXT,
    mailing_country TEXT,
    date_of_birth DATE,
    gender TEXT,
    ssn TEXT,
    national_id TEXT,
    marketing_opt_in BOOLEAN NOT NULL DEFAULT 0,
    email_opt_out BOOLEAN NOT NULL DEFAULT 0,
    lead_source TEXT,
    ethnicity TEXT,
    religion TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    first_name TEXT,
    last_name TEXT NOT NULL,
    company TEXT,
    title TEXT,
    email TEXT,
    phone TEXT,
    status TEXT NOT NULL,
    rating TEXT,
    ip_address TEXT,
    email_opt_out BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE pipeline_stages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    sort_order INTEGER NOT NULL,
    default_probability INTEGER NOT NULL,
    is_closed BOOLEAN NOT NULL,
    is_won BOOLEAN NOT NULL
);
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    list_price NUMERIC(10,2) NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1
);
CREATE TABLE opportunities (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    owner_user_id INTEGER REFERENCES users(id),
    name TEXT NOT NULL,
    stage TEXT NOT NULL REFERENCES pipeline_stages(name),
    amount NUMERIC(12,2),
    close_date DATE,
    probability INTEGER,
    next_step TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER REFERENCES contacts(id),
    owner_user_id INTEGER REFERENCES users(id),
    subject TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    channel TEXT,
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    parent_type TEXT NOT NULL,
    parent_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    method TEXT NOT NULL,
    card_brand TEXT,
    card_number TEXT,
    card_last4 TEXT,
    card_expiry TEXT,
    cvv TEXT,
    iban TEXT,
    amount NUMERIC(10,2) NOT NULL,
    currency TEXT NOT NULL,
    paid_at TIMESTAMP NOT NULL
);
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    status TEXT NOT NULL,
    masked_card TEXT,
    payment_token TEXT,
    started_at DATE NOT NULL,
    renews_on DATE
);
CREATE TABLE patient_intake (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL UNIQUE REFERENCES contacts(id),
    intake_date DATE NOT NULL,
    blood_type TEXT,
    allergies TEXT,
    medication TEXT,
    diagnosis_code TEXT,
    insurance_member_id TEXT,
    notes TEXT
);
"""


def build_users(r: random.Random) -> list[tuple]:
    rows: list[tuple] = []
    roles = (
        ["admin"] * 2
        + ["sales_manager"] * 2
        + ["sales_rep"] * 8
        + ["support_agent"] * 6
        + ["clinician"] * 3
        + ["marketing"] * 3
    )
    seen: set[str] = set()
    for i, role in enumerate(roles, start=1):
        while True:
            p = Person(r, r.choice(["US", "US", "GB", "DE", "NL"]))
            username = ascii_fold(p.first[0] + p.last).lower().replace(" ", "").replace("'", "")
            if username not in seen:
                seen.add(username)
                break
        created = rand_datetime(r, datetime(2018, 3, 1), datetime(2024, 6, 1))
        active = r.random() > 0.12
        last_login = (
            rand_datetime(r, NOW - timedelta(days=30 if active else 400), NOW) if r.random() > 0.04 else None
        )
        token = None
        if role in ("admin", "marketing") or r.random() < 0.15:
            token = (
                r.randbytes(20).hex()
                if r.random() < 0.5
                else base64.urlsafe_b64encode(r.randbytes(32)).decode().rstrip("=")
            )
        totp = base64.b32encode(r.randbytes(20)).decode() if r.random() < 0.45 else None
        email = (
            f"{ascii_fold(p.first).lower()}.{ascii_fold(p.last).lower().replace(' ', '')}@{COMPANY_DOMAIN}"
        )
        rows.append(
            (
                i,
                username,
                email.replace("'", ""),
                p.full_name,
                bcrypt_like(r),
                token,
                totp,
                role,
                int(active),
                ts(last_login) if last_login else None,
                ts(created),
            )
        )
    # Two integration service accounts: not people, but they sit in the same columns.
    for name, full in (
        ("svc_hubspot_sync", "HubSpot Sync (service account)"),
        ("svc_billing", "Billing Integration (service account)"),
    ):
        rows.append(
            (
                len(rows) + 1,
                name,
                f"{name}@{COMPANY_DOMAIN}",
                full,
                bcrypt_like(r),
                "nbw_" + base64.urlsafe_b64encode(r.randbytes(30)).decode(),
                None,
                "integration",
                1,
                ts(rand_datetime(r, NOW - timedelta(hours=6), NOW)),
                ts(datetime(2021, 2, 1, 9, 0, 0)),
            )
        )
    assert len(rows) == N_USERS_HUMAN + 2
    return rows


def build_devices(r: random.Random, n_users: int) -> list[tuple]:
    rows = []
    for i in range(1, N_DEVICES + 1):
        model = r.choice(PHONE_MODELS)
        os_version = (
            f"iOS {r.choice(['16.7', '17.5', '17.6', '18.1', '18.5'])}"
            if model.startswith("iPhone")
            else f"Android {r.choice(['13', '14', '15'])}"
        )
        status = weighted(r, [("in_use", 30), ("spare", 6), ("retired", 3), ("lost", 1)])
        user = r.randint(1, n_users - 2) if status == "in_use" else None
        rows.append(
            (
                i,
                f"NB-MOB-{i:04d}",
                user,
                model,
                os_version,
                rand_date(r, date(2021, 1, 1), date(2025, 3, 31)).isoformat(),
                status,
            )
        )
    return rows


def build_accounts(r: random.Random, n_users: int) -> list[tuple]:
    rows = []
    names: set[str] = set()
    sales_reps = list(range(5, 13))
    for i in range(1, N_ACCOUNTS + 1):
        country = r.choices(COUNTRY_CODES, weights=COUNTRY_WEIGHTS)[0]
        while True:
            name = company_name(r, country)
            if name not in names:
                names.add(name)
                break
        city = r.choice(CITIES[country])
        employees = int(r.lognormvariate(5.5, 1.3)) + 5
        revenue = round(employees * r.uniform(60_000, 250_000), -3)
        rows.append(
            (
                i,
                f"{10_004_000 + i * 37 + r.randint(0, 30):08d}",
                name,
                r.choice(INDUSTRIES),
                f"https://www.{slug(name)}.{COUNTRIES[country]['tld']}",
                landline(r, country, city[3]),
                street_address(r, country),
                city[0],
                postal_code(r, country, city[2]),
                COUNTRIES[country]["name"],
                revenue,
                employees,
                r.choice(sales_reps),
                ts(rand_datetime(r, datetime(2019, 1, 1), datetime(2025, 5, 1))),
            )
        )
    return rows


def build_contacts(r: random.Random, accounts: list[tuple]) -> tuple[list[tuple], list[Person]]:
    rows, people = [], []
    acct_domain = {a[0]: a[4].split("www.", 1)[1] for a in accounts}
    acct_country = {a[0]: a[9] for a in accounts}
    name_to_code = {str(v["name"]): k for k, v in COUNTRIES.items()}
    for i in range(1, N_CONTACTS + 1):
        minor = r.random() < 0.02
        account_id = None if (minor or r.random() < 0.15) else r.randint(1, len(accounts))
        country = name_to_code[acct_country[account_id]] if account_id and r.random() < 0.85 else None
        p = Person(r, country, minor=minor)
        people.append(p)
        if account_id and r.random() < 0.6:
            email = email_for(r, p.first, p.last, acct_domain[account_id])
        else:
            email = email_for(r, p.first, p.last, r.choice(PERSONAL_EMAIL_DOMAINS[p.country]))
        if r.random() < 0.03:
            email = None
        phone = landline(r, p.country, p.city[3]) if r.random() < 0.7 else None
        mob = mobile(r, p.country, p.city[3]) if r.random() < 0.8 else None
        has_addr = r.random() < 0.85
        gender = weighted(r, [("female" if p.sex == "F" else "male", 90), ("non-binary", 1), (None, 9)])
        ssn = us_ssn(r) if p.country == "US" and not minor and r.random() < 0.7 else None
        nid = national_id(r, p) if p.country != "US" and not minor and r.random() < 0.65 else None
        opt_in = int(r.random() < 0.45)
        opt_out = int(not opt_in and r.random() < 0.2)
        ethnicity = r.choice(ETHNICITIES) if r.random() < 0.05 else None
        religion = r.choice(RELIGIONS) if r.random() < 0.03 else None
        source = "Employer Program" if account_id and r.random() < 0.4 else r.choice(LEAD_SOURCES)
        rows.append(
            (
                i,
                account_id,
                p.first,
                p.last,
                email,
                phone,
                mob,
                street_address(r, p.country) if has_addr else None,
                p.city[0],
                postal_code(r, p.country, p.city[2]) if has_addr else None,
                p.country_name,
                p.dob.isoformat() if (minor or r.random() < 0.92) else None,
                gender,
                ssn,
                nid,
                opt_in,
                opt_out,
                source,
                ethnicity,
                religion,
                ts(rand_datetime(r, datetime(2019, 1, 1), NOW - timedelta(days=1))),
            )
        )
    return rows, people


def build_leads(r: random.Random) -> list[tuple]:
    rows = []
    for i in range(1, N_LEADS + 1):
        p = Person(r)
        company = company_name(r, p.country) if r.random() < 0.8 else None
        domain = (
            f"{slug(company)}.{COUNTRIES[p.country]['tld']}"
            if company and r.random() < 0.6
            else r.choice(PERSONAL_EMAIL_DOMAINS[p.country])
        )
        status = weighted(
            r, [("New", 30), ("Working", 25), ("Nurturing", 20), ("Qualified", 15), ("Unqualified", 10)]
        )
        ip = (public_ipv4(r) if r.random() < 0.85 else public_ipv6(r)) if r.random() < 0.75 else None
        phone = None
        if r.random() < 0.7:
            phone = (mobile if r.random() < 0.5 else landline)(r, p.country, p.city[3])
        rows.append(
            (
                i,
                p.first if r.random() > 0.03 else None,
                p.last,
                company,
                r.choice(JOB_TITLES) if company and r.random() < 0.8 else None,
                email_for(r, p.first, p.last, domain) if r.random() < 0.95 else None,
                phone,
                status,
                r.choice(["Hot", "Warm", "Warm", "Cold", "Cold"]) if r.random() < 0.8 else None,
                ip,
                int(r.random() < 0.12),
                ts(rand_datetime(r, datetime(2022, 1, 1), NOW - timedelta(hours=2))),
            )
        )
    return rows


def build_opportunities(r: random.Random, accounts: list[tuple], contacts: list[tuple]) -> list[tuple]:
    rows = []
    contacts_by_account: dict[int, list[tuple]] = {}
    for c in contacts:
        if c[1]:
            contacts_by_account.setdefault(c[1], []).append(c)
    corporate = [p for p in PRODUCTS if p[2] == "Corporate"]
    for i in range(1, N_OPPORTUNITIES + 1):
        acct = accounts[r.randrange(len(accounts))]
        stage_name, _, prob, closed, _ = r.choices(PIPELINE_STAGES, weights=[14, 12, 10, 12, 8, 5, 22, 17])[0]
        product = r.choice(corporate)
        seats = min(acct[11], r.choice([25, 50, 100, 150, 250, 500, 1000]))
        amount = product[3] * seats if "seat" in product[1] else product[3] * r.randint(1, 4)
        created = rand_datetime(r, datetime(2021, 1, 1), NOW - timedelta(days=5))
        close = (created + timedelta(days=r.randint(20, 240))).date()
        people = contacts_by_account.get(acct[0], [])
        if not closed and people and r.random() < 0.3:
            c = r.choice(people)
            step = r.choice(
                [
                    "Call {n} re: pricing",
                    "Send revised quote to {n}",
                    "Book demo with {n}",
                    "Chase {n} for signature",
                    "Lunch with {n} next week",
                ]
            ).format(n=f"{c[2]} {c[3]}")
        elif not closed:
            step = r.choice(
                [
                    "Send proposal",
                    "Schedule demo",
                    "Negotiate renewal terms",
                    "Legal review",
                    "Waiting for budget approval",
                    "Security questionnaire",
                    "Pilot with one site",
                    None,
                ]
            )
        else:
            step = None
        rows.append(
            (
                i,
                acct[0],
                acct[12],
                f"{acct[2]} - {product[1].split(' (')[0]}" + (f" x{seats}" if "seat" in product[1] else ""),
                stage_name,
                round(amount, 2),
                close.isoformat(),
                prob,
                step,
                ts(created),
            )
        )
    return rows


CASE_PLAIN = [
    # (subject, description)
    (
        "Cannot log in to member portal",
        "Customer cannot log in to the member portal after the password reset e-mail expired.",
    ),
    (
        "Wrong VAT number on invoice",
        "Invoice shows the wrong VAT number; customer asked for a corrected copy.",
    ),
    ("Change of delivery address", "Asked to change the delivery address for the next meal box."),
    ("Duplicate charge", "Duplicate charge on last month's statement; refund requested."),
    ("Upgrade membership", "Wants to upgrade from Basic to Premium membership from next month."),
    (
        "App crashes on Android",
        "App crashes on Android when opening the class schedule. Sent to the mobile team.",
    ),
    (
        "Data access request",
        "Requested a copy of all personal data we hold (DSAR); forwarded to the privacy team.",
    ),
    (
        "Complaint about clinic waiting time",
        "Complaint about waiting time at clinic reception, 40 minutes past the slot.",
    ),
    ("Cancel annual plan", "Asked how to cancel the annual plan and whether unused months are refunded."),
    ("Meal box arrived damaged", "Box arrived with a broken seal; replacement shipped."),
    (
        "Booking problem",
        "Could not book a yoga class, calendar shows no free slots although the class is half empty.",
    ),
    ("Promo code not working", "Promo code from the newsletter not accepted at checkout."),
    ("Delivery problem", "Courier left the box at the wrong address."),
]
CASE_HEALTH = [
    (
        "Delivery question",
        "Customer on insulin asked whether the cold-chain box keeps the pen below 8°C during delivery.",
    ),
    (
        "Pause membership",
        "Caller is undergoing chemotherapy and wants to pause the membership for three months.",
    ),
    ("Accessibility request", "Member has epilepsy and asked us to disable flashing animations in the app."),
    (
        "Question about meal boxes",
        "Customer recently diagnosed with type 2 diabetes asked which meal boxes are low-carb.",
    ),
    (
        "Question about supplements",
        "Takes warfarin; asked whether the omega-3 supplement in the starter box is safe with it.",
    ),
    ("Accessibility request", "Asked for large-print letters because of macular degeneration."),
    ("Change of course", "Member is pregnant (24 weeks) and wants to switch to the prenatal yoga course."),
    ("Accessibility request", "Customer with multiple sclerosis requests phone support instead of chat."),
    ("Reschedule appointment", "Had a knee replacement in March; physio plan needs to be rescheduled."),
    (
        "Product complaint",
        "Reports hives after the protein shake; advised to stop and see a doctor. Possible whey allergy.",
    ),
    (
        "Question about supplements",
        "On sertraline, asked if the St John's wort tea in the wellness box interacts with it.",
    ),
    (
        "Question about facilities",
        "Asthmatic member asks whether the sauna area is OK to use with an inhaler.",
    ),
    ("Change of meal box", "Diagnosed with coeliac disease; asked to move to gluten-free meal boxes."),
    (
        "Notification settings",
        "Member with bipolar disorder asked to be removed from the 'challenge' push notifications.",
    ),
    (
        "Privacy question",
        "Customer is HIV positive and asked who at the clinic can see the blood panel results.",
    ),
]


def build_cases(r: random.Random, contacts: list[tuple], people: list[Person]) -> list[tuple]:
    rows = []
    ssn_cases = {211, 658}  # the two tickets where a customer pasted a full SSN into the chat
    us_with_ssn = [c for c in contacts if c[13]]
    support = list(range(13, 19))
    for i in range(1, N_CASES + 1):
        c = contacts[r.randrange(len(contacts))]
        p = people[c[0] - 1]
        parts: list[str] = []
        if r.random() < 0.25:
            parts.append(f"Spoke with {p.full_name}.")
        if i in ssn_cases:
            c = r.choice(us_with_ssn)
            subject = "Identity verification"
            parts = [
                f"Customer pasted full SSN {c[13]} into the chat to 'verify identity'. "
                "Please redact the transcript."
            ]
        else:
            subject, text = r.choice(CASE_HEALTH if r.random() < 0.15 else CASE_PLAIN)
            parts.append(text)
        x = r.random()
        if x < 0.07 and i not in ssn_cases:
            alt = email_for(r, p.first, p.last, r.choice(PERSONAL_EMAIL_DOMAINS[p.country]))
            parts.append(f"Please reply to {alt} instead of the address on file.")
        elif x < 0.14 and i not in ssn_cases:
            parts.append(f"Call back on {mobile(r, p.country, p.city[3])} after 3pm.")
        status = weighted(r, [("Closed", 60), ("Open", 15), ("In Progress", 15), ("Waiting on Customer", 10)])
        created = rand_datetime(r, datetime(2022, 1, 1), NOW - timedelta(hours=1))
        closed = ts(created + timedelta(hours=r.randint(1, 24 * 14))) if status == "Closed" else None
        description = " ".join(parts) if (i in ssn_cases or r.random() > 0.02) else None
        rows.append(
            (
                i,
                c[0],
                r.choice(support),
                subject,
                description,
                status,
                weighted(r, [("Low", 30), ("Medium", 50), ("High", 17), ("Urgent", 3)]),
                r.choice(["Email", "Phone", "Chat", "Web"]),
                ts(created),
                closed,
            )
        )
    return rows


def build_notes(r: random.Random, accounts, contacts, leads, opportunities, people) -> list[tuple]:
    rows = []
    authors = list(range(1, 19))
    for i in range(1, N_NOTES + 1):
        parent_type = weighted(r, [("account", 30), ("contact", 35), ("opportunity", 25), ("lead", 10)])
        if parent_type == "contact":
            c = contacts[r.randrange(len(contacts))]
            pid, p = c[0], people[c[0] - 1]
        else:
            table = {"account": accounts, "opportunity": opportunities, "lead": leads}[parent_type]
            pid = table[r.randrange(len(table))][0]
            p = Person(r)
        other = Person(r, p.country)
        name = p.full_name
        x = r.random()
        if x < 0.03:
            templates = [
                "{n} is out for surgery until next month - reschedule the kickoff.",
                "{f} is on sick leave (burnout); talk to {o} in the meantime.",
                "{f} had a heart attack last week, the renewal call is postponed.",
            ]
            if p.sex == "F":
                templates.append(
                    "{f} mentioned she is pregnant and goes on maternity leave in May; {o} takes over."
                )
            body = r.choice(templates).format(n=name, f=p.first, o=other.full_name)
        elif x < 0.35:
            body = r.choice(
                [
                    "Intro call with {n}. Interested in the corporate wellness bundle for ~{k} staff.",
                    "{n} asked for a proposal by end of month. Direct line {ph}.",
                    "Sent pricing to {e}.",
                    "Decision maker is {n}; budget approved for Q{q}.",
                    "{n} prefers WhatsApp: {ph}.",
                    "Met {n} at the HR Tech conference; follow up after the holidays.",
                    "New contact {n} replaces {o} as benefits lead; new address {e}.",
                ]
            ).format(
                n=name,
                o=other.full_name,
                k=r.choice([40, 80, 120, 300]),
                q=r.randint(1, 4),
                ph=mobile(r, p.country, p.city[3]),
                e=email_for(r, p.first, p.last, r.choice(PERSONAL_EMAIL_DOMAINS[p.country])),
            )
        else:
            body = r.choice(
                [
                    "Left voicemail.",
                    "Demo went well. Follow-up scheduled.",
                    "Contract redlines with legal; waiting for signature.",
                    "No answer, try again next week.",
                    "Sent the case study deck.",
                    "Customer asked for SSO support; checking with product.",
                    "Renewal due in 60 days, usage is healthy.",
                    "Procurement wants a 3-year price lock.",
                    "Pilot at the Leeds office extended by one month.",
                    "Budget freeze until next fiscal year.",
                ]
            )
        rows.append(
            (
                i,
                parent_type,
                pid,
                body,
                r.choice(authors),
                ts(rand_datetime(r, datetime(2021, 6, 1), NOW - timedelta(hours=1))),
            )
        )
    return rows


def build_payments(r: random.Random, contacts: list[tuple], people: list[Person]) -> list[tuple]:
    rows = []
    cards: dict[int, tuple] = {}
    payers = [c for c in contacts if people[c[0] - 1].dob < TODAY - timedelta(days=18 * 365)]
    for i in range(1, N_PAYMENTS + 1):
        c = payers[r.randrange(len(payers))]
        p = people[c[0] - 1]
        paid = rand_datetime(r, datetime(2022, 1, 1), NOW - timedelta(hours=3))
        currency = str(COUNTRIES[p.country]["currency"])
        amount = round(
            r.choice([29, 59, 99, 590, 85, 70, 64, 59, 24.9, 120, 160]) * r.choice([1, 1, 1, 2]), 2
        )
        if COUNTRIES[p.country]["eu"] and r.random() < 0.45:
            iban = iban_for(r, p.country)
            rows.append(
                (i, c[0], "sepa_debit", None, None, None, None, None, iban, amount, currency, ts(paid))
            )
            continue
        if c[0] not in cards:
            brand, number = card(r)
            exp = TODAY + timedelta(days=r.randint(-300, 4 * 365))
            cvv = digits(r, 4 if brand == "Amex" else 3)
            cards[c[0]] = (brand, number, f"{exp.month:02d}/{exp.year % 100:02d}", cvv)
        brand, number, expiry, cvv = cards[c[0]]
        shown = number if r.random() < 0.85 else " ".join(number[k : k + 4] for k in range(0, len(number), 4))
        rows.append(
            (i, c[0], "card", brand, shown, number[-4:], expiry, cvv, None, amount, currency, ts(paid))
        )
    return rows


def build_subscriptions(r: random.Random, contacts: list[tuple], payments: list[tuple]) -> list[tuple]:
    rows = []
    last4 = {}
    for pay in payments:
        if pay[5]:
            last4[pay[1]] = pay[5]
    memberships = [i + 1 for i, p in enumerate(PRODUCTS) if p[2] in ("Membership", "Meal Boxes", "Digital")]
    chosen = r.sample(range(1, len(contacts) + 1), N_SUBSCRIPTIONS)
    for i, contact_id in enumerate(chosen, start=1):
        start = rand_date(r, date(2022, 1, 1), TODAY - timedelta(days=2))
        status = weighted(r, [("active", 70), ("paused", 8), ("cancelled", 15), ("past_due", 7)])
        if contact_id in last4 or r.random() < 0.6:
            l4 = last4.get(contact_id) or digits(r, 4)
            masked = f"**** **** **** {l4}" if r.random() < 0.8 else f"XXXX-XXXX-XXXX-{l4}"
            token = "pm_" + base62(r, 24)
        else:
            masked, token = None, None
        renews = None if status == "cancelled" else (TODAY + timedelta(days=r.randint(1, 365))).isoformat()
        rows.append((i, contact_id, r.choice(memberships), status, masked, token, start.isoformat(), renews))
    return rows


INTAKE_NOTES = {
    # ICD-10 prefix -> note template; the first matching prefix wins
    "E1": "HbA1c {a1c}% last month. Discussed carb counting; nutrition coaching booked.",
    "I10": "BP {bp} at intake. Advised low-sodium diet; recheck in 4 weeks.",
    "I48": "Irregular pulse at intake, on anticoagulation. Avoid contact sports; INR checks via GP.",
    "F": "Reports poor sleep and work stress; PHQ-9 score {phq}. Referred to counselling.",
    "M17": "BMI {bmi}. Knee pain on stairs; wants to lose weight before surgery. Started activity plan.",
    "E66": "BMI {bmi}. Motivated; started activity plan and nutrition coaching.",
    "J45": "Uses inhaler before exercise. Avoid outdoor classes on high-pollen days.",
    "J30": "Hay fever, worse in spring; antihistamine daily in season.",
    "Z72": "Smoker, 10/day. Interested in cessation programme.",
    "E78": "Family history of heart disease (father, MI at 52). Lipid panel ordered.",
    "M54": "Lower back pain for 3 months, desk job. Physio x6 and ergonomics review.",
    "G43": "Migraines 2-3 times a month; keep headache diary.",
    "G47": "Sleeps 4-5 h a night, shift work. Sleep hygiene session booked.",
    "O09": "{weeks} weeks pregnant. Cleared for prenatal yoga; no contact sports.",
    "K90": "Gluten-free diet required. Meal box switched to GF.",
    "": "No acute complaints. Annual check-up via employer programme.",
}


def build_intakes(r: random.Random, contacts: list[tuple], people: list[Person]) -> list[tuple]:
    rows = []
    adults = [c[0] for c in contacts if people[c[0] - 1].dob < TODAY - timedelta(days=18 * 365)]
    chosen = sorted(r.sample(adults, N_INTAKES))
    for i, contact_id in enumerate(chosen, start=1):
        p = people[contact_id - 1]
        dx = r.choice(DIAGNOSES)
        if dx[0].startswith("O") and p.sex == "M":
            dx = DIAGNOSES[0]
        medication = dx[2] if r.random() < 0.85 else None
        insurer, prefix, n = r.choice(INSURERS)
        template = next(t for prefix, t in INTAKE_NOTES.items() if dx[0].startswith(prefix))
        note = template.format(
            bp=f"{r.randint(118, 165)}/{r.randint(72, 102)}",
            phq=r.randint(5, 19),
            a1c=f"{r.uniform(5.6, 9.4):.1f}",
            bmi=f"{r.uniform(22, 39):.1f}",
            weeks=r.randint(12, 30),
        )
        rows.append(
            (
                i,
                contact_id,
                rand_date(r, date(2022, 1, 1), TODAY - timedelta(days=1)).isoformat(),
                weighted(r, BLOOD_TYPES) if r.random() < 0.7 else None,
                r.choice(ALLERGIES) if r.random() < 0.35 else ("None known" if r.random() < 0.7 else None),
                medication,
                dx[0] if r.random() < 0.9 else None,
                f"{insurer}-{prefix}{digits(r, n)}" if r.random() < 0.85 else None,
                note if r.random() < 0.9 else None,
            )
        )
    return rows


def write_sqlite(path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA page_size = 4096")
        con.execute("PRAGMA foreign_keys = ON")
        con.executescript(SCHEMA)
        users = build_users(rng_for("users"))
        devices = build_devices(rng_for("devices"), len(users))
        accounts = build_accounts(rng_for("accounts"), len(users))
        contacts, people = build_contacts(rng_for("contacts"), accounts)
        leads = build_leads(rng_for("leads"))
        stages = [(i, *s) for i, s in enumerate(PIPELINE_STAGES, start=1)]
        products = [
            (i, sku, name, cat, price, int(i != 24))
            for i, (sku, name, cat, price) in enumerate(PRODUCTS, start=1)
        ]
        opportunities = build_opportunities(rng_for("opportunities"), accounts, contacts)
        cases = build_cases(rng_for("cases"), contacts, people)
        notes = build_notes(rng_for("notes"), accounts, contacts, leads, opportunities, people)
        payments = build_payments(rng_for("payments"), contacts, people)
        subscriptions = build_subscriptions(rng_for("subscriptions"), contacts, payments)
        intakes = build_intakes(rng_for("patient_intake"), contacts, people)
        for table, rows in (
            ("users", users),
            ("devices", devices),
            ("accounts", accounts),
            ("contacts", contacts),
            ("leads", leads),
            ("pipeline_stages", stages),
            ("products", products),
            ("opportunities", opportunities),
            ("cases", cases),
            ("notes", notes),
            ("payments", payments),
            ("subscriptions", subscriptions),
            ("patient_intake", intakes),
        ):
            marks = ",".join("?" * len(rows[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        con.commit()
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign-key violations: {problems[:5]}")
        con.execute("PRAGMA user_version = 1")
        con.execute("VACUUM")
    finally:
        con.close()
    os.replace(tmp, path)


# ----------------------------------------------------------------------------------------------
# CRM exports
# ----------------------------------------------------------------------------------------------


def write_csv(
    path: Path, header: list[str], rows: list[list], *, encoding: str, newline: str, quote_all: bool = False
) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows([["" if v is None else v for v in row] for row in rows])
    path.write_bytes(buf.getvalue().encode(encoding))


SF_DESCRIPTIONS = [
    "Met at the HR Tech summit.",
    "Champion for the wellness pilot.",
    "Prefers e-mail over calls.",
    "Budget holder for benefits.",
    "Signed the DPA in 2023.",
    "Moved from the finance team.",
]


def salesforce_contacts(r: random.Random) -> tuple[list[str], list[list]]:
    header = [
        "Id",
        "AccountId",
        "Salutation",
        "FirstName",
        "LastName",
        "Title",
        "Email",
        "Phone",
        "MobilePhone",
        "MailingStreet",
        "MailingCity",
        "MailingState",
        "MailingPostalCode",
        "MailingCountry",
        "Birthdate",
        "LeadSource",
        "HasOptedOutOfEmail",
        "DoNotCall",
        "OwnerId",
        "CreatedDate",
        "Description",
    ]
    account_ids = [salesforce_id(r, "001") for _ in range(60)]
    account_domains = [f"{slug(company_name(r, 'US'))}.com" for _ in range(60)]
    owner_ids = [salesforce_id(r, "005") for _ in range(8)]
    rows = []
    for _ in range(N_SF):
        p = Person(r, "US" if r.random() < 0.75 else "GB")
        k = r.randrange(60)
        sal = {"M": "Mr.", "F": r.choice(["Ms.", "Ms.", "Mrs."])}[p.sex] if r.random() < 0.7 else ""
        if sal and r.random() < 0.06:
            sal = "Dr."
        created = rand_datetime(r, datetime(2020, 1, 1), NOW - timedelta(days=1))
        desc = ""
        y = r.random()
        if y < 0.12:
            a = Person(r, p.country)
            desc = f"Assistant: {a.full_name}, {landline(r, p.country, p.city[3])}."
        elif y < 0.4:
            desc = r.choice(SF_DESCRIPTIONS)
        rows.append(
            [
                salesforce_id(r, "003"),
                account_ids[k],
                sal,
                p.first,
                p.last,
                r.choice(JOB_TITLES),
                email_for(r, p.first, p.last, account_domains[k]) if r.random() < 0.96 else "",
                landline(r, p.country, p.city[3]) if r.random() < 0.8 else "",
                mobile(r, p.country, p.city[3]) if r.random() < 0.6 else "",
                street_address(r, p.country),
                p.city[0],
                p.city[1],
                postal_code(r, p.country, p.city[2]),
                p.country_name,
                p.dob.isoformat() if r.random() < 0.55 else "",
                r.choice(LEAD_SOURCES),
                "true" if r.random() < 0.1 else "false",
                "true" if r.random() < 0.05 else "false",
                r.choice(owner_ids),
                created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                desc,
            ]
        )
    return header, rows


def hubspot_contacts(r: random.Random) -> tuple[list[str], list[list]]:
    header = [
        "Record ID",
        "First Name",
        "Last Name",
        "Email",
        "Phone Number",
        "Mobile Phone Number",
        "Street Address",
        "City",
        "State/Region",
        "Postal Code",
        "Country/Region",
        "Company Name",
        "Job Title",
        "Date of birth",
        "Lifecycle Stage",
        "Lead Status",
        "Contact owner",
        "Marketing contact status",
        "IP City",
        "Create Date",
        "Last Activity Date",
    ]
    owners = [Person(r, "US").full_name for _ in range(6)]
    rows = []
    record = 51
    for _ in range(N_HUBSPOT):
        record += r.randint(1, 400)
        p = Person(r)
        company = company_name(r, p.country) if r.random() < 0.75 else ""
        domain = (
            f"{slug(company)}.{COUNTRIES[p.country]['tld']}"
            if company
            else r.choice(PERSONAL_EMAIL_DOMAINS[p.country])
        )
        created = rand_datetime(r, datetime(2021, 1, 1), NOW - timedelta(days=2))
        last = rand_datetime(r, created, NOW) if r.random() < 0.8 else None
        rows.append(
            [
                record,
                p.first,
                p.last,
                email_for(r, p.first, p.last, domain),
                landline(r, p.country, p.city[3]) if r.random() < 0.5 else "",
                mobile(r, p.country, p.city[3]) if r.random() < 0.5 else "",
                street_address(r, p.country) if r.random() < 0.5 else "",
                p.city[0] if r.random() < 0.8 else "",
                p.city[1],
                postal_code(r, p.country, p.city[2]) if r.random() < 0.5 else "",
                p.country_name,
                company,
                r.choice(JOB_TITLES) if company and r.random() < 0.7 else "",
                p.dob.isoformat() if r.random() < 0.2 else "",
                weighted(
                    r,
                    [
                        ("Subscriber", 25),
                        ("Lead", 30),
                        ("Marketing Qualified Lead", 15),
                        ("Sales Qualified Lead", 10),
                        ("Opportunity", 8),
                        ("Customer", 12),
                    ],
                ),
                r.choice(["New", "Open", "In progress", "Attempted to contact", "Connected", ""]),
                r.choice(owners) if r.random() < 0.8 else "",
                "Marketing contact" if r.random() < 0.6 else "Non-marketing contact",
                r.choice(CITIES[p.country])[0] if r.random() < 0.5 else "",
                created.strftime("%Y-%m-%d %H:%M"),
                last.strftime("%Y-%m-%d %H:%M") if last else "",
            ]
        )
    return header, rows


CN_SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("罗", "luo"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
    ("唐", "tang"),
    ("许", "xu"),
    ("韩", "han"),
    ("冯", "feng"),
    ("邓", "deng"),
    ("曹", "cao"),
]
CN_GIVEN_M = [
    ("伟", "wei"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("斌", "bin"),
    ("鹏", "peng"),
    ("浩", "hao"),
    ("宇", "yu"),
    ("俊", "jun"),
    ("建", "jian"),
    ("国", "guo"),
    ("志", "zhi"),
    ("华", "hua"),
    ("文", "wen"),
]
CN_GIVEN_F = [
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("艳", "yan"),
    ("娟", "juan"),
    ("霞", "xia"),
    ("婷", "ting"),
    ("雪", "xue"),
    ("琳", "lin"),
    ("颖", "ying"),
    ("倩", "qian"),
    ("慧", "hui"),
    ("玲", "ling"),
    ("佳", "jia"),
    ("欣", "xin"),
    ("梅", "mei"),
    ("晶", "jing"),
    ("萍", "ping"),
]
# (administrative division code, address prefix, city used in bank-branch names, first birth year the
# code can appear with: districts created or renumbered later only appear on IDs of people born since)
CN_REGIONS = [
    ("110101", "北京市东城区", "北京东城", 0),
    ("110105", "北京市朝阳区", "北京朝阳", 0),
    ("110108", "北京市海淀区", "北京海淀", 0),
    ("310104", "上海市徐汇区", "上海徐汇", 0),
    ("310106", "上海市静安区", "上海静安", 0),
    ("310115", "上海市浦东新区", "上海浦东", 1992),
    ("440106", "广东省广州市天河区", "广州天河", 1985),
    ("440305", "广东省深圳市南山区", "深圳南山", 1983),
    ("330106", "浙江省杭州市西湖区", "杭州西湖", 1983),
    ("320102", "江苏省南京市玄武区", "南京玄武", 1983),
    ("510107", "四川省成都市武侯区", "成都武侯", 1990),
    ("420106", "湖北省武汉市武昌区", "武汉武昌", 1983),
    ("610113", "陕西省西安市雁塔区", "西安雁塔", 1983),
    ("120101", "天津市和平区", "天津和平", 0),
    ("500103", "重庆市渝中区", "重庆渝中", 1997),
]
CN_STREETS = [
    "建国路",
    "中山路",
    "人民路",
    "解放路",
    "长安街",
    "南京路",
    "科技园路",
    "学院路",
    "文化路",
    "和平路",
    "新华路",
    "朝阳路",
    "滨江大道",
    "东风路",
]
CN_COMPOUNDS = ["阳光花园", "锦绣家园", "碧桂园", "万科城", "幸福里", "翠湖苑", "世纪城", "金地花园"]
# (UnionPay BIN, bank name, card length)
CN_BANKS = [
    ("622202", "中国工商银行", 19),
    ("622848", "中国农业银行", 19),
    ("621700", "中国建设银行", 19),
    ("621661", "中国银行", 19),
    ("622588", "招商银行", 16),
    ("622262", "交通银行", 19),
]
CN_MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
]
CN_REMARKS_PLAIN = [
    "老客户，偏好电话联系",
    "已续费",
    "要求开具增值税专用发票",
    "周末不方便接电话",
    "通过朋友推荐",
    "对价格敏感",
    "参加过线下体验活动",
    "希望上门服务",
    "待回访",
    "投诉已处理",
]
CN_REMARKS_HEALTH = [
    "客户患有糖尿病，正在注射胰岛素，送货需冷链",
    "客户有高血压，每月复购降压药",
    "孕期客户，暂停健身课程",
    "术后康复中，课程延期",
    "对青霉素过敏",
    "有哮喘病史，避免高强度训练",
    "客户正在接受抑郁症治疗，请勿电话推销",
]


def cn_customers(r: random.Random) -> tuple[list[str], list[list]]:
    header = [
        "客户编号",
        "姓名",
        "性别",
        "手机号",
        "身份证号",
        "电子邮箱",
        "地址",
        "开户行",
        "银行卡号",
        "客户等级",
        "注册日期",
        "备注",
    ]
    rows = []
    for i in range(1, N_CN + 1):
        sex = r.choice("MF")
        sur = r.choice(CN_SURNAMES)
        pool = CN_GIVEN_M if sex == "M" else CN_GIVEN_F
        given = [r.choice(pool) for _ in range(r.choice([1, 2, 2]))]
        name = sur[0] + "".join(g[0] for g in given)
        pinyin = sur[1] + "".join(g[1] for g in given)
        dob = rand_date(r, date(1950, 1, 1), date(2004, 12, 31))
        birth_region = r.choice([reg for reg in CN_REGIONS if reg[3] <= dob.year])
        home = birth_region if r.random() < 0.7 else r.choice(CN_REGIONS)
        seq = r.randint(0, 99) * 10 + r.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8])
        first17 = f"{birth_region[0]}{dob:%Y%m%d}{seq:03d}"
        rid = first17 + gb11643_check(first17)
        phone = r.choice(CN_MOBILE_PREFIXES) + digits(r, 8)
        if r.random() < 0.15:
            phone = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        email = (
            f"{r.randint(10_000_000, 2_999_999_999)}@qq.com"
            if r.random() < 0.35
            else f"{pinyin}{r.randint(1, 999) if r.random() < 0.7 else dob.year}@"
            f"{r.choice(['163.com', '126.com', 'sina.com', 'foxmail.com', 'gmail.com'])}"
        )
        if r.random() < 0.5:
            address = (
                f"{home[1]}{r.choice(CN_STREETS)}{r.randint(1, 999)}号{r.choice(CN_COMPOUNDS)}"
                f"{r.randint(1, 30)}栋{r.randint(1, 6)}单元{r.randint(1, 33)}0{r.randint(1, 8)}室"
            )
        else:
            address = (
                f"{home[1]}{r.choice(CN_STREETS)}{r.randint(1, 999)}号{r.randint(1, 28)}0{r.randint(1, 6)}室"
            )
        bin_, bank, length = r.choice(CN_BANKS)
        partial = bin_ + digits(r, length - 1 - len(bin_))
        card_no = partial + luhn_check_digit(partial)
        branch = f"{bank}{home[2]}支行" if r.random() < 0.8 else bank
        x = r.random()
        if x < 0.10:
            remark = r.choice(CN_REMARKS_HEALTH)
        elif x < 0.18:
            contact_name = r.choice(CN_SURNAMES)[0] + r.choice(CN_GIVEN_M + CN_GIVEN_F)[0]
            remark = (
                f"{r.choice(['备用联系人', '紧急联系人'])}：{contact_name}"
                f"{r.choice(['', '（配偶）', '（子女）'])} {r.choice(CN_MOBILE_PREFIXES)}{digits(r, 8)}"
            )
        elif x < 0.55:
            remark = r.choice(CN_REMARKS_PLAIN)
        else:
            remark = ""
        rows.append(
            [
                f"KH{2019 + i * 6 // N_CN}{i:05d}",
                name,
                "男" if sex == "M" else "女",
                phone,
                rid,
                email,
                address,
                branch,
                card_no,
                weighted(r, [("普通", 60), ("银卡", 20), ("金卡", 12), ("钻石", 5), ("VIP", 3)]),
                rand_date(r, date(2019, 1, 1), TODAY).isoformat(),
                remark,
            ]
        )
    return header, rows


def build(out: Path) -> list[Path]:
    """Write every generated file under *out*; returns their paths."""
    (out / "exports").mkdir(parents=True, exist_ok=True)
    db = out / "crm.sqlite"
    write_sqlite(db)
    sf = out / "exports" / "salesforce_contacts.csv"
    write_csv(sf, *salesforce_contacts(rng_for("salesforce")), encoding="utf-8", newline="\n", quote_all=True)
    hs = out / "exports" / "hubspot_contacts.csv"
    write_csv(hs, *hubspot_contacts(rng_for("hubspot")), encoding="utf-8-sig", newline="\r\n")
    cn = out / "exports" / "客户名单_gbk.csv"
    write_csv(cn, *cn_customers(rng_for("cn_customers")), encoding="gbk", newline="\r\n")
    return [db, sf, hs, cn]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "demo_crm",
        help="output folder (default: examples/demo_crm next to this script)",
    )
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(f"{path}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
