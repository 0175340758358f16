"""The demo plant's certification records, as plain tables that ``certifications.demo`` loads.

Every standard has approved evidence; some of it is expiring or expired, some clauses are missing,
one is not applicable, and the ISO 45001 certificate is suspended.
"""

from __future__ import annotations

from .models import CertificateStatus

HS = ("ISO 9001:2015", "ISO 14001:2015", "ISO 45001:2018", "ISO 50001:2018")
APPROVED, EXPIRED, EXPIRING, IN_REVIEW, DRAFT, SUPERSEDED = (
    "approved",
    "expired",
    "expiring",
    "in_review",
    "draft",
    "superseded",
)


def _hs(*numbers: str) -> list[tuple[str, str]]:
    return [(label, n) for label in HS for n in numbers]


# title, clauses (standard label, number), outcome, review in days, expiry in days (None: no expiry)
EVIDENCE: list[tuple[str, list[tuple[str, str]], str, int | None, int | None]] = [
    (
        "Quality manual and QMS scope statement",
        [("ISO 9001:2015", "4.3"), ("ISO 9001:2015", "4.4")],
        APPROVED,
        200,
        None,
    ),
    ("Context and interested-parties register 2026", _hs("4.1", "4.2"), APPROVED, 20, None),
    (
        "Scope statements: environment, OH&S and energy",
        [
            ("ISO 14001:2015", "4.3"),
            ("ISO 14001:2015", "4.4"),
            ("ISO 45001:2018", "4.3"),
            ("ISO 45001:2018", "4.4"),
            ("ISO 50001:2018", "4.3"),
            ("ISO 50001:2018", "4.4"),
        ],
        APPROVED,
        300,
        None,
    ),
    ("Integrated management policy", _hs("5.1", "5.2"), APPROVED, 150, None),
    (
        "Organisation chart and responsibility matrix",
        [*_hs("5.3"), ("IATF 16949:2016", "5.3"), ("IATF 16949:2016", "5.1.1.1")],
        APPROVED,
        120,
        None,
    ),
    (
        "Risk and opportunity register",
        [
            *_hs("6.1"),
            ("ISO 14001:2015", "6.1.1"),
            ("ISO 14001:2015", "6.1.4"),
            ("ISO 45001:2018", "6.1.4"),
            ("IATF 16949:2016", "6.1"),
            ("IATF 16949:2016", "6.1.2.3"),
        ],
        EXPIRING,
        10,
        40,
    ),
    ("Objectives and targets 2026", [*_hs("6.2"), ("ISO 9001:2015", "6.3")], APPROVED, 90, 400),
    (
        "Resource plan and infrastructure maintenance records",
        [*_hs("7.1"), ("IATF 16949:2016", "7.1"), ("IATF 16949:2016", "8.5.1.5")],
        APPROVED,
        180,
        None,
    ),
    (
        "Training matrix and competence records",
        [
            *_hs("7.2", "7.3"),
            ("IATF 16949:2016", "7.2"),
            ("IATF 16949:2016", "7.2.3"),
            ("IATF 16949:2016", "7.3"),
        ],
        APPROVED,
        60,
        300,
    ),
    ("Communication procedure", [*_hs("7.4"), ("IATF 16949:2016", "7.4")], APPROVED, 240, None),
    (
        "Document control procedure",
        [*_hs("7.5"), ("IATF 16949:2016", "7.5"), ("ISO 14064-1:2018", "8.2")],
        APPROVED,
        200,
        None,
    ),
    (
        "Operational control procedures: disassembly and crushing lines",
        [*_hs("8.1"), ("ISO 9001:2015", "8.5"), ("IATF 16949:2016", "8.1"), ("IATF 16949:2016", "8.5")],
        APPROVED,
        100,
        None,
    ),
    (
        "Customer requirements review records",
        [("ISO 9001:2015", "8.2"), ("IATF 16949:2016", "8.2")],
        APPROVED,
        200,
        None,
    ),
    (
        "Release inspection and nonconforming output records",
        [
            ("ISO 9001:2015", "8.6"),
            ("ISO 9001:2015", "8.7"),
            ("IATF 16949:2016", "8.6"),
            ("IATF 16949:2016", "8.7"),
        ],
        APPROVED,
        150,
        365,
    ),
    (
        "Supplier and recycler evaluation records",
        [
            ("ISO 9001:2015", "8.4"),
            ("IATF 16949:2016", "8.4"),
            ("IATF 16949:2016", "8.4.2.3"),
            ("ISO 50001:2018", "8.3"),
            ("ISO 45001:2018", "8.1.4"),
        ],
        APPROVED,
        45,
        200,
    ),
    (
        "Monitoring and measurement plan",
        [*_hs("9.1"), ("IATF 16949:2016", "9.1"), ("IATF 16949:2016", "9.1.1.1")],
        APPROVED,
        120,
        None,
    ),
    (
        "Internal audit report 2025",
        [
            *_hs("9.2"),
            ("IATF 16949:2016", "9.2"),
            ("IATF 16949:2016", "9.2.2.2"),
            ("IATF 16949:2016", "9.2.2.3"),
        ],
        APPROVED,
        30,
        330,
    ),
    ("Management review minutes 2025", [*_hs("9.3"), ("IATF 16949:2016", "9.3")], EXPIRED, None, -20),
    (
        "Corrective action log",
        [
            ("ISO 9001:2015", "10.1"),
            ("ISO 9001:2015", "10.2"),
            ("ISO 14001:2015", "10.1"),
            ("ISO 14001:2015", "10.2"),
            ("ISO 45001:2018", "10.1"),
            ("ISO 45001:2018", "10.2"),
            ("ISO 50001:2018", "10.1"),
            ("IATF 16949:2016", "10.2"),
            ("IATF 16949:2016", "10.2.3"),
        ],
        APPROVED,
        60,
        None,
    ),
    (
        "Continual improvement programme",
        [
            ("ISO 9001:2015", "10.3"),
            ("ISO 14001:2015", "10.3"),
            ("ISO 45001:2018", "10.3"),
            ("ISO 50001:2018", "10.2"),
        ],
        APPROVED,
        200,
        None,
    ),
    ("Environmental aspects and impacts register", [("ISO 14001:2015", "6.1.2")], APPROVED, 25, 365),
    (
        "Compliance obligations register and evaluation",
        [
            ("ISO 14001:2015", "6.1.3"),
            ("ISO 14001:2015", "9.1.2"),
            ("ISO 45001:2018", "6.1.3"),
            ("ISO 45001:2018", "9.1.2"),
            ("GB/T 36132:2025", "4.1"),
        ],
        EXPIRING,
        5,
        30,
    ),
    (
        "Hazardous waste disposal contract with a licensed contractor",
        [("ISO 14001:2015", "8.1"), ("GB/T 36132:2025", "5.3.2")],
        EXPIRED,
        None,
        -45,
    ),
    (
        "Emergency response plan and drill records",
        [("ISO 14001:2015", "8.2"), ("ISO 45001:2018", "8.2")],
        APPROVED,
        80,
        300,
    ),
    (
        "Hazard identification and risk assessment: disassembly line",
        [("ISO 45001:2018", "6.1.2"), ("ISO 45001:2018", "8.1.2")],
        APPROVED,
        90,
        None,
    ),
    ("Management of change procedure", [("ISO 45001:2018", "8.1.3")], APPROVED, 300, None),
    ("Worker consultation committee minutes", [("ISO 45001:2018", "5.4")], IN_REVIEW, 14, 180),
    (
        "Energy review 2025",
        [
            ("ISO 50001:2018", "6.3"),
            ("ISO 50001:2018", "6.4"),
            ("ISO 50001:2018", "6.5"),
            ("GB/T 36132:2025", "5.1.1"),
        ],
        APPROVED,
        100,
        365,
    ),
    ("Energy data collection plan", [("ISO 50001:2018", "6.6")], DRAFT, 7, None),
    (
        "Energy-efficient design criteria for the phase II line",
        [("ISO 50001:2018", "8.2")],
        APPROVED,
        250,
        None,
    ),
    (
        "GHG inventory report 2025",
        [
            ("ISO 14064-1:2018", n)
            for n in (
                "5.1",
                "5.2",
                "5.2.1",
                "5.2.2",
                "5.2.3",
                "5.2.4",
                "6.1",
                "6.2",
                "6.3",
                "6.4",
                "9.1",
                "9.2",
                "9.3",
            )
        ]
        + [("GB/T 36132:2025", "5.1.3")],
        APPROVED,
        120,
        420,
    ),
    (
        "GHG data management procedure and uncertainty assessment",
        [("ISO 14064-1:2018", "8.1"), ("ISO 14064-1:2018", "8.3")],
        APPROVED,
        200,
        None,
    ),
    ("Third-party verification statement 2025", [("ISO 14064-1:2018", "10")], EXPIRED, None, -5),
    (
        "Product carbon footprint study: black mass",
        [("ISO 14067:2018", n) for n in ("5", "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "7")]
        + [("GB/T 36132:2025", "5.4.2")],
        APPROVED,
        150,
        500,
    ),
    (
        "Carbon neutrality commitment and management plan",
        [("ISO 14068-1:2023", "7.1"), ("ISO 14068-1:2023", "7.2"), ("ISO 14068-1:2023", "6")],
        IN_REVIEW,
        20,
        None,
    ),
    (
        "Carbon footprint for carbon neutrality (2025 base year)",
        [("ISO 14068-1:2023", "8"), ("ISO 14068-1:2023", "5")],
        APPROVED,
        100,
        400,
    ),
    (
        "PAS 2060 qualifying explanatory statement 2023",
        [("PAS 2060:2014", n) for n in ("5", "6", "7", "8", "9", "10", "11")],
        SUPERSEDED,
        None,
        None,
    ),
    (
        "Control plan: battery pack disassembly",
        [("IATF 16949:2016", "8.5.1.1"), ("IATF 16949:2016", "8.3.3.3"), ("IATF 16949:2016", "4.4.1.2")],
        APPROVED,
        60,
        None,
    ),
    ("Measurement systems analysis study", [("IATF 16949:2016", "7.1.5.1.1")], EXPIRED, None, -60),
    ("Customer-specific requirements matrix", [("IATF 16949:2016", "4.3.2")], DRAFT, 10, None),
    (
        "Pollutant discharge permit",
        [("GB/T 36132:2025", "4.1"), ("GB/T 36132:2025", "4.2")],
        APPROVED,
        300,
        700,
    ),
    (
        "Safety and environmental incident record, last three years",
        [("GB/T 36132:2025", "4.3")],
        APPROVED,
        200,
        None,
    ),
    ("Management system certificates (summary)", [("GB/T 36132:2025", "4.4")], APPROVED, 100, None),
    ("Renewable electricity purchase agreement", [("GB/T 36132:2025", "5.1.2")], APPROVED, 150, 250),
    (
        "Water balance test report",
        [("GB/T 36132:2025", "5.2.1"), ("GB/T 36132:2025", "5.2.3")],
        EXPIRED,
        None,
        -10,
    ),
    ("Solid waste utilisation ledger", [("GB/T 36132:2025", "5.2.2")], APPROVED, 50, 55),
    ("Stack emission monitoring reports", [("GB/T 36132:2025", "5.3.1")], APPROVED, 40, 120),
    (
        "Land use certificate and site plan",
        [("GB/T 36132:2025", "5.5.1"), ("GB/T 36132:2025", "5.5.2")],
        APPROVED,
        365,
        None,
    ),
]

EXCLUSIONS = [
    (
        "ISO 9001:2015",
        "8.3",
        "Recovered materials are produced to customer specifications; the plant does not design products.",
    ),
    ("IATF 16949:2016", "8.3", "No product design responsibility at this site."),
    ("IATF 16949:2016", "8.3.3.3", "Special characteristics are defined by the customer's control plan."),
    ("ISO 14068-1:2023", "10.1", "No carbon credits are used: residual emissions are not yet offset."),
]

CERTIFICATES = [
    # standard, body, number, issued days ago, valid years, status
    (
        "ISO 9001:2015",
        "China Quality Certification Centre (CQC)",
        "00125Q31234R1M",
        420,
        3,
        CertificateStatus.CERTIFIED,
    ),
    (
        "ISO 14001:2015",
        "China Quality Certification Centre (CQC)",
        "00125E30567R1M",
        1070,
        3,
        CertificateStatus.CERTIFIED,
    ),
    (
        "ISO 45001:2018",
        "China Quality Certification Centre (CQC)",
        "00125S20890R0M",
        300,
        3,
        CertificateStatus.SUSPENDED,
    ),
]
