"""The source's classifications of CRM, and its account of CRM in the supply chain, as data.

From seed 000 (the CRM-in-supply-chains part, Tables 5.4 to 5.7) and seed 001 (the three
development areas). Table 5.5 lost its percentages in the source: the indicators are listed
without figures, on purpose.

Where the source text is garbled, the entry says so (``GARBLED``). Two slips recur in seed 000's
supply-chain part: the abbreviation "DRM" (once "UCM") stands where supply chain management is
meant, and "düyü. 5.5" ("rice 5.5") is a figure reference whose figure (CRM functionality,
Fig. 5.5) is missing from the text.
"""

from __future__ import annotations

import pandas as pd

from crmlab.core.content import Domain
from crmlab.core.display import text_table
from crmlab.core.i18n import get_language
from crmlab.core.validation import check_choice, expected

__all__ = ["TABLES", "AREA_TASKS", "CUSTOMER_VALUES", "CRM_INDICATIONS", "SIEBEL_SHARE",
           "TABLE_5_7_HEADINGS", "GARBLED", "EXAMPLE_FEATURES", "CONTENT", "table", "names",
           "lookup", "classify_feature", "example_features", "area_tasks", "garbled",
           "siebel_share"]

#: The source glosses only customer service; "sales force automation" is its expansion of SFA,
#: the rest of the first two scopes is the course's gloss and says so.
_BY_FUNCTIONALITY = [
    ("sales management (SFA)", "sales force automation; the course's gloss: the sales process "
     "and the salespeople's work"),
    ("marketing management", "not given (the source names the class only); the course's "
     "gloss: campaigns, segments, offers and their results"),
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
     "not given (the source's row has a purpose only)"),
]
#: The three main development areas of CRM (seed 001, "Kawasan pembangunan CRM"): what the
#: source lists for each ("..." where its list ends in an ellipsis).
AREA_TASKS = {
    "customer service": ("management of the customer centre", "management of claims",
                         "identification of prospective customers", "..."),
    "sales force automation": ("account allocation", "generation of proposals",
                               "control of future sales", "..."),
    "field service": ("management of visits", "management of service orders",
                      "handling of service levels", "..."),
}
_AREAS = [  # (area, abbreviation and other name in seed 001, its list, what seed 000 adds)
    ("customer service", "CS", "; ".join(AREA_TASKS["customer service"]),
     "seed 000 (by functionality): managing customer service and call centres: handling "
     "customer requests, identifying them, and the work that follows"),
    ("sales force automation", "SFA, also 'management of the sales team'",
     "raises efficiency and distributes tasks ideally between channels: "
     + "; ".join(AREA_TASKS["sales force automation"]),
     "seed 000 (Table 5.6, SFA): operations at points of sale; for sales managers: planning and "
     "workflow, order processing, e-commerce, commercial offers, reports, configuring the "
     "product or service"),
    ("field service", "FS (seed 001 also calls it 'customer service': a translation slip)",
     "; ".join(AREA_TASKS["field service"]),
     "seed 000 (Table 5.6, FSM): after-sales service: warranty and post-warranty service, "
     "control of requests and contracts, planning service resources"),
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
     "chain are collected, so that a manager dealing with a customer sees everything about the "
     "relationship and decides on it, and the decision is stored in turn"),
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
    # The row's name is lost in the source (only its improvement survives): the course's label.
    ("cost (the course's label; the row's name is lost)", "lower costs of sales and customer support"),
    ("profitability", "more profitable operations"),
    ("customers", "a larger share of retained profitable customers"),
    ("operation time", "shorter customer-service operations"),
    ("sales forecast", "better forecast accuracy"),
    ("marketing", "more effective marketing (by final financial results)"),
]
#: Table 5.7 of seed 000 as the source heads it: its title, its two headed columns (the system
#: names stand in a first column without a heading) and the one heading inside the table, which
#: stands after the Siebel row. The source's words, with the course's English.
TABLE_5_7_HEADINGS = {
    "title": ("CRM tipli sistemlərin nümunələri", "examples of CRM-type systems"),
    "columns": (("Əsas xüsusiyyətlər", "main features"),
                ("Əlavə məlumat", "additional information")),
    "inside": ("Orta Biznes Həlləri", "mid-size business solutions"),
}
#: Table 5.7: (system, segment, main features, additional information). The source has no
#: segment column: ``segment`` is the course's reading of a row's own words, empty where the
#: row names no segment (WinPeak, 1C-Rarus) and marked unclear where the row contradicts the
#: heading it stands under (Microsoft CRM). Main features and additional information are the
#: source's columns, as it prints them.
_SYSTEMS = [
    ("Siebel (Oracle)", "large companies", "complex multi-module system with rich "
     "functionality for large companies; the leader in CRM solutions; industry versions; ERP "
     "interface; among the expensive systems",
     "siebel.com, siebel.ru; implementing company 'Sputnik IT' (spklabs.com); up to 30% of "
     "world sales of CRM systems (large business)"),
    ("SalesLogix", "small and medium business", "the leader among CRM solutions for small and "
     "medium business: service, marketing, sales; support for e-commerce technologies",
     "saleslogix.com; implementing company 'Sputnik IT' (spklabs.com)"),
    ("Microsoft CRM", "unclear (garbled row)", "new-generation system fully integrated with the "
     "company's office and ERP solutions", "microsoft.com; 'a solution for large companies' "
     "(as printed, under the heading for mid-size business)"),
    ("NAUMEN (NauRP/CRM)", "small and medium enterprises", "NAUMEN's (Russia) system for small "
     "and medium enterprises, integrated with a data-exchange system",
     "naumen.ru; a set of interlinked solutions built around a call centre: CRM, EDI, IP "
     "telephony"),
    ("WinPeak", "", "Russian CRM system with mobile support for sales agents (WP Link)",
     "naumen.ru; 'Technology Call Centre' (as printed: the row repeats NAUMEN's address)"),
    ("Terrasoft", "medium and small business", "a cheap, effective solution for medium and "
     "small business; more than 20 industry solutions",
     "tscrm.ru, terrasoft.com.ua, ls-crm.ru; implementing company 'Lineservice' (the row has "
     "lost the system's name; the addresses give it)"),
    ("1C-Rarus", "", "CRM solution based on the '1C' system",
     "rarus.ru; the '1C-Rarus' implementation centre; 'Technology Call Centre' (the row has "
     "lost the system's name; the address gives it)"),
]

#: Siebel's share of world CRM sales as seed 000 gives it (Table 5.7, additional information):
#: "CRM sistemlərinin qlobal satışlarının 30%-ə qədəri böyük biznes" (up to 30% of the world's
#: sales of CRM systems, large business). Siebel Systems was bought by Oracle in 2006 (seed 000).
SIEBEL_SHARE = {"share": "up to 30%", "market": "world sales of CRM systems (large business)",
                "implementing_partner": "Sputnik IT (spklabs.com)",
                "acquired_by": "Oracle Corporation, 2006"}

#: Seed 000: the values a customer gets from the operations of the supply chain; "the ratio of
#: the value of the benefits of obtaining the service (goods) to its actual cost, or the
#: estimate of total benefit against costs in money (points)" measures them. The list ends in
#: "etc." in the source. The third value is the course's reading of a machine-translated word
#: (``GARBLED["customer_values"]``).
CUSTOMER_VALUES = (
    "speed and quality of service",
    "fast reaction to changes in demand",
    "comprehensiveness of logistics services",
    "accuracy of order fulfilment",
    "after-sales service",
    "discounts on repeat turnover",
)

#: Seed 000: when CRM systems are indicated in a supply chain (plus the motives of Table 5.4).
#: The fourth is unclear in the source (``GARBLED["crm_indications"]``): the course gives both
#: readings.
CRM_INDICATIONS = (
    "high costs of interaction between the counterparties of the supply chain",
    "an active business",
    "a wide geography of sales of services",
    "a complex structure of divisions or of distribution",
)

_SUPPLY_CHAIN = [  # seed 000, the part before Tables 5.4-5.7 (its own order)
    ("a personalised macro-process", "CRM provides the competitive advantages of the supply "
     "chain in the modern consumer market; its aim is a stable market position of the chain and "
     "guaranteed sales based on long-term, reliable, mutually beneficial relations between the "
     "focal company and the end users"),
    ("the final macro-process", "functionally CRM is the last macro-process of the supply "
     "chain: it completes the end-to-end management of its processes, and CRM systems extend "
     "the planning and operational management of ERP-class systems to an external resource, "
     "the sales resources"),
    ("from production to the end user", "CRM expresses the shift of management from a "
     "production and technology orientation to a focus on the end user, as consumer markets "
     "form where supply exceeds demand and quality levels out; marketing's first tasks become "
     "keeping customers and reducing the uncertainty of demand"),
    ("loyalty as a resource", "customer loyalty is seen as a new and extremely important "
     "resource: a marketing resource"),
    ("the new consumer", "CRM is needed because of a new type of consumer, sensitive to the "
     "speed, availability and quality of service, whom the focal company treats as a business "
     "partner"),
    ("value exchange", "CRM management is built on the exchange of values; the values a "
     "customer gets from the chain's operations (" + "; ".join(CUSTOMER_VALUES) + "; etc.) are "
     "measured by the ratio of benefit to cost"),
    ("a strategic tool", "CRM-level information systems are a strategic tool for knowledge "
     "about customers, unlike simple accounting systems that only store customer records "
     "(customer bases); they rest on the concept of individual marketing"),
    ("the main goal", "raise customer satisfaction by analysing the accumulated data on "
     "customer behaviour, adjusting tariff policy and setting up marketing and logistics tools; "
     "automated central processing serves individual needs with little staff work and spots "
     "risks and opportunities early"),
    ("when CRM is indicated", "; ".join(CRM_INDICATIONS) + "; and the motives of Table 5.4"),
    ("keeping customers", "marketing on CRM systems solves one of the chain's most important "
     "tasks, keeping consumers, because finding a new customer costs far more than keeping one "
     "(5-10 times; winning one back 50-100 times, 'according to statistics')"),
    ("integration with ERP", "CRM systems are often integrated with ERP-level enterprise "
     "planning and management systems and extend them considerably"),
]

_SOFTWARE = [  # seed 000, before Table 5.6
    ("integrated", "the CRM systems proper: CRM software that integrates the functions"),
    ("specialised", "highly specialised systems that complement classic CRM functionality "
     "(the types of Table 5.6)"),
]

#: Where seed 000's or seed 001's text on these topics is garbled, and how the course reads it.
GARBLED = {
    "development_areas": "seed 001 calls area 3 'Perkhidmatan Lapangan (FS) atau Perkhidmatan "
                         "Pelanggan' and its paragraph 'Perkhidmatan Pelanggan (FS)': 'customer "
                         "service' where field service is meant (a translation slip); the "
                         "abbreviation FS and its list show the area.",
    "value_exchange": "seed 000's sentence on balancing the value of customer loyalty against "
                      "the price of services and the time and place value of the chain repeats "
                      "'(müştəri loyallığının dəyəri)' twice and lost its verb; only the list of "
                      "values and the benefit-to-cost measure are clear.",
    "customer_values": "seed 000 writes 'logistika xidmətlərinin mürəkkəbliyi', literally 'the "
                       "complexity of logistics services'. Its text is machine-translated from "
                       "Russian (its 'düyü. 5.5', 'rice 5.5', is the Russian 'рис. 5.5', "
                       "'Fig. 5.5'), and 'mürəkkəblik' is most likely the rendering of "
                       "'комплексность', the comprehensiveness (completeness) of the logistics "
                       "service, a full range of services from one chain: no customer values "
                       "complexity. 'Comprehensiveness' is the course's reading.",
    "crm_indications": "seed 000 writes 'mürəkkəb bölgü strukturu', literally 'a complex "
                       "structure of division': 'bölgü' renders both division and distribution, "
                       "so the source may mean a complex structure of the company's divisions "
                       "(many branches and departments) or a complex distribution structure; the "
                       "text does not decide, and the course gives both readings.",
    "example_systems": "Table 5.7 has no segment column, and its rows are shifted: the WinPeak "
                       "row repeats NAUMEN's address, the Terrasoft and 1C-Rarus rows lost their "
                       "names (their web addresses give them), and the Microsoft CRM row says "
                       "'a solution for large companies' although it stands under the heading "
                       "'Orta Biznes Həlləri' (mid-size business solutions); the WinPeak and "
                       "1C-Rarus rows name no segment.",
    "supply_chain": "seed 000 writes 'DRM' (once 'UCM') where supply chain management is meant, "
                    "and refers to a Fig. 5.5 ('düyü. 5.5', literally 'rice 5.5') that is "
                    "missing.",
}
_SIEBEL_MODULES = ["business analytics", "sales management", "marketing management",
                   "contact centres and call centres", "order processing management",
                   "partner relationship management", "employee relationship management"]
_SIEBEL_ADVANTAGES = [
    "broad functionality",
    "flexibility and scalability: architecture and tools configure it to the business",
    "modular structure: buy only the modules needed and roll out in phases from the core ones",
    "fast implementation through ready configurations and many standard objects",
    "more than 20 full industry solutions, cutting the share of services in a CRM project and "
    "the implementation time",
]

#: Every classification: name -> (columns, rows).
TABLES = {
    "by_functionality": (["category", "scope"], _BY_FUNCTIONALITY),
    "by_processing": (["level", "what it does"], _BY_PROCESSING),
    "system_types": (["type", "name", "purpose", "main functions"], _SYSTEM_TYPES),
    "development_areas": (["area", "abbreviation", "seed 001 lists", "seed 000 adds"], _AREAS),
    "architecture": (["component", "role"], _ARCHITECTURE),
    "principles": (["principle", "meaning"], _PRINCIPLES),
    "adoption_motives": (["motive", "problem", "solution sought"], _MOTIVES),
    "indicators": (["indicator", "improvement"], _INDICATORS),
    "example_systems": (["system", "segment (course's reading)", "main features",
                         "additional information"], _SYSTEMS),
    "siebel_modules": (["module"], [(m,) for m in _SIEBEL_MODULES]),
    "siebel_advantages": (["advantage"], [(a,) for a in _SIEBEL_ADVANTAGES]),
    "supply_chain": (["idea", "what the source says"], _SUPPLY_CHAIN),
    "customer_values": (["value"], [(v,) for v in CUSTOMER_VALUES]),
    "crm_indications": (["indication"], [(i,) for i in CRM_INDICATIONS]),
    "crm_software": (["kind", "what it is"], _SOFTWARE),
}


#: Three feature descriptions, one of each level of information processing (L03).
EXAMPLE_FEATURES = ("Register a new contact after a trade fair",
                    "Sales funnel report by region",
                    "Customers track their orders on a self-service portal")


def _texts():
    """Every English text of the module's content."""
    for _, rows in TABLES.values():
        yield from (text for row in rows for text in row)
    for tasks in AREA_TASKS.values():
        yield from tasks
    yield from GARBLED.values()
    yield from SIEBEL_SHARE.values()
    yield from EXAMPLE_FEATURES
    for level, words in _KEYWORDS.items():
        yield from (level, *words)


#: The content of the module in every language (``crmlab/data/content/<lang>/taxonomy.yaml``);
#: the keywords of :func:`classify_feature` are in it too, so that it reads a description in
#: the reader's language.
CONTENT = Domain("taxonomy", _texts)


def names() -> list[str]:
    """The tables available.

    Examples
    --------
    >>> "supply_chain" in names()
    True
    """
    return list(TABLES)


def table(name: str, *, lang: str | None = None) -> pd.DataFrame:
    """One classification as a DataFrame, shown whole (a :class:`~crmlab.core.display.TextTable`),
    in ``lang`` (default: the language in effect); the column names stay identifiers.

    Examples
    --------
    >>> table("system_types")["type"].tolist()[:3]
    ['SFA', 'MA', 'CSA&CSS']
    >>> table("indicators").columns.tolist()
    ['indicator', 'improvement']
    >>> table("architecture", lang="az")["component"].iloc[0]
    'frontal hissə'
    >>> table("prices")
    Traceback (most recent call last):
    ...
    ValueError: Got name='prices' instead, expected one of 'by_functionality', 'by_processing', \
'system_types', 'development_areas', 'architecture', 'principles', 'adoption_motives', \
'indicators', 'example_systems', 'siebel_modules', 'siebel_advantages', 'supply_chain', \
'customer_values', 'crm_indications', 'crm_software'.
    """
    check_choice("name", name, TABLES)
    columns, rows = TABLES[name]
    return text_table(CONTENT.frame(pd.DataFrame(rows, columns=columns), lang=lang))


def area_tasks(*, lang: str | None = None) -> dict[str, tuple[str, ...]]:
    """``AREA_TASKS`` in ``lang`` (default: the language in effect): area -> its tasks.

    Examples
    --------
    >>> area_tasks(lang="az")["müştəri xidməti"][:2]
    ('müştəri mərkəzinin idarə edilməsi', 'iddiaların idarə edilməsi')
    """
    return {CONTENT(area, lang): CONTENT.each(tasks, lang) for area, tasks in AREA_TASKS.items()}


def garbled(key: str, *, lang: str | None = None) -> str:
    """How the course reads a garbled passage of the source (``GARBLED[key]``), in ``lang``.

    Examples
    --------
    >>> garbled("supply_chain").startswith("seed 000 writes 'DRM'")
    True
    >>> garbled("prices")
    Traceback (most recent call last):
    ...
    ValueError: Got key='prices' instead, expected one of 'development_areas', \
'value_exchange', 'customer_values', 'crm_indications', 'example_systems', 'supply_chain'.
    """
    return CONTENT(GARBLED[check_choice("key", key, GARBLED)], lang)


def siebel_share(*, lang: str | None = None) -> pd.Series:
    """``SIEBEL_SHARE`` as a Series named after the system, its texts in ``lang``.

    Examples
    --------
    >>> siebel_share()["share"]
    'up to 30%'
    """
    values = {field: CONTENT(text, lang) for field, text in SIEBEL_SHARE.items()}
    return pd.Series(values, name="Siebel (Oracle)")


def example_features(*, lang: str | None = None) -> tuple[str, ...]:
    """``EXAMPLE_FEATURES`` in ``lang``: descriptions :func:`classify_feature` can read.

    Examples
    --------
    >>> [classify_feature(f, lang="az") for f in example_features(lang="az")]
    ['operational CRM', 'analytical CRM', 'collaborative CRM']
    """
    return CONTENT.each(EXAMPLE_FEATURES, lang)


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
    raise expected("system_type", system_type,
                   "one of " + ", ".join(repr(r[0]) for r in _SYSTEM_TYPES) + " (any case)")


_KEYWORDS = {
    "operational CRM": ("register", "record", "contact", "event", "order entry", "quick access"),
    "analytical CRM": ("report", "analysis", "funnel", "segment", "forecast", "dashboard"),
    "collaborative CRM": ("portal", "track", "self-service", "personal account", "configure",
                          "notification", "customer changes"),
}


def _fold(text: str) -> str:
    """Lower case, Azerbaijani's dotted and dotless I included."""
    return text.replace("İ", "i").replace("I", "ı").lower() if any(
        c in text for c in "əğıöüçşƏĞİÖÜÇŞ") else text.lower()


def classify_feature(description: str, *, lang: str | None = None) -> str:
    """Level of information processing a feature description belongs to (keyword rule), read
    in English and in ``lang`` (default: the language in effect; the keywords are content too).

    Examples
    --------
    >>> classify_feature("Customers track their order status on a web portal")
    'collaborative CRM'
    >>> classify_feature("Monthly sales funnel report by region")
    'analytical CRM'
    """
    text = _fold(description)
    langs = {"en", lang or get_language()}
    hits = {level: sum(any(_fold(CONTENT(word, lang)) in text for lang in langs)
                       for word in words) for level, words in _KEYWORDS.items()}
    best = max(hits.values())
    if best == 0:
        raise expected("description", description, "a description with a keyword of "
                       "operational, analytical or collaborative CRM, such as 'register', "
                       "'report' or 'portal'")
    return next(level for level, n in hits.items() if n == best)
