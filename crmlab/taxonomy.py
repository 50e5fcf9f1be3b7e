"""The source's classifications of CRM as data, with lookup helpers.

From seed 000 (the CRM-in-supply-chains part, Tables 5.4 to 5.7) and seed 001 (the three
development areas). Table 5.5 lost its percentages in the source: the indicators are listed
without figures, on purpose.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["TABLES", "table", "names", "lookup", "classify_feature"]

_BY_FUNCTIONALITY = [
    ("sales management (SFA)", "sales force automation: the sales process and the salespeople's work"),
    ("marketing management", "campaigns, segments, offers and their results"),
    ("customer service and call centres", "handling customer requests, identifying them and "
     "the work that follows"),
]
_BY_PROCESSING = [
    ("operational CRM", "fast access to first-hand data on events, companies, projects and "
     "contacts; registering them"),
    ("analytical CRM", "reporting and analysis in many cuts: the sales funnel, results of "
     "marketing activities, sales by product, customer segment and region"),
    ("collaborative CRM", "close interaction with end users, up to the customer influencing the "
     "company's internal processes: requests to change product quality or service rules, web "
     "pages to follow an order, notifications, personal accounts, configuring and ordering in "
     "real time"),
]
_SYSTEM_TYPES = [
    ("SFA", "sales force automation", "automating sales",
     "sales operations at points of sale; a tool for sales managers: planning and workflow, "
     "order processing, e-commerce, commercial offers, reports, product configuration"),
    ("MA", "marketing automation", "automating marketing",
     "organising, supporting and analysing promotions, also online: automatic distribution of "
     "offers, grouping customers, a store of data on products, prices and competitors"),
    ("CSA&CSS", "customer service automation and support", "automating customer service",
     "call management over the Internet and self-service (personal online shops): demand "
     "monitoring, mobile sales, sales by priority"),
    ("BCM", "business contact management", "managing contacts (interactions)",
     "the first CRM versions: records of interactions, contact history, customer ranking, "
     "sales forecast, sales funnel"),
    ("call/contact centre", "call or contact centre management", "call centre, contacts",
     "personalising the company's contacts with customers by phone, mail, fax, mobile, "
     "Internet, SMS"),
    ("FSM", "field service management", "managing service at remote users",
     "after-sales service: warranty and post-warranty service, control of requests and "
     "contracts, planning service resources"),
    ("PRM/SRM", "partner / supplier relationship management",
     "managing relations with partners and suppliers",
     "coordinated sales or supply planning over channels and resources; dealers' work and its "
     "analysis; training and interactive meetings"),
    ("user support", "user support", "automating office work and dispatching",
     "office and dispatcher work"),
]
_AREAS = [  # seed 001
    ("customer service", "serving customers before and after the sale"),
    ("sales force automation", "supporting the salespeople and the sales process"),
    ("field service", "service delivered at the customer's site"),
]
_ARCHITECTURE = [
    ("front office", "serves customers at points of sale with autonomous, distributed or "
     "centralised data processing"),
    ("operational part", "authorises transactions and reports on operations"),
    ("data warehouse", "the single store of customer data"),
    ("analytical subsystem", "analysis for decisions"),
    ("distributed sales support", "data replicas at points of sale or on smart cards"),
]
_PRINCIPLES = [
    ("single repository", "one data store where all interactions with customers in the supply "
     "chain are collected"),
    ("many channels", "points of sale, phone calls, e-mail, events, meetings, registration "
     "forms on websites, advertising links, chats, social networks"),
    ("analysis for decisions", "analysing the collected data and preparing it for decisions, "
     "e.g. segmenting customers by importance, predicting reactions to promotions, forecasting "
     "demand"),
]
_MOTIVES = [  # Table 5.4
    ("crisis", "risk of losing the business: low skills or dishonesty of staff, poor debt "
     "collection, loss of large contracts, order book too dependent on individual managers",
     "control of information flows and of the work of the staff responsible for sales"),
    ("fast growth", "risk of losing customers (lost profit) because resources for interacting "
     "with them are limited; the flow of interactions exceeds the departments' capacity",
     "automating typical routine operations of interaction with customers"),
    ("supply-chain position", "strategy risk of the supply chain; pressure of external and "
     "market factors", "a positive image (brand) and investment appeal; CRM databases as an "
     "intangible asset"),
]
_INDICATORS = [  # Table 5.5; the source's percentage column was lost
    ("sales cycle", "shorter time to close, execute and complete deals"),
    ("deal volume", "more deals closed (won)"),
    ("cost", "lower costs of sales and customer support"),
    ("profitability", "more profitable operations"),
    ("customers", "a larger share of retained profitable customers"),
    ("operation time", "shorter customer-service operations"),
    ("sales forecast", "better forecast accuracy"),
    ("marketing", "more effective marketing (by final financial results)"),
]
_SYSTEMS = [  # Table 5.7
    ("Siebel (Oracle)", "large companies", "complex multi-module system with rich "
     "functionality; the leader in CRM; industry versions; ERP interface; expensive"),
    ("SalesLogix", "small and medium business", "leader for SMB: service, marketing, sales; "
     "e-commerce support"),
    ("Microsoft CRM", "large companies", "new-generation system integrated with office and "
     "ERP products"),
    ("NAUMEN (NauRP/CRM)", "small and medium business", "Russian system integrated with data "
     "exchange; call-centre based set of CRM, EDI, IP telephony"),
    ("WinPeak", "small and medium business", "Russian CRM with mobile support for sales agents "
     "(WP Link)"),
    ("Terrasoft", "small and medium business", "cheap and effective; more than 20 industry "
     "solutions"),
    ("1C-Rarus", "small and medium business", "CRM solution based on the 1C system"),
]
_SIEBEL_MODULES = ["business analytics", "sales management", "marketing management",
                   "contact centres and call centres", "order processing management",
                   "partner relationship management", "employee relationship management"]
_SIEBEL_ADVANTAGES = [
    "broad functionality",
    "flexibility and scalability: architecture and tools configure it to the business",
    "modular structure: buy only the modules needed and roll out in phases from the core ones",
    "fast implementation through ready configurations and many standard objects",
    "more than 20 full industry solutions, cutting the share of services in a CRM project",
]

TABLES = {
    "by_functionality": (["category", "scope"], _BY_FUNCTIONALITY),
    "by_processing": (["level", "what it does"], _BY_PROCESSING),
    "system_types": (["type", "name", "purpose", "main functions"], _SYSTEM_TYPES),
    "development_areas": (["area", "scope"], _AREAS),
    "architecture": (["component", "role"], _ARCHITECTURE),
    "principles": (["principle", "meaning"], _PRINCIPLES),
    "adoption_motives": (["motive", "problem", "solution sought"], _MOTIVES),
    "indicators": (["indicator", "improvement"], _INDICATORS),
    "example_systems": (["system", "segment", "main features"], _SYSTEMS),
    "siebel_modules": (["module"], [(m,) for m in _SIEBEL_MODULES]),
    "siebel_advantages": (["advantage"], [(a,) for a in _SIEBEL_ADVANTAGES]),
}


def names() -> list[str]:
    """The tables available."""
    return list(TABLES)


def table(name: str) -> pd.DataFrame:
    """One classification as a DataFrame.

    Examples
    --------
    >>> table("system_types")["type"].tolist()[:3]
    ['SFA', 'MA', 'CSA&CSS']
    >>> table("indicators").columns.tolist()
    ['indicator', 'improvement']
    >>> table("prices")
    Traceback (most recent call last):
    ...
    ValueError: Unknown table 'prices'; expected one of 'by_functionality', 'by_processing', 'system_types', 'development_areas', 'architecture', 'principles', 'adoption_motives', 'indicators', 'example_systems', 'siebel_modules', 'siebel_advantages'.
    """
    if name not in TABLES:
        known = ", ".join(repr(n) for n in TABLES)
        raise ValueError(f"Unknown table {name!r}; expected one of {known}.")
    columns, rows = TABLES[name]
    return pd.DataFrame(rows, columns=columns)


def lookup(system_type: str) -> dict:
    """A system type of Table 5.6 by its abbreviation (case-insensitive).

    Examples
    --------
    >>> lookup("fsm")["name"]
    'field service management'
    """
    for row in _SYSTEM_TYPES:
        if row[0].lower() == str(system_type).lower():
            return dict(zip(TABLES["system_types"][0], row))
    known = ", ".join(r[0] for r in _SYSTEM_TYPES)
    raise ValueError(f"Unknown system type {system_type!r}; expected one of {known}.")


_KEYWORDS = {
    "operational CRM": ("register", "record", "contact", "event", "order entry", "quick access"),
    "analytical CRM": ("report", "analysis", "funnel", "segment", "forecast", "dashboard"),
    "collaborative CRM": ("portal", "track", "self-service", "personal account", "configure",
                          "notification", "customer changes"),
}


def classify_feature(description: str) -> str:
    """Level of information processing a feature description belongs to (keyword rule).

    Examples
    --------
    >>> classify_feature("Customers track their order status on a web portal")
    'collaborative CRM'
    >>> classify_feature("Monthly sales funnel report by region")
    'analytical CRM'
    """
    text = description.lower()
    hits = {level: sum(word in text for word in words) for level, words in _KEYWORDS.items()}
    best = max(hits.values())
    if best == 0:
        raise ValueError(f"Cannot classify {description!r}: no keyword of operational, "
                         "analytical or collaborative CRM found.")
    return next(level for level, n in hits.items() if n == best)
