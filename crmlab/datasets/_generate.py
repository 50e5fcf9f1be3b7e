"""The course company, Caspian Trade Distribution: a deterministic synthetic generator.

Every random draw comes from one ``numpy.random.SeedSequence(seed)``, split into one stream per
part (suppliers, products, people, records, contacts, orders, invoices, survey), so the same seed
gives the same tables (and, through ``write``, the same bytes), and a change to one part leaves
the draws of the others alone.

Every effect built into the data is a named constant below and is documented, with its size in
the unit a lesson would estimate it in, in ``EFFECTS`` (``crmlab/datasets/_effects.py``), which
``datasets/README.md`` renders and ``tests/test_generator_effects.py`` recovers from the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FIRST = ["Aysel", "Leyla", "Nigar", "Gunel", "Sevinj", "Aynur", "Narmin", "Lala", "Sabina",
         "Konul", "Elvin", "Rashad", "Orkhan", "Farid", "Tural", "Kamran", "Elchin", "Ilkin",
         "Murad", "Samir", "Vusal", "Emil", "Nurlan", "Anar", "Javid", "Ulviyya", "Fidan",
         "Aytan", "Zaur", "Ramin"]
LAST = ["Aliyev", "Mammadov", "Hasanov", "Huseynov", "Guliyev", "Ismayilov", "Abdullayev",
        "Karimov", "Rzayev", "Babayev", "Jafarov", "Safarov", "Valiyev", "Najafov", "Bayramov",
        "Quliyev", "Orujov", "Suleymanov", "Nasirov", "Hajiyev"]
#: The women's first names of FIRST: their surnames take the feminine form (-ova, -eva).
FEMALE = frozenset({"Aysel", "Leyla", "Nigar", "Gunel", "Sevinj", "Aynur", "Narmin", "Lala",
                    "Sabina", "Konul", "Ulviyya", "Fidan", "Aytan"})
CITIES = ["Baku", "Baku", "Baku", "Baku", "Ganja", "Sumgait", "Mingachevir", "Lankaran", "Shaki",
          "Shirvan"]
STREETS = ["Nizami", "Fuzuli", "Istiglaliyyat", "Azadlig", "Neftchilar", "Samad Vurgun",
           "Khagani", "Zarifa Aliyeva", "Bulbul", "Uzeyir Hajibeyov"]
REGIONS = ["Absheron", "Caspian", "Karabakh", "Shirvan", "Ganja", "Quba", "Araz", "Khazar"]
FORMS = ["LLC", "OJSC", "Trading", "Group"]
CATEGORIES = ["Dairy", "Beverages", "Confectionery", "Meat products", "Household",
              "Cleaning supplies", "Stationery", "Electronics"]
PRICE_LEVEL = {"Dairy": 3, "Beverages": 4, "Confectionery": 6, "Meat products": 9,
               "Household": 15, "Cleaning supplies": 7, "Stationery": 5, "Electronics": 60}
#: Product words per category with their shelf life in days (None: not perishable). Natural
#: milk is not among them: the one natural-milk item is the own-brand item of SPECIAL_SUPPLIERS.
PRODUCT_WORDS = {
    "Dairy": {"UHT milk": 180, "kefir": 12, "yoghurt": 21, "butter": 60, "cottage cheese": 10,
              "sour cream": 14},
    "Beverages": {"black tea": 730, "mineral water": 365, "fruit juice": 270, "coffee": 365,
                  "compote": 365},
    "Confectionery": {"pakhlava": 30, "shekerbura": 30, "chocolate": 270, "biscuits": 180,
                      "halva": 180},
    "Meat products": {"staple sausage": 30, "exotic sausage": 45, "smoked beef": 60,
                      "frankfurters": 25},
    "Household": {"corridor light bulbs": None, "towels": None, "kitchen set": None,
                  "storage boxes": None},
    "Cleaning supplies": {"detergent": None, "window cleaner": None, "soap": None,
                          "paper towels": None},
    "Stationery": {"office paper": None, "pens": None, "folders": None, "notebooks": None},
    "Electronics": {"kettle": None, "headphones": None, "power bank": None, "desk lamp": None},
}

# ------------------------------------------------------------------ the built-in effects
#: People per record: n_customers / DUPLICATE_FACTOR people, the rest are second records.
DUPLICATE_FACTOR = 1.045
SALES_CHANNELS = ["web", "store", "phone", "field_sales"]
CONTACT_CHANNELS = ["web", "store", "phone", "email", "field_sales"]
ACQUISITION_MIX = [0.45, 0.3, 0.15, 0.1]
CONSENT = {"consent_email": 0.7, "consent_profiling": 0.55, "consent_winback": 0.5}
#: A second record asks for e-mail consent again, independently of the first.
CONSENT_EMAIL_SECOND_RECORD = 0.6
PREFERS_OWN_CHANNEL = 0.7
INTEREST_RATE = 0.25
#: Latent traits of a person: spend per order, purchase rate, satisfaction (standard normal).
VALUE_PARETO = 1.6  # value = 1 + Lomax(1.6); units per order = 1 + Poisson(1.3 x value)
UNITS_PER_VALUE = 1.3
RATE_GAMMA = (1.3, 0.45)  # orders per month while active, before satisfaction
RATE_SATISFACTION = 0.4  # rate x exp(0.4 x satisfaction)
LIFETIME_DAYS = 380  # mean of an exponential lifetime ...
LIFETIME_SATISFACTION = 0.6  # ... x exp(0.6 x satisfaction)
#: Relative order intensity by calendar month (January first), for every order: later orders
#: are thinned by it, first orders through the day of sign-up.
SEASON = np.array([0.9, 0.85, 0.95, 1.0, 1.0, 0.9, 0.75, 0.75, 1.0, 1.05, 1.15, 1.6])
CHANNEL_PRICE = {"web": 0.97, "store": 1.0, "phone": 1.0, "field_sales": 0.95}
PRICE_NOISE = (0.1, 0.05)  # 10% of order lines carry a price off by up to 5% either way
ORDER_IN_OWN_CHANNEL = 0.75  # else one of the four sales channels at random
#: Welcome call on the day a record is created: reached share and the noise of its CSAT.
WELCOME_REACHED = 0.8
WELCOME_NOISE = 0.25
CONTACTS_PER_RECORD = 5.0
CONTACT_GRACE_DAYS = 90  # contacts go on for 90 days after the last purchase would have been
CONTACT_IN_PREFERRED = 0.6
TOUCH_BY_CHANNEL = {
    "web": ["website", "email", "delivery", "after_sales", "accounting", "complaints"],
    "store": ["shop", "after_sales", "accounting", "complaints"],
    "phone": ["call_centre", "delivery", "after_sales", "accounting", "complaints"],
    "email": ["email", "after_sales", "accounting", "complaints"],
    "field_sales": ["sales_rep", "delivery", "accounting", "complaints"],
}
#: The back office, by seed 002's list (after-sales, accounting, the shop) and the course's
#: placing of the touchpoints it does not name (complaints, delivery): crmlab.touchpoints.
BACK = {"shop", "delivery", "after_sales", "accounting", "complaints"}
#: Median hours to an answer in the front office of each channel; spread of the lognormal.
HOURS = {"web": 6.0, "store": 0.3, "phone": 0.5, "email": 20.0, "field_sales": 30.0}
HOURS_SPREAD = 0.6
BACK_OFFICE_SLOWDOWN = 2.5
PRICE_INDEX = {"web": 0.97, "store": 1.0, "phone": 1.0, "email": 0.98, "field_sales": 0.95}
PRICE_INDEX_NOISE = 0.01
OFFERS = {"web": ["WEB10", "FREESHIP", ""], "store": ["", "LOYAL5"], "phone": ["", "LOYAL5"],
          "email": ["MAIL15", ""], "field_sales": ["B2B7", ""]}
#: logit P(resolved) = intercept + satisfaction coefficient x satisfaction + back-office shift
#: (+ the accounting shift for accounting contacts: case C4's "received by the accountant").
RESOLUTION = {"intercept": 1.2, "satisfaction": 1.2, "back_office": -0.8, "accounting": -0.4}
SURVEY_SHARE = 0.35
SURVEY_NOISE = 0.6
SURVEY_GAP_DAYS = (14, 120)  # answered >= 14 days after sign-up, >= 120 days before the end
#: The two effects of an unresolved back-office contact (case C4). leave_after_unresolved_back:
#: the person stops buying for good (no order after the day of the contact) with this
#: probability. survey_after_unresolved_back: a survey answered on or after the record's first
#: such contact is shifted by this much on the latent scale (CSAT points before rounding; NPS
#: moves 1.9 times as much).
SIZES = {"leave_after_unresolved_back": 0.3, "survey_after_unresolved_back": -0.5}
#: Margin weight of a supplier by kind: its products sell so that its expected share of the
#: margin is its weight over the sum of all weights.
SUPPLIER_WEIGHT = {"strategic": (4.0, 8.0), "key": (1.5, 4.0), "routine": (0.2, 1.2)}
INVOICE_NOISE = 0.1  # a month's invoice = cost of the goods sold that month x U(0.9, 1.1)

#: Suppliers with a fixed role in the lessons: the monopoly-like market and the uninterested
#: supplier of L02 (a non-critical and a key item each, so the override of the vote happens on
#: the key ones) and the natural milk of case C2.
SPECIAL_SUPPLIERS = [
    {"kind": "milk", "name": "Shaki Dairy Farm Cooperative", "category": "Dairy",
     "item": "Natural milk (own brand)", "shelf_life_days": 5, "own_brand": True,
     "weight": 6.0,
     "profile": dict(product_criticality="strategic", supply_risk="high", n_alternatives=1,
                     quality_standardised=False, buyer_power="medium", switching_ease="hard",
                     mutual_dependence="high", value_creation_share=0.3,
                     interested_in_our_volume=True, monopoly_market=False)},
    {"kind": "monopoly_key", "name": "Quba Mineral Water OJSC", "category": "Beverages",
     "item": "Mineral water (Quba spring)", "shelf_life_days": 365, "own_brand": False,
     "weight": 2.2,
     "profile": dict(product_criticality="key", supply_risk="high", n_alternatives=0,
                     quality_standardised=True, buyer_power="low", switching_ease="hard",
                     mutual_dependence="medium", value_creation_share=0.08,
                     interested_in_our_volume=True, monopoly_market=True)},
    {"kind": "monopoly_routine", "name": "Araz Household LLC", "category": "Household",
     "item": "Corridor light bulbs (Araz)", "shelf_life_days": None, "own_brand": False,
     "weight": 0.5,
     "profile": dict(product_criticality="non-critical", supply_risk="high", n_alternatives=0,
                     quality_standardised=True, buyer_power="low", switching_ease="hard",
                     mutual_dependence="low", value_creation_share=0.01,
                     interested_in_our_volume=True, monopoly_market=True)},
    {"kind": "uninterested_key", "name": "Caspian Confectionery Group",
     "category": "Confectionery", "item": "Chocolate (Caspian)", "shelf_life_days": 270,
     "own_brand": False, "weight": 2.2,
     "profile": dict(product_criticality="key", supply_risk="medium", n_alternatives=3,
                     quality_standardised=True, buyer_power="low", switching_ease="moderate",
                     mutual_dependence="low", value_creation_share=0.07,
                     interested_in_our_volume=False, monopoly_market=False)},
    {"kind": "uninterested_routine", "name": "Khazar Stationery Group", "category": "Stationery",
     "item": "Office paper (Khazar)", "shelf_life_days": None, "own_brand": False,
     "weight": 0.6,
     "profile": dict(product_criticality="non-critical", supply_risk="low", n_alternatives=2,
                     quality_standardised=True, buyer_power="low", switching_ease="easy",
                     mutual_dependence="low", value_creation_share=0.01,
                     interested_in_our_volume=False, monopoly_market=False)},
]
SUPPLIER_COLUMNS = ["supplier_id", "name", "category", "product_criticality", "supply_risk",
                    "n_alternatives", "annual_spend", "profit_share", "unit_cost",
                    "quality_standardised", "buyer_power", "switching_ease",
                    "mutual_dependence", "value_creation_share", "interested_in_our_volume",
                    "monopoly_market"]
_PARTS = ("suppliers", "products", "people", "records", "contacts", "leaving", "orders",
          "invoices", "survey")


def _pick(rng, items, size=None, p=None):
    index = rng.choice(len(items), size=size, p=p)
    return np.asarray(items, dtype=object)[index] if size is not None else items[index]


def _phone_variants(digits: str) -> tuple[str, str]:
    # digits: 9 national digits, e.g. 501234567
    international = f"+994 {digits[:2]} {digits[2:5]} {digits[5:7]} {digits[7:]}"
    local = f"0{digits}"
    return international, local


def _streams(seed) -> dict:
    return dict(zip(_PARTS, (np.random.default_rng(s)
                             for s in np.random.SeedSequence(seed).spawn(len(_PARTS)))))


def supplier_roles(*, seed, n_suppliers=60) -> dict:
    """The supplier id of each special supplier's kind, without generating the rest."""
    plan = _supplier_plan(_streams(seed)["suppliers"], n_suppliers)
    special = plan[plan["items"].notna()]
    return dict(zip(special["kind"], special["supplier_id"]))


def generate(*, seed, n_customers=2000, n_suppliers=60, start="2023-01-01", months=24,
             sizes=None):
    """Generate the course company's tables; see ``crmlab.datasets.generate``.

    ``sizes`` overrides entries of ``SIZES`` (the effects of an unresolved back-office contact).
    Every draw is made whatever the sizes, so ``sizes={...: 0}`` gives the same company without
    that effect: the counterfactual against which the tests count what the effect costs.
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"Got seed={seed!r} instead, expected a non-negative integer.")
    for name, value, low in (("n_customers", n_customers, 20), ("n_suppliers", n_suppliers, 8),
                             ("months", months, 6)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
            raise ValueError(f"Got {name}={value!r} instead, expected an integer >= {low}.")
    if set(sizes or {}) - set(SIZES):
        raise ValueError(f"Got sizes={sizes!r} instead, expected keys among {sorted(SIZES)}.")
    rng = _streams(seed)
    start = pd.Timestamp(start)
    end = start + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    days = (end - start).days + 1

    plan = _supplier_plan(rng["suppliers"], n_suppliers)
    products, product_weight = _products(rng["products"], plan)
    n_people = int(round(n_customers / DUPLICATE_FACTOR))
    people = _people(rng["people"], n_people, start, days)
    customers, links, owner = _customer_records(rng["records"], people, n_customers)
    contacts = _interactions(rng["contacts"], customers, people, owner, start, end)
    sizes = {**SIZES, **(sizes or {})}
    leaving = _leaving_days(rng["leaving"], contacts, customers, owner, start,
                            sizes["leave_after_unresolved_back"])
    orders = _orders(rng["orders"], people, customers, owner, products, product_weight,
                     leaving, start, end)
    interactions = _before_leaving(contacts, customers, owner, leaving, start)
    purchases = _purchases(rng["invoices"], plan, products, orders, start, months)
    suppliers = _suppliers(plan, products, orders, purchases, end)
    survey = _survey(rng["survey"], customers, people, owner, interactions, start, end,
                     sizes["survey_after_unresolved_back"])
    return {
        "customers": customers, "customer_links": links, "products": products,
        "orders": orders, "suppliers": suppliers, "purchases": purchases,
        "interactions": interactions, "survey": survey,
    }


# ------------------------------------------------------------------ suppliers and products
def _supplier_plan(rng, n):
    """Who the suppliers are: kind, profile and margin weight; spend and profit come later."""
    special = SPECIAL_SUPPLIERS[:n]
    n_strategic = max(1, n // 9 - 1)
    n_key = max(2, n // 4 - 2)
    kinds = (["strategic"] * n_strategic + ["key"] * n_key
             + ["routine"] * max(0, n - len(special) - n_strategic - n_key))
    kinds = kinds[:n - len(special)]
    slots = rng.permutation(n)
    rows = [None] * n
    taken = {spec["name"] for spec in special}
    for slot, spec in zip(slots[:len(special)], special):
        rows[slot] = {"kind": spec["kind"], "name": spec["name"], "category": spec["category"],
                      "weight": spec["weight"], "items": [spec], **spec["profile"]}
    for slot, kind in zip(slots[len(special):], kinds):
        category = _pick(rng, CATEGORIES)
        if kind == "strategic":
            profile = dict(product_criticality="strategic",
                           supply_risk=_pick(rng, ["medium", "high"]),
                           n_alternatives=int(rng.integers(0, 3)), quality_standardised=False,
                           buyer_power="low", switching_ease="hard", mutual_dependence="high",
                           value_creation_share=round(float(rng.uniform(0.15, 0.4)), 3))
        elif kind == "key":
            profile = dict(product_criticality="key", supply_risk=_pick(rng, ["low", "medium"]),
                           n_alternatives=int(rng.integers(2, 6)),
                           quality_standardised=bool(rng.random() < 0.4),
                           buyer_power="medium", switching_ease="moderate",
                           mutual_dependence="medium",
                           value_creation_share=round(float(rng.uniform(0.05, 0.15)), 3))
        else:
            profile = dict(product_criticality="non-critical", supply_risk="low",
                           n_alternatives=int(rng.integers(5, 25)), quality_standardised=True,
                           buyer_power="high", switching_ease="easy", mutual_dependence="low",
                           value_creation_share=round(float(rng.uniform(0.0, 0.04)), 3))
        profile.update(interested_in_our_volume=True, monopoly_market=False)
        name = None
        while name is None or name in taken:  # one name, one supplier
            name = f"{_pick(rng, REGIONS)} {category.split()[0]} {_pick(rng, FORMS)}"
        taken.add(name)
        rows[slot] = {"kind": kind, "name": name, "category": category,
                      "weight": float(rng.uniform(*SUPPLIER_WEIGHT[kind])),
                      "items": None, **profile}
    plan = pd.DataFrame(rows)
    plan.insert(0, "supplier_id", [f"S{i + 1:03d}" for i in range(n)])
    return plan


def _products(rng, plan):
    """Each supplier's 1-3 products; their weights in orders give each supplier an expected
    share of the margin proportional to its weight, whatever the product's price."""
    rows, weights = [], []
    for s in plan.itertuples():
        if s.items is not None:
            items = [(spec["item"], spec["shelf_life_days"], spec["own_brand"])
                     for spec in s.items]
        else:
            words = PRODUCT_WORDS[s.category]
            chosen = rng.choice(len(words), size=int(rng.integers(1, 4)), replace=False)
            brand = s.name.split()[0]
            items = [(f"{word[0].upper()}{word[1:]} ({brand})", words[word], False)
                     for word in np.asarray(list(words))[np.sort(chosen)]]
        split = rng.dirichlet(np.ones(len(items)))
        for (name, shelf, own), part in zip(items, split):
            price = round(float(PRICE_LEVEL[s.category] * rng.lognormal(0, 0.35)), 2)
            cost = round(price * float(rng.uniform(0.6, 0.85)), 2)
            rows.append({"name": name, "category": s.category, "unit_price": price,
                         "unit_cost": cost, "supplier_id": s.supplier_id,
                         "shelf_life_days": shelf, "own_brand": own})
            weights.append(s.weight * part / (price - cost))
    products = pd.DataFrame(rows)
    products["shelf_life_days"] = products["shelf_life_days"].astype("Int64")
    products.insert(0, "product_id", [f"P{i + 1:04d}" for i in range(len(products))])
    weights = np.asarray(weights)
    return products, weights / weights.sum()


def _suppliers(plan, products, orders, purchases, end):
    """The supplier table: the plan's profiles plus spend and profit share counted over the last
    12 months of invoices and orders (2024 in the course data), and the products' unit cost."""
    since = end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    supplier_of = products.set_index("product_id")["supplier_id"]
    sold = orders[orders["order_date"] >= since]
    margin = sold["margin"].groupby(sold["product_id"].map(supplier_of)).sum()
    margin = margin.reindex(plan["supplier_id"], fill_value=0.0)
    bought = purchases[purchases["purchase_date"] >= since]
    spend = bought.groupby("supplier_id")["amount"].sum()
    frame = plan.copy()
    frame["annual_spend"] = spend.reindex(plan["supplier_id"], fill_value=0.0).round(2).to_numpy()
    frame["profit_share"] = (margin / margin.sum()).round(4).to_numpy()
    frame["unit_cost"] = (products.groupby("supplier_id")["unit_cost"].mean()
                          .reindex(plan["supplier_id"]).round(2).to_numpy())
    return frame[SUPPLIER_COLUMNS]


def _purchases(rng, plan, products, orders, start, months):
    """Monthly invoices: the cost of the supplier's goods sold that month, +-10% for stock."""
    supplier_of = products.set_index("product_id")["supplier_id"]
    month = (orders["order_date"].dt.year - start.year) * 12 + orders["order_date"].dt.month \
        - start.month
    cogs = orders["cost"].groupby([orders["product_id"].map(supplier_of), month]).sum()
    rows = []
    for supplier_id in plan["supplier_id"]:
        for m in range(months):
            amount = float(cogs.get((supplier_id, m), 0.0))
            day = int(rng.integers(0, 28))
            noise = rng.uniform(1 - INVOICE_NOISE, 1 + INVOICE_NOISE)
            if amount > 0:
                rows.append({"supplier_id": supplier_id,
                             "purchase_date": start + pd.DateOffset(months=m)
                             + pd.Timedelta(days=day),
                             "amount": round(amount * noise, 2)})
    frame = pd.DataFrame(rows).sort_values(["purchase_date", "supplier_id"], kind="stable")
    frame.insert(0, "purchase_id", [f"U{i + 1:06d}" for i in range(len(frame))])
    return frame.reset_index(drop=True)


# ------------------------------------------------------------------ customers
def _people(rng, n_people, start, days):
    first = _pick(rng, FIRST, n_people)
    last = _pick(rng, LAST, n_people)
    city = _pick(rng, CITIES, n_people)
    street = _pick(rng, STREETS, n_people)
    house = rng.integers(1, 200, n_people)
    digits = [f"{p}{n:07d}" for p, n in zip(_pick(rng, ["50", "51", "55", "70", "77"], n_people),
                                             rng.integers(0, 10_000_000, n_people))]
    # Acquisition flows in over the whole period, a little faster at the start, and follows
    # the season like every other order: a first order on day d is kept with the weight of
    # its month, else drawn again.
    signup_offset = np.full(n_people, -1)
    while (todo := signup_offset < 0).any():
        offset = (rng.beta(1.0, 1.4, int(todo.sum())) * days * 0.92).astype(int)
        month = (start + pd.to_timedelta(offset, unit="D")).month.to_numpy() - 1
        keep = rng.random(len(offset)) < SEASON[month] / SEASON.max()
        signup_offset[np.flatnonzero(todo)[keep]] = offset[keep]
    satisfaction = rng.normal(0.0, 1.0, n_people)
    return pd.DataFrame({
        "first": first, "last": last, "city": city,
        "address": [f"{s} str. {h}" for s, h in zip(street, house)],
        "digits": digits,
        "birth_year": rng.integers(1950, 2006, n_people),
        "signup": start + pd.to_timedelta(signup_offset, unit="D"),
        "channel": _pick(rng, SALES_CHANNELS, n_people, p=ACQUISITION_MIX),
        # Latent traits: value (Pareto-like spend), purchase rate, satisfaction.
        "value": rng.pareto(VALUE_PARETO, n_people) + 1.0,
        "rate": rng.gamma(*RATE_GAMMA, n_people),
        "satisfaction": satisfaction,
        # Lifetime in days: satisfied customers stay longer.
        "lifetime": rng.exponential(LIFETIME_DAYS * np.exp(LIFETIME_SATISFACTION
                                                           * satisfaction)),
        **{column: rng.random(n_people) < share for column, share in CONSENT.items()},
    })


def _csat(latent):
    return np.clip(np.round(3.6 + latent), 1, 5).astype(int)


def _surname(last: str, *, female: bool) -> str:
    """A record's surname as written, in the feminine form for a woman (Aliyev -> Aliyeva,
    ALIEV -> ALIEVA). A function of the record's own strings, applied after every draw, so
    that no other value of the data depends on it (the e-mail keeps the form it was drawn
    with)."""
    if not female:
        return last
    return last + ("A" if last.isupper() else "a")


def _customer_records(rng, people, n_records):
    n_people = len(people)
    n_dups = n_records - n_people
    dup_people = np.sort(rng.choice(n_people, size=n_dups, replace=n_dups > n_people))
    dup_shift = rng.integers(20, 300, n_dups)
    owner = np.concatenate([np.arange(n_people), dup_people])
    signup = np.concatenate([people["signup"].to_numpy(),
                             people["signup"].to_numpy()[dup_people]
                             + pd.to_timedelta(dup_shift, "D").to_numpy()])
    signup = np.minimum(signup, people["signup"].max().to_datetime64())
    order = np.argsort(signup, kind="stable")
    owner, signup = owner[order], signup[order]
    is_dup = np.concatenate([np.zeros(n_people, bool), np.ones(n_dups, bool)])[order]
    interests_all = rng.random((len(owner), len(CATEGORIES))) < INTEREST_RATE
    satisfaction = people["satisfaction"].to_numpy()[owner]
    reached = rng.random(len(owner)) < WELCOME_REACHED
    welcome = _csat(satisfaction + rng.normal(0, WELCOME_NOISE, len(owner)))

    rows = []
    for i, (person, dup) in enumerate(zip(owner, is_dup)):
        p = people.iloc[person]
        first, last = p["first"], p["last"]
        international, local = _phone_variants(p["digits"])
        email = f"{first.lower()}.{last.lower()}{p['digits'][-3:]}@example.az"
        phone = international
        channel = p["channel"]
        consent_email = bool(p["consent_email"])
        if dup:
            other = [c for c in SALES_CHANNELS if c != channel]
            channel = other[rng.integers(len(other))]
            variant = rng.integers(4)
            phone = local if rng.random() < 0.7 else international.replace(" ", "")
            if variant == 0:
                email = email.upper()
            elif variant == 1:
                email = f" {email.capitalize()} "
            elif variant == 2:
                email = ""
            if rng.random() < 0.5:
                first, last = first.upper(), last.upper()
            elif rng.random() < 0.4:
                # Transliteration variant: Aliyev -> Aliev, Guliyev -> Guliev.
                last = last.replace("iyev", "iev").replace("ayev", "aev")
            consent_email = bool(rng.random() < CONSENT_EMAIL_SECOND_RECORD)
        interests = ";".join(c for c, on in zip(CATEGORIES, interests_all[i]) if on)
        rows.append({
            "customer_id": f"C{i + 1:05d}", "first_name": first,
            "last_name": _surname(last, female=p["first"] in FEMALE),
            "email": email, "phone": phone, "city": p["city"], "address": p["address"],
            "acquisition_channel": channel,
            "preferred_channel": channel if rng.random() < PREFERS_OWN_CHANNEL else
            CONTACT_CHANNELS[rng.integers(len(CONTACT_CHANNELS))],
            "signup_date": pd.Timestamp(signup[i]),
            "birth_year": int(p["birth_year"]), "interests": interests,
            "consent_email": consent_email,
            "consent_profiling": bool(p["consent_profiling"]),
            "consent_winback": bool(p["consent_winback"]),
            "welcome_csat": int(welcome[i]) if reached[i] else None,
        })
    customers = pd.DataFrame(rows)
    customers["welcome_csat"] = customers["welcome_csat"].astype("Int64")
    links = pd.DataFrame({"customer_id": customers["customer_id"],
                          "person_id": [f"H{o + 1:05d}" for o in owner]})
    return customers, links, owner


# ------------------------------------------------------------------ contacts
def _interactions(rng, customers, people, owner, start, end):
    """Contacts of a record while its person is a customer: from the record's creation to
    CONTACT_GRACE_DAYS after the end of the person's lifetime. Resolution depends on
    satisfaction and office only."""
    total_days = (end - start).days
    last_of = ((people["signup"] - start).dt.days + people["lifetime"] + CONTACT_GRACE_DAYS) \
        .clip(upper=total_days).astype(int).to_numpy()
    sat_of = people["satisfaction"].to_numpy()
    coef = RESOLUTION
    rows = []
    for i, c in enumerate(customers.itertuples()):
        sat = sat_of[owner[i]]
        first = (c.signup_date - start).days
        last = max(first, last_of[owner[i]])
        for _ in range(rng.poisson(CONTACTS_PER_RECORD)):
            channel = c.preferred_channel if rng.random() < CONTACT_IN_PREFERRED \
                else CONTACT_CHANNELS[rng.integers(len(CONTACT_CHANNELS))]
            touch = _pick(rng, TOUCH_BY_CHANNEL[channel])
            back = touch in BACK
            hours = HOURS[channel] * rng.lognormal(0.0, HOURS_SPREAD) \
                * (BACK_OFFICE_SLOWDOWN if back else 1.0)
            offers = OFFERS[channel]
            logit = coef["intercept"] + coef["satisfaction"] * sat + coef["back_office"] * back \
                + coef["accounting"] * (touch == "accounting")
            rows.append({
                "customer_id": c.customer_id,
                "interaction_date": start + pd.Timedelta(days=int(rng.integers(first,
                                                                               last + 1))),
                "channel": channel, "touchpoint": touch, "office": "back" if back else "front",
                "response_hours": round(float(hours), 1),
                "offer": offers[rng.integers(len(offers))],
                "price_index": round(float(np.clip(PRICE_INDEX[channel]
                                                   + rng.normal(0, PRICE_INDEX_NOISE),
                                                   0.8, 1.2)), 2),
                "resolved": bool(rng.random() < 1 / (1 + np.exp(-logit))),
            })
    return pd.DataFrame(rows).sort_values(["interaction_date", "customer_id"], kind="stable")


def _before_leaving(contacts, customers, owner, leaving, start):
    """The interaction log: a person who left makes no contact after the day they left."""
    person = contacts["customer_id"].map(dict(zip(customers["customer_id"], owner)))
    day = (contacts["interaction_date"] - start).dt.days
    frame = contacts[day <= person.map(leaving).fillna(np.inf)]
    frame.insert(0, "interaction_id", [f"I{i + 1:06d}" for i in range(len(frame))])
    return frame.reset_index(drop=True)


def _leaving_days(rng, interactions, customers, owner, start, leave):
    """Per person: the day (from start) after which they buy nothing, or None."""
    person_of = dict(zip(customers["customer_id"], owner))
    bad = interactions[(interactions["office"] == "back") & ~interactions["resolved"]]
    days = (bad["interaction_date"] - start).dt.days.to_numpy()
    persons = bad["customer_id"].map(person_of).to_numpy()
    # One draw per unresolved back-office contact, whatever the size, so that the data with
    # and without the effect share every other draw.
    leaves = rng.random(len(bad)) < leave
    out = {}
    for person, day, gone in zip(persons, days, leaves):
        if gone and (person not in out or day < out[person]):
            out[int(person)] = int(day)
    return out


# ------------------------------------------------------------------ orders
def _orders(rng, people, customers, owner, products, product_weight, leaving, start, end):
    records_of = {}
    for record, person in enumerate(owner):
        records_of.setdefault(int(person), []).append(record)
    signup = customers["signup_date"].to_numpy()
    channel = customers["acquisition_channel"].to_numpy()
    n_products = len(products)
    rows_c, rows_d, rows_p, rows_q, rows_ch = [], [], [], [], []
    total_days = (end - start).days + 1
    for person, records in records_of.items():
        p = people.iloc[person]
        first_day = (p["signup"] - start).days
        last_day = int(min(total_days - 1, first_day + p["lifetime"]))
        active_days = max(last_day - first_day, 1)
        n = 1 + rng.poisson(p["rate"] * active_days / 30.0
                            * np.exp(RATE_SATISFACTION * p["satisfaction"]))
        day = np.sort(rng.integers(first_day, last_day + 1, n))
        day[0] = first_day
        month_index = np.array([(start + pd.Timedelta(days=int(d))).month - 1 for d in day])
        keep = rng.random(n) < SEASON[month_index] / SEASON.max()
        keep[0] = True
        day = day[keep]
        rec = np.asarray(records)[rng.integers(0, len(records), len(day))]
        rec[0] = records[0]
        rec = np.where(signup[rec] > (start + pd.to_timedelta(day, "D")).to_numpy(),
                       records[0], rec)
        product = rng.choice(n_products, size=len(day), p=product_weight)
        quantity = 1 + rng.poisson(p["value"] * UNITS_PER_VALUE, len(day))
        sold_in = np.where(rng.random(len(day)) < ORDER_IN_OWN_CHANNEL, channel[rec],
                           _pick(rng, SALES_CHANNELS, len(day)))
        # The person who left buys nothing after the contact; every draw above is made
        # anyway, so the data with and without the effect differ only in these orders.
        stays = day <= leaving.get(person, total_days)
        rows_c.append(rec[stays])
        rows_d.append(day[stays])
        rows_p.append(product[stays])
        rows_q.append(quantity[stays])
        rows_ch.append(sold_in[stays])
    record = np.concatenate(rows_c)
    order_date = start + pd.to_timedelta(np.concatenate(rows_d), "D")
    product = np.concatenate(rows_p)
    quantity = np.concatenate(rows_q).astype(int)
    sales_channel = np.concatenate(rows_ch)
    sort = np.lexsort((record, order_date.to_numpy()))
    record, order_date = record[sort], order_date[sort]
    product, quantity, sales_channel = product[sort], quantity[sort], sales_channel[sort]
    list_price = products["unit_price"].to_numpy()[product]
    factor = np.array([CHANNEL_PRICE[c] for c in sales_channel])
    share, spread = PRICE_NOISE
    noise = np.where(rng.random(len(product)) < share,
                     rng.uniform(1 - spread, 1 + spread, len(product)), 1.0)
    unit_price = np.round(list_price * factor * noise, 2)
    revenue = np.round(unit_price * quantity, 2)
    cost = np.round(products["unit_cost"].to_numpy()[product] * quantity, 2)
    return pd.DataFrame({
        "order_id": [f"O{i + 1:06d}" for i in range(len(record))],
        "customer_id": customers["customer_id"].to_numpy()[record],
        "order_date": order_date, "channel": sales_channel,
        "product_id": products["product_id"].to_numpy()[product],
        "quantity": quantity, "unit_price": unit_price, "revenue": revenue, "cost": cost,
        "margin": np.round(revenue - cost, 2),
    })


# ------------------------------------------------------------------ survey
def _survey(rng, customers, people, owner, interactions, start, end, shift):
    rows = []
    survey_end = (end - start).days - SURVEY_GAP_DAYS[1]
    sat_of = people["satisfaction"].to_numpy()
    bad = interactions[(interactions["office"] == "back") & ~interactions["resolved"]]
    first_bad = bad.groupby("customer_id")["interaction_date"].min()
    for i, c in enumerate(customers.itertuples()):
        first = (c.signup_date - start).days
        if first + SURVEY_GAP_DAYS[0] > survey_end or rng.random() > SURVEY_SHARE:
            continue
        day = start + pd.Timedelta(days=int(rng.integers(first + SURVEY_GAP_DAYS[0],
                                                         survey_end + 1)))
        sat = sat_of[owner[i]] + rng.normal(0, SURVEY_NOISE)
        before = first_bad.get(c.customer_id)
        if before is not None and before <= day:
            sat += shift
        csat = int(_csat(sat))
        nps = int(np.clip(np.round(7.2 + 1.9 * sat + rng.normal(0, 0.8)), 0, 10))
        rows.append({"customer_id": c.customer_id, "survey_date": day,
                     "channel": CONTACT_CHANNELS[rng.integers(len(CONTACT_CHANNELS))],
                     "csat": csat, "nps": nps})
    frame = pd.DataFrame(rows).sort_values(["survey_date", "customer_id"], kind="stable")
    frame.insert(0, "response_id", [f"R{i + 1:05d}" for i in range(len(frame))])
    return frame.reset_index(drop=True)
