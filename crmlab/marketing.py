"""The source's lists on relationship marketing (L01) and personalisation (L04), as data.

From seed 001 (the road from relationship marketing to customer-centric strategy: Alet, Huete,
Matathia & Salzman, Clancy & Shulman, Carrion, Curry & Curry), seed 002 (the triple goal and the
three levers of relationship strategy) and seed 000 (the five goals of consumer relations; the
twelve steps of personalising consumer relations, their three typical mistakes, the contents of
a personalised customer profile, and the five success factors of the ARTLIFE case).

``REMARKS`` holds what the sources say on points the lessons teach beyond these lists (seed 000
on suppliers and consumer relations, seed 001's opening, Huete's approach and multichannel
customers, seed 002 on multichannel consistency), each with the source's own words and a note
where its text is garbled. Figures in it are the sources'; none is the course's.

The timeline in ``EVOLUTION`` dates each stage by the reference the source cites. Four stages
take their date from the literature, flagged ``"literature"``: the marketing mix (McCarthy 1960),
which codified transactional marketing but is not its origin, segmentation (Smith 1956) and social CRM (Greenberg 2009), which
the sources do not date (seed 002 names social CRM without a date), and Drucker's "create a
customer", which seed 001 puts in the 1960s and the literature in The Practice of Management
(Drucker 1954).
"""

from __future__ import annotations

import pandas as pd

from crmlab.core.content import Domain
from crmlab.core.display import text_table
from crmlab.core.i18n import get_language, message
from crmlab.core.validation import check_choice, expected

__all__ = ["EVOLUTION", "NEW_CONSUMER", "TRIPLE_GOAL", "LEVERS", "CONSUMER_RELATIONS_GOALS",
           "PERSONALISATION_STEPS", "PERSONALISATION_AIMS", "PERSONALISATION_MISTAKES",
           "PROFILE_CONTENTS", "ARTLIFE_SUCCESS_FACTORS", "ARTLIFE_PARTNERS", "REMARKS",
           "CONTENT", "evolution", "table", "remark", "quote", "artlife_partners"]

#: The stages of the road to CRM: (stage, year, reference, idea, where the date comes from).
EVOLUTION = [
    # McCarthy's 1960 is the date transactional marketing was codified as the marketing mix (4P),
    # not its origin: selling for the single exchange is far older than segmentation (1956).
    ("marketing mix (transactional marketing codified)", 1960, "McCarthy (1960)",
     "the marketing mix (4P) codifies the pursuit of the single sale, which is far older",
     "literature"),
    ("segmentation", 1956, "Smith (1956)",
     "homogeneous groups of customers by taste, lifestyle and buying attitude", "literature"),
    ("the business exists to create a customer", 1954, "Drucker (1954)",
     "the purpose of a business is to create a customer; profit is its test, not its purpose "
     "(seed 001 dates the idea to the 1960s and adds keeping the customer and maximising profit)",
     "literature"),
    ("relationship marketing", 1994, "Alet (1994)",
     "a social and managerial process of creating and cultivating relationships with mutual "
     "benefit", "seed 001"),
    ("micro / one-to-one marketing", 1994, "Clancy & Shulman (1994)",
     "direct marketing that approaches each customer in a personalised way (1990s)", "seed 001"),
    ("loyalty economics", 1997, "Huete (1997)",
     "retention, satisfaction and recovery of customers, with the employees in the equation",
     "seed 001"),
    ("CRM with business intelligence", 2000, "Carrion (2000)",
     "data warehouse, OLAP and data mining turn customer data into knowledge", "seed 001"),
    ("e-CRM", 2000, "Curry & Curry (2000)",
     "the Internet solves CRM problems and makes CRM a necessity", "seed 001"),
    ("the firm as the customer's friend", 2002, "Alet (2002)",
     "listen to the customer, attend to them, love them", "seed 001"),
    ("social CRM", 2009, "Greenberg (2009)",
     "CRM software takes in the interactions and engagement of customers on social networks",
     "literature"),
]

#: The seven traits of the new consumer, Matathia & Salzman (2000: 32), seed 001.
NEW_CONSUMER = [
    "price-conscious, looks for value for money",
    "has the means but lacks time",
    "understands marketing",
    "adopts fashions and new products quickly but tires of them easily",
    "is demanding",
    "has a social conscience",
    "is used to shopping and to information, customer service included, 24 hours a day, 7 days "
    "a week",
]

#: The triple goal of relationship strategy (seed 002): (goal, meaning).
TRIPLE_GOAL = [
    ("revenue per account", "raise the turnover of each account: repeat purchases, recurring "
     "sales"),
    ("customer profitability", "improve the profitability of customers"),
    ("portfolio erosion", "stop the portfolio from being worn away, little by little, by "
     "competitors"),
]

#: The three levers of relationship strategy (seed 002): (lever, meaning).
LEVERS = [
    ("satisfaction", "the first building block of loyalty: answer needs precisely with quality "
     "products and services, flawless and steady order execution; starts with understanding "
     "needs"),
    ("experience", "a unique moment of exchange along the whole customer journey; goes beyond "
     "satisfaction; needs value-added customer service"),
    ("engagement", "customers who go beyond buying: they recommend you to friends and on social "
     "networks, the most involved become ambassadors and suggest improvements"),
]

#: The five goals of consumer relations (seed 000): (goal, meaning).
CONSUMER_RELATIONS_GOALS = [
    ("attract new consumers", "inform and persuade about the product's advantages"),
    ("retain existing customers", "a large share of sales comes from established buyers"),
    ("market new products and services", "explain new products to consumers lost in the flow "
     "of novelties"),
    ("handle complaints", "a fast, satisfying answer to a complaint can save the relationship"),
    ("reduce costs", "customers taught to choose and use the product save the seller time and "
     "money"),
]

#: The twelve steps of personalising relations with consumers (seed 000): (step, meaning).
PERSONALISATION_STEPS = [
    ("know your target market better", "the more you know about the audience, the more precise "
     "the campaign; in practice you address groups with the same traits"),
    ("set clear goals", "the five aims of personalised marketing: better customer service, "
     "stronger relationships, the most benefit from each consumer, higher retention, the most "
     "return on marketing and service"),
    ("create a database", "one integrated network where all customer data is collected, stored, "
     "managed and shared, updated from every source, open to all staff who deal with customers"),
    ("collect information all the time", "part of every sales, service and marketing "
     "campaign: responses to campaigns, research and surveys"),
    ("invest in personalisation", "the personalised profile is the heart of personalised "
     "service: name and address, contacts, purchases over a period, interests, preferences"),
    ("let customers add information", "personal pages where customers complete their own "
     "profile; used only for permitted purposes, with customers controlling how often and how "
     "much they give"),
    ("develop individual relationships", "a single point of access that gathers past purchases "
     "and preferences at every visit"),
    ("keep the relationship up regularly and purposefully", "act on the data: information and "
     "special offers tailored to each customer's needs"),
    ("use e-mail to strengthen relationships", "cheap, fast, read by most people; a high return "
     "on a modest investment"),
    ("let customers tailor products", "interactive design on the website, as car and computer "
     "makers do: pick a base model, add options, see the price"),
    ("personalise your information service", "customers say what information they want and "
     "receive it whenever there is news of that kind"),
    ("offer different levels of service", "special rewards for the best customers, incentives "
     "to buy more for regular ones, special offers for those who recently left"),
]

#: The five aims of personalised marketing (seed 000, step 2).
PERSONALISATION_AIMS = [
    "raise the quality of customer service",
    "strengthen relationships with consumers",
    "maximise the benefit of the relationship with each consumer",
    "raise the retention rate of current buyers",
    "get the most return from investment in marketing and customer service",
]

#: The three typical mistakes of personalisation (seed 000): (mistake, remedy).
PERSONALISATION_MISTAKES = [
    ("ignoring privacy", "post a privacy policy, obey every data-protection law, tell people at "
     "once how their data will be used, keep it confidential"),
    ("not developing the relationship", "data is collected to understand needs and build "
     "long-term, mutually beneficial relationships: act on it consistently"),
    ("targeting the wrong people", "programmes work best on the right audience: the finer the "
     "segmentation, the more precise the address"),
]

#: What a personalised customer profile holds (seed 000, step 5).
PROFILE_CONTENTS = [
    "name and address",
    "contact information",
    "purchases made over a period",
    "personal interests",
    "preferences for goods or services",
]

#: The five success factors of the ARTLIFE case (seed 000, appendix 1): (factor, meaning).
ARTLIFE_SUCCESS_FACTORS = [
    ("common interests and a spirit of partnership", "every party sees what it shares with the "
     "others and acts as a partner"),
    ("common goals and rewards", "one programme, and profits shared according to each party's "
     "effort"),
    ("open links between the parts of the organisation", "open communication from top managers "
     "to ordinary staff, across company borders"),
    ("a clear division of authority and duties", "each party knows what it decides and answers "
     "for"),
    ("freedom to act within one's authority", "the decisions a party must take, it takes "
     "without waiting for orders"),
]

#: Illustrative partner profiles for case C1, in the criteria of ``crmlab.relationships``. The
#: source describes ARTLIFE's partners in words only: these are the course's assumptions.
ARTLIFE_PARTNERS = {
    "office supplies": {
        "product_criticality": "non-critical", "supply_risk": "low", "profit_share": 0.002,
        "quality_standardised": True, "buyer_power": "high", "n_alternatives": 12,
        "switching_ease": "easy", "mutual_dependence": "low", "value_creation_share": 0.01},
    "custom packaging": {
        "product_criticality": "key", "supply_risk": "high", "profit_share": 0.05,
        "quality_standardised": False, "buyer_power": "medium", "n_alternatives": 3,
        "switching_ease": "moderate", "mutual_dependence": "medium", "value_creation_share": 0.12},
    "competitor producing for the programme": {
        "product_criticality": "strategic", "supply_risk": "high", "profit_share": 0.08,
        "quality_standardised": False, "buyer_power": "low", "n_alternatives": 1,
        "switching_ease": "hard", "mutual_dependence": "high", "value_creation_share": 0.30},
}

#: What the sources say on points the lessons teach: key -> (seed, lesson, what it says in the
#: course's words, the source's own words, a note where the text is garbled or "").
REMARKS = {
    # seed 000, the opening of the supplier part
    "opening_figure": (
        "000", "L02",
        "The text opens with a request for training, 'we are especially interested in how to "
        "educate the supplier', which turns out to mean bending the supplier to the buyer's own "
        "terms; in 90% of cases, it says, talk of supplier management is about this kind of "
        "'education', the buyer's dictate.",
        "lakin 90% hallarda bu səs bu cür \"təhsil\" haqqındadır", ""),
    "educating_a_supplier": (
        "000", "L02",
        "If nobody turns up for the tender (almost no suppliers on the market, or none meets "
        "the needs), the buyer has to educate a supplier: nurture it, help it and push it to "
        "the required level. Against the objection that a few 'bad' suppliers would be easier, "
        "the test is economic: how much time and effort, now and above all later, it takes from "
        "the truly important suppliers and products. Entering a region without a market, one "
        "can likewise find a local supplier and start educating and developing it, or choose an "
        "existing one ready to follow into the region.",
        "təchizatçını öyrədəcəksiniz, yəni. əslində onu tərbiyə edin, ona kömək edin, lazımi "
        "səviyyəyə çatması üçün stimullaşdırın", ""),
    "order_fulfilment": (
        "000", "L02",
        "In choosing an economically expedient supplier, pay special attention to the "
        "operational solutions the supplier has for fulfilling orders.",
        "Təchizatçı seçərkən şirkət ödəniş etməlidir. Xüsusi diqqət sifarişin yerinə "
        "yetirilməsi üçün təchizatçının malik olduğu əməliyyat həlləri.",
        "garbled: 'ödəniş etməlidir' ('must make a payment') stands where 'pay attention' is "
        "meant, and the next sentence lost its verb"),
    "spare_capacity": (
        "000", "L02",
        "When a supplier looks down on the buyer's small volumes, first find out whether the "
        "supplier itself has spare capacity: its representative's stance may well be "
        "unfounded, and that spare capacity is a strong card in the game.",
        "Birincisi, tədarükçünün pulsuz imkanlarının olub olmadığını öyrənin - tədarükçünün "
        "nümayəndəsinin davranışının əsaslandırılmaması olduqca mümkündür və pulsuz "
        "təchizatçıların mövcudluğu bu oyunda ciddi bir kozırdır",
        "garbled: 'pulsuz' ('free of charge') stands where free, unused capacity is meant; the "
        "second mention reads 'free suppliers', which the course takes as the same supplier's "
        "spare capacity, the subject of the sentence's first clause"),
    # seed 000, consumer relations
    "coupons": (
        "000", "L01",
        "Consumer-goods marketers claim that a customer's dissatisfaction can be reduced by a "
        "fitting personal answer and a few coupons; the company should not take a defensive "
        "stance towards consumers but make sure they know the benefits of the product when "
        "they decide to buy.",
        "müştəri narazılığı müvafiq fərdi cavab və bir neçə kuponla azalda bilər",
        "the source writes 'markerləri' (markers) for marketers"),
    "cost_effective_pr": (
        "000", "L01",
        "Communication (public relations) is often one of the most cost-effective means of "
        "advertising; to be effective it must be planned and complemented by the other "
        "marketing communications: advertising, sales promotion, personal selling.",
        "Rabitə -- tez-tez reklamın ən sərfəli vasitələrindən biridir.",
        "'rabitə' (communication, telecommunication) stands where the public-relations "
        "function is meant"),
    # seed 001
    "alet_opening": (
        "001", "L01",
        "The article opens with a scene from Alet (1994): the chief executive asks his "
        "marketing director, Mr. Martín, whether the company's biggest problem is not its "
        "indifference and lack of interest in its customers' needs; the director answers "
        "'I don't know, and I don't care', showing both at once.",
        "Pengarah Pemasaran: Saya tidak tahu, saya juga tidak peduli.",
        "the speaker is first called the chief executive ('Ketua Pegawai Eksekutif') and then "
        "the managing director ('Pengarah Urusan')"),
    "huete_approach": (
        "001", "L01",
        "Huete (1997) builds 'loyalty economics' that take in not only keeping, satisfying and "
        "winning back customers but also the organisation's other asset, its employees; the "
        "source names the approach and calls it very innovative and inclusive.",
        "Pendekatan ini dikenali sebagai Pelanggan, dan sangat inovatif dan inklusif.",
        "garbled: the name is given as 'Pelanggan' ('Customer'), a translation of the "
        "original name that the source does not preserve; the course does not guess it"),
    "multichannel_most_profitable": (
        "001", "L01",
        "Customer information must be brought together because it is needed at the moment of "
        "contact, through whichever channel; multichannel customers are usually the most "
        "profitable (no figures given; crmlab.multichannel.profit_by_channel_count puts it to "
        "the course data).",
        "Pelanggan berbilang saluran biasanya paling menguntungkan.", ""),
    # seed 002
    "multichannel_stakes": (
        "002", "L06",
        "The stakes of multichannel consistency are high: the company's commercial credibility "
        "and its power to influence the consumer just when he is ready to buy; so the sales "
        "channels must be linked intelligently.",
        "Vložki so visoki: komercialna verodostojnost podjetja in njegova sposobnost vpliva "
        "potrošnika ravno ko je pripravljen za nakup.", ""),
    "one_data_set": (
        "002", "L06",
        "The information system plays the central role: it keeps the data consistent within "
        "the chosen CRM software package, and every channel must be fully interfaced with it, "
        "so that the whole is under control.",
        "Informacijski sistem ima osrednjo vlogo in zagotavlja skladnost podatkov znotraj "
        "izbranega programskega paketa CRM.", ""),
    "details_decide": (
        "002", "L06",
        "The customer experience is where differences increasingly show: as competition "
        "sharpens, details decide in hotly contested segments.",
        "Ker se konkurenca zaostruje, podrobnosti vplivajo na vroče izpodbijane segmente.", ""),
    "not_overnight": (
        "002", "L06",
        "Customer relations cannot be built overnight: they are the sum of small encounters "
        "between the customers and the company, and, being its foundation, deserve every means "
        "the company has for building loyalty.",
        "Odnosi s strankami se ne morejo graditi čez noč.", ""),
}

_TABLES = {
    "new_consumer": (["trait"], [(t,) for t in NEW_CONSUMER]),
    "triple_goal": (["goal", "meaning"], TRIPLE_GOAL),
    "levers": (["lever", "meaning"], LEVERS),
    "consumer_relations_goals": (["goal", "meaning"], CONSUMER_RELATIONS_GOALS),
    "personalisation_steps": (["step", "meaning"], PERSONALISATION_STEPS),
    "personalisation_aims": (["aim"], [(a,) for a in PERSONALISATION_AIMS]),
    "personalisation_mistakes": (["mistake", "remedy"], PERSONALISATION_MISTAKES),
    "profile_contents": (["information"], [(c,) for c in PROFILE_CONTENTS]),
    "artlife_success_factors": (["factor", "meaning"], ARTLIFE_SUCCESS_FACTORS),
    "remarks": (["key", "seed", "lesson", "remark", "source words", "garbled"],
                [(key, *row) for key, row in REMARKS.items()]),
}


def _texts():
    """Every English text of the module's content (the stages, the lists, the remarks)."""
    for stage, _, _, idea, _ in EVOLUTION:
        yield from (stage, idea)
    for _, rows in _TABLES.values():
        if rows is not _TABLES["remarks"][1]:
            yield from (text for row in rows for text in row)
    for _, _, said, _, garbled in REMARKS.values():
        yield from (said, garbled)
    yield from ARTLIFE_PARTNERS


#: The content of the module in every language (``crmlab/data/content/<lang>/marketing.yaml``).
CONTENT = Domain("marketing", _texts)


def evolution(*, lang: str | None = None) -> pd.DataFrame:
    """The stages from transactional marketing to social CRM, in order of year (shown whole),
    in ``lang`` (default: the language in effect).

    Examples
    --------
    >>> evolution()[["stage", "year", "date_from"]].head(3)
                                          stage  year   date_from
    0  the business exists to create a customer  1954  literature
    1                              segmentation  1956  literature
    2  marketing mix (transactional marketing codified)  1960  literature
    """
    frame = pd.DataFrame(EVOLUTION, columns=["stage", "year", "reference", "idea", "date_from"])
    frame = CONTENT.frame(frame, columns=["stage", "idea"], lang=lang)
    return text_table(frame.sort_values("year", kind="stable").reset_index(drop=True))


def table(name: str, *, lang: str | None = None) -> pd.DataFrame:
    """One of the source's lists, numbered from 1, shown whole (a
    :class:`~crmlab.core.display.TextTable`), in ``lang`` (default: the language in effect).

    Examples
    --------
    >>> table("triple_goal")["goal"].tolist()
    ['revenue per account', 'customer profitability', 'portfolio erosion']
    >>> table("consumer_relations_goals", lang="az")["goal"].iloc[0]
    'yeni istehlakçıların cəlb edilməsi'
    >>> table("goals")
    Traceback (most recent call last):
    ...
    ValueError: Got name='goals' instead, expected one of 'new_consumer', 'triple_goal', \
'levers', 'consumer_relations_goals', 'personalisation_steps', 'personalisation_aims', \
'personalisation_mistakes', 'profile_contents', 'artlife_success_factors', 'remarks'.
    """
    check_choice("name", name, _TABLES)
    columns, rows = _TABLES[name]
    frame = CONTENT.frame(pd.DataFrame(rows, columns=columns), lang=lang)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="#")
    return text_table(frame)


def remark(key: str, *, lang: str | None = None) -> dict:
    """One entry of ``REMARKS`` as a dict (seed, lesson, remark, source words, garbled), the
    remark and the note in ``lang`` (default: the language in effect); the source's words are
    its own.

    Examples
    --------
    >>> remark("not_overnight")["source words"]
    'Odnosi s strankami se ne morejo graditi čez noč.'
    >>> remark("huete_approach")["garbled"].startswith("garbled: the name is given as")
    True
    """
    check_choice("key", key, REMARKS)
    seed, lesson, said, words, garbled = REMARKS[key]
    return {"seed": seed, "lesson": lesson, "remark": CONTENT(said, lang),
            "source words": words, "garbled": CONTENT(garbled, lang)}


def quote(*keys: str, lang: str | None = None) -> str:
    """Entries of ``REMARKS`` as text to print, in ``lang`` (default: the language in effect):
    the remark, the source's words, the note.

    Each entry gives what the source says in the course's words, then the source's own words
    with its seed, then the note on garbled text where there is one; entries are separated by
    a blank line.

    Examples
    --------
    >>> print(quote("not_overnight"))  # doctest: +ELLIPSIS
    Customer relations cannot be built overnight: ... building loyalty.
      seed 002: "Odnosi s strankami se ne morejo graditi čez noč."
    >>> print(quote("coupons", "cost_effective_pr"))  # doctest: +ELLIPSIS
    Consumer-goods marketers claim ...
      seed 000: "müştəri narazılığı müvafiq fərdi cavab və bir neçə kuponla azalda bilər"
      note: the source writes 'markerləri' (markers) for marketers
    <BLANKLINE>
    Communication (public relations) is often ...
    >>> quote()
    Traceback (most recent call last):
    ...
    ValueError: Got keys=() instead, expected at least one key of REMARKS.
    """
    if not keys:
        raise expected("keys", keys, "at least one key of REMARKS")
    lang = lang or get_language()
    blocks = []
    for key in keys:
        entry = remark(key, lang=lang)
        lines = [entry["remark"], message("marketing.source_words", lang, seed=entry["seed"],
                                          words=entry["source words"])]
        if entry["garbled"]:
            lines.append(message("marketing.note", lang, note=entry["garbled"]))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def artlife_partners() -> pd.DataFrame:
    """``ARTLIFE_PARTNERS`` as a suppliers-like table (``supplier_id`` + the criteria).

    Examples
    --------
    >>> from crmlab.relationships import classify_supplier
    >>> classify_supplier(artlife_partners())["type"].tolist()
    [1, 3, 4]
    """
    return pd.DataFrame([{"supplier_id": name, **profile}
                         for name, profile in ARTLIFE_PARTNERS.items()])

