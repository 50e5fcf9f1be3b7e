"""The course company, Caspian Trade Distribution: a deterministic synthetic generator.

Everything is drawn from one ``numpy.random.default_rng(seed)`` in a fixed order, so the same
seed gives the same tables (and, through ``write``, the same bytes).
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
CITIES = ["Baku", "Baku", "Baku", "Baku", "Ganja", "Sumgait", "Mingachevir", "Lankaran", "Shaki",
          "Shirvan"]
STREETS = ["Nizami", "Fuzuli", "Istiglaliyyat", "Azadlig", "Neftchilar", "Samad Vurgun",
           "Khagani", "Zarifa Aliyeva", "Bulbul", "Uzeyir Hajibeyov"]
CATEGORIES = ["Dairy", "Beverages", "Confectionery", "Meat products", "Household",
              "Cleaning supplies", "Stationery", "Electronics"]
PRICE_LEVEL = {"Dairy": 3, "Beverages": 4, "Confectionery": 6, "Meat products": 9,
               "Household": 15, "Cleaning supplies": 7, "Stationery": 5, "Electronics": 60}
PRODUCT_WORDS = {
    "Dairy": ["natural milk", "kefir", "yoghurt", "butter", "cottage cheese", "sour cream"],
    "Beverages": ["black tea", "mineral water", "fruit juice", "coffee", "compote"],
    "Confectionery": ["pakhlava", "shekerbura", "chocolate", "biscuits", "halva"],
    "Meat products": ["staple sausage", "exotic sausage", "smoked beef", "frankfurters"],
    "Household": ["corridor light bulbs", "towels", "kitchen set", "storage boxes"],
    "Cleaning supplies": ["detergent", "window cleaner", "soap", "paper towels"],
    "Stationery": ["office paper", "pens", "folders", "notebooks"],
    "Electronics": ["kettle", "headphones", "power bank", "desk lamp"],
}
SALES_CHANNELS = ["web", "store", "phone", "field_sales"]
CHANNEL_PRICE = {"web": 0.97, "store": 1.0, "phone": 1.0, "field_sales": 0.95}
SEASON = np.array([0.9, 0.85, 0.95, 1.0, 1.0, 0.9, 0.75, 0.75, 1.0, 1.05, 1.15, 1.6])


def _pick(rng, items, size=None, p=None):
    index = rng.choice(len(items), size=size, p=p)
    return np.asarray(items, dtype=object)[index] if size is not None else items[index]


def _phone_variants(digits: str) -> tuple[str, str]:
    # digits: 9 national digits, e.g. 501234567
    international = f"+994 {digits[:2]} {digits[2:5]} {digits[5:7]} {digits[7:]}"
    local = f"0{digits}"
    return international, local


def _people(rng, n_people, start, days):
    first = _pick(rng, FIRST, n_people)
    last = _pick(rng, LAST, n_people)
    city = _pick(rng, CITIES, n_people)
    street = _pick(rng, STREETS, n_people)
    house = rng.integers(1, 200, n_people)
    digits = [f"{p}{n:07d}" for p, n in zip(_pick(rng, ["50", "51", "55", "70", "77"], n_people),
                                             rng.integers(0, 10_000_000, n_people))]
    # Acquisition flows in over the whole period, a little faster at the start.
    signup_offset = (rng.beta(1.0, 1.4, n_people) * days * 0.92).astype(int)
    return pd.DataFrame({
        "first": first, "last": last, "city": city,
        "address": [f"{s} str. {h}" for s, h in zip(street, house)],
        "digits": digits,
        "birth_year": rng.integers(1950, 2006, n_people),
        "signup": start + pd.to_timedelta(signup_offset, unit="D"),
        "channel": _pick(rng, SALES_CHANNELS, n_people, p=[0.45, 0.3, 0.15, 0.1]),
        # Latent traits: value (Pareto-like spend), purchase rate, lifetime, satisfaction.
        "value": rng.pareto(1.6, n_people) + 1.0,
        "rate": rng.gamma(1.3, 0.45, n_people),
        "satisfaction": rng.normal(0.0, 1.0, n_people),
        "consent_email": rng.random(n_people) < 0.7,
        "consent_profiling": rng.random(n_people) < 0.55,
        "consent_winback": rng.random(n_people) < 0.5,
    })


def generate(*, seed, n_customers=2000, n_suppliers=60, start="2023-01-01", months=24):
    """Generate the course company's tables; see ``crmlab.datasets.generate``."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"Got seed={seed!r} instead, expected a non-negative integer.")
    for name, value, low in (("n_customers", n_customers, 20), ("n_suppliers", n_suppliers, 8),
                             ("months", months, 6)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
            raise ValueError(f"Got {name}={value!r} instead, expected an integer >= {low}.")
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(start)
    end = start + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    days = (end - start).days + 1

    suppliers = _suppliers(rng, n_suppliers)
    products = _products(rng, suppliers)

    n_people = int(round(n_customers / 1.045))
    people = _people(rng, n_people, start, days)
    customers, links, owner = _customer_records(rng, people, n_customers)
    orders = _orders(rng, people, customers, owner, products, start, end)
    purchases = _purchases(rng, suppliers, start, months)
    interactions = _interactions(rng, customers, people, owner, start, end)
    survey = _survey(rng, customers, people, owner, start, end)
    return {
        "customers": customers, "customer_links": links, "products": products,
        "orders": orders, "suppliers": suppliers, "purchases": purchases,
        "interactions": interactions, "survey": survey,
    }


def _customer_records(rng, people, n_records):
    n_people = len(people)
    n_dups = n_records - n_people
    dup_people = np.sort(rng.choice(n_people, size=n_dups, replace=n_dups > n_people))
    owner = np.concatenate([np.arange(n_people), dup_people])
    order = np.argsort(np.concatenate([people["signup"].to_numpy(),
                                       people["signup"].to_numpy()[dup_people]
                                       + pd.to_timedelta(rng.integers(20, 300, n_dups), "D")
                                       .to_numpy()]), kind="stable")
    owner = owner[order]
    is_dup = np.concatenate([np.zeros(n_people, bool), np.ones(n_dups, bool)])[order]
    dup_signup_shift = np.zeros(len(owner), dtype="int64")
    dup_signup_shift[is_dup] = rng.integers(20, 300, int(is_dup.sum()))
    interests_all = rng.random((len(owner), len(CATEGORIES))) < 0.25

    rows = []
    for i, (person, dup) in enumerate(zip(owner, is_dup)):
        p = people.iloc[person]
        first, last = p["first"], p["last"]
        international, local = _phone_variants(p["digits"])
        email = f"{first.lower()}.{last.lower()}{p['digits'][-3:]}@example.az"
        phone = international
        channel = p["channel"]
        signup = p["signup"]
        if dup:
            other = [c for c in SALES_CHANNELS if c != channel]
            channel = other[rng.integers(len(other))]
            signup = signup + pd.Timedelta(days=int(dup_signup_shift[i]))
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
        interests = ";".join(c for c, on in zip(CATEGORIES, interests_all[i]) if on)
        rows.append({
            "customer_id": f"C{i + 1:05d}", "first_name": first, "last_name": last,
            "email": email, "phone": phone, "city": p["city"], "address": p["address"],
            "acquisition_channel": channel,
            "preferred_channel": channel if rng.random() < 0.7 else
            ["web", "store", "phone", "email", "field_sales"][rng.integers(5)],
            "signup_date": min(signup, people["signup"].max()),
            "birth_year": int(p["birth_year"]), "interests": interests,
            "consent_email": bool(p["consent_email"]) if not dup else bool(rng.random() < 0.6),
            "consent_profiling": bool(p["consent_profiling"]),
            "consent_winback": bool(p["consent_winback"]),
        })
    customers = pd.DataFrame(rows)
    links = pd.DataFrame({"customer_id": customers["customer_id"],
                          "person_id": [f"H{o + 1:05d}" for o in owner]})
    return customers, links, owner


def _suppliers(rng, n):
    kinds = np.array(["routine"] * n, dtype=object)
    index = rng.permutation(n)
    n_strategic, n_key = max(2, n // 9), max(3, n // 4)
    kinds[index[:n_strategic]] = "strategic"
    kinds[index[n_strategic:n_strategic + n_key]] = "key"
    kinds[index[n_strategic + n_key:n_strategic + n_key + 2]] = "monopoly_standard"
    kinds[index[n_strategic + n_key + 2:n_strategic + n_key + 4]] = "uninterested"
    category = _pick(rng, CATEGORIES, n)
    rows = []
    weights = np.empty(n)
    for i, kind in enumerate(kinds):
        if kind == "strategic":
            row = dict(product_criticality="strategic", supply_risk=_pick(rng, ["medium", "high"]),
                       n_alternatives=int(rng.integers(0, 3)), quality_standardised=False,
                       buyer_power="low", switching_ease="hard", mutual_dependence="high",
                       value_creation_share=round(float(rng.uniform(0.15, 0.4)), 3),
                       interested_in_our_volume=True, monopoly_market=False)
            weights[i] = rng.uniform(4, 8)
        elif kind == "key":
            row = dict(product_criticality="key", supply_risk=_pick(rng, ["low", "medium"]),
                       n_alternatives=int(rng.integers(2, 6)),
                       quality_standardised=bool(rng.random() < 0.4),
                       buyer_power="medium", switching_ease="moderate",
                       mutual_dependence="medium",
                       value_creation_share=round(float(rng.uniform(0.05, 0.15)), 3),
                       interested_in_our_volume=True, monopoly_market=False)
            weights[i] = rng.uniform(1.5, 4)
        else:
            row = dict(product_criticality="non-critical", supply_risk="low",
                       n_alternatives=int(rng.integers(5, 25)), quality_standardised=True,
                       buyer_power="high", switching_ease="easy", mutual_dependence="low",
                       value_creation_share=round(float(rng.uniform(0.0, 0.04)), 3),
                       interested_in_our_volume=True, monopoly_market=False)
            weights[i] = rng.uniform(0.1, 1.2)
            if kind == "monopoly_standard":
                row.update(n_alternatives=0, supply_risk="high", buyer_power="low",
                           switching_ease="hard", monopoly_market=True)
            if kind == "uninterested":
                row.update(interested_in_our_volume=False, buyer_power="low",
                           n_alternatives=int(rng.integers(1, 3)))
        row["unit_cost"] = round(float(rng.lognormal(2.0, 1.1)), 2)
        row["annual_spend"] = round(float(weights[i] * rng.uniform(15_000, 40_000)), 2)
        rows.append(row)
    share = weights * rng.uniform(0.7, 1.3, n)
    share = np.round(share / share.sum(), 4)
    frame = pd.DataFrame(rows)
    frame.insert(0, "supplier_id", [f"S{i + 1:03d}" for i in range(n)])
    frame.insert(1, "name", [f"{_pick(rng, ['Absheron', 'Caspian', 'Karabakh', 'Shirvan', 'Ganja', 'Quba', 'Araz', 'Khazar'])} "
                             f"{c.split()[0]} {_pick(rng, ['LLC', 'OJSC', 'Trading', 'Group'])}"
                             for c in category])
    frame.insert(2, "category", category)
    frame["profit_share"] = share
    columns = ["supplier_id", "name", "category", "product_criticality", "supply_risk",
               "n_alternatives", "annual_spend", "profit_share", "unit_cost",
               "quality_standardised", "buyer_power", "switching_ease", "mutual_dependence",
               "value_creation_share", "interested_in_our_volume", "monopoly_market"]
    return frame[columns]


def _products(rng, suppliers):
    rows = []
    for s in suppliers.itertuples():
        for _ in range(int(rng.integers(1, 4))):
            word = _pick(rng, PRODUCT_WORDS[s.category])
            price = round(float(PRICE_LEVEL[s.category] * rng.lognormal(0, 0.35)), 2)
            cost = round(price * float(rng.uniform(0.6, 0.85)), 2)
            rows.append({"name": f"{word.capitalize()} ({s.name.split()[0]})",
                         "category": s.category, "unit_price": price, "unit_cost": cost,
                         "supplier_id": s.supplier_id})
    products = pd.DataFrame(rows)
    products.insert(0, "product_id", [f"P{i + 1:04d}" for i in range(len(products))])
    return products


def _orders(rng, people, customers, owner, products, start, end):
    records_of = {}
    for record, person in enumerate(owner):
        records_of.setdefault(int(person), []).append(record)
    signup = customers["signup_date"].to_numpy()
    channel = customers["acquisition_channel"].to_numpy()
    n_products = len(products)
    product_weight = rng.pareto(1.2, n_products) + 1
    product_weight /= product_weight.sum()
    rows_c, rows_d, rows_p, rows_q, rows_ch = [], [], [], [], []
    total_days = (end - start).days + 1
    for person, records in records_of.items():
        p = people.iloc[person]
        first_day = (p["signup"] - start).days
        # Lifetime in days: satisfied customers stay longer.
        lifetime = rng.exponential(380 * np.exp(0.45 * p["satisfaction"]))
        last_day = int(min(total_days - 1, first_day + lifetime))
        active_days = max(last_day - first_day, 1)
        n = 1 + rng.poisson(p["rate"] * active_days / 30.0 * np.exp(0.25 * p["satisfaction"]))
        day = np.sort(rng.integers(first_day, last_day + 1, n))
        day[0] = first_day
        month_index = np.array([(start + pd.Timedelta(days=int(d))).month - 1 for d in day])
        keep = rng.random(n) < SEASON[month_index] / SEASON.max()
        keep[0] = True
        day = day[keep]
        rec = np.asarray(records)[rng.integers(0, len(records), len(day))]
        rec[0] = records[0]
        for r, d in zip(rec, day):
            date = start + pd.Timedelta(days=int(d))
            if date < signup[r]:
                r = records[0]
            rows_c.append(r)
            rows_d.append(date)
        rows_p.append(rng.choice(n_products, size=len(day), p=product_weight))
        rows_q.append(1 + rng.poisson(p["value"] * 1.3, len(day)))
        rows_ch.append(np.where(rng.random(len(day)) < 0.75, channel[rec],
                                _pick(rng, SALES_CHANNELS, len(day))))
    record = np.array(rows_c)
    order_date = pd.to_datetime(rows_d)
    product = np.concatenate(rows_p)
    quantity = np.concatenate(rows_q).astype(int)
    sales_channel = np.concatenate(rows_ch)
    sort = np.lexsort((record, order_date.to_numpy()))
    record, order_date = record[sort], order_date[sort]
    product, quantity, sales_channel = product[sort], quantity[sort], sales_channel[sort]
    list_price = products["unit_price"].to_numpy()[product]
    factor = np.array([CHANNEL_PRICE[c] for c in sales_channel])
    noise = np.where(rng.random(len(product)) < 0.1, rng.uniform(0.95, 1.05, len(product)), 1.0)
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


def _purchases(rng, suppliers, start, months):
    rows = []
    for s in suppliers.itertuples():
        monthly = s.annual_spend / 12.0
        for m in range(months):
            if rng.random() < 0.85:
                day = start + pd.DateOffset(months=m) + pd.Timedelta(days=int(rng.integers(0, 28)))
                rows.append({"supplier_id": s.supplier_id, "purchase_date": day,
                             "amount": round(float(monthly * rng.uniform(0.6, 1.4)), 2)})
    frame = pd.DataFrame(rows).sort_values(["purchase_date", "supplier_id"], kind="stable")
    frame.insert(0, "purchase_id", [f"U{i + 1:06d}" for i in range(len(frame))])
    return frame.reset_index(drop=True)


TOUCH_BY_CHANNEL = {
    "web": ["website", "email", "delivery", "after_sales", "accounting", "complaints"],
    "store": ["shop", "after_sales", "accounting", "complaints"],
    "phone": ["call_centre", "delivery", "after_sales", "accounting", "complaints"],
    "email": ["email", "after_sales", "accounting", "complaints"],
    "field_sales": ["sales_rep", "delivery", "accounting", "complaints"],
}
BACK = {"delivery", "after_sales", "accounting", "complaints"}
HOURS = {"web": 6.0, "store": 0.3, "phone": 0.5, "email": 20.0, "field_sales": 30.0}
PRICE_INDEX = {"web": 0.97, "store": 1.0, "phone": 1.0, "email": 0.98, "field_sales": 0.95}
OFFERS = {"web": ["WEB10", "FREESHIP", ""], "store": ["", "LOYAL5"], "phone": ["", "LOYAL5"],
          "email": ["MAIL15", ""], "field_sales": ["B2B7", ""]}


def _interactions(rng, customers, people, owner, start, end):
    total_days = (end - start).days
    rows = []
    channels = ["web", "store", "phone", "email", "field_sales"]
    for i, c in enumerate(customers.itertuples()):
        sat = people["satisfaction"].iat[owner[i]]
        first = (c.signup_date - start).days
        for _ in range(rng.poisson(3)):
            channel = c.preferred_channel if rng.random() < 0.6 else channels[rng.integers(5)]
            touch = _pick(rng, TOUCH_BY_CHANNEL[channel])
            back = touch in BACK
            hours = HOURS[channel] * rng.lognormal(0.0, 0.6) * (2.5 if back else 1.0)
            offers = OFFERS[channel]
            rows.append({
                "customer_id": c.customer_id,
                "interaction_date": start + pd.Timedelta(days=int(rng.integers(first, total_days + 1))),
                "channel": channel, "touchpoint": touch, "office": "back" if back else "front",
                "response_hours": round(float(hours), 1),
                "offer": offers[rng.integers(len(offers))],
                "price_index": round(float(np.clip(PRICE_INDEX[channel]
                                                   + rng.normal(0, 0.01), 0.8, 1.2)), 2),
                "resolved": bool(rng.random() < 1 / (1 + np.exp(-(1.2 + 0.6 * sat - 0.8 * back)))),
            })
    frame = pd.DataFrame(rows).sort_values(["interaction_date", "customer_id"], kind="stable")
    frame.insert(0, "interaction_id", [f"I{i + 1:06d}" for i in range(len(frame))])
    return frame.reset_index(drop=True)


def _survey(rng, customers, people, owner, start, end):
    rows = []
    survey_end = (end - start).days - 120  # leave time to observe repeat purchases afterwards
    channels = ["web", "store", "phone", "email", "field_sales"]
    for i, c in enumerate(customers.itertuples()):
        first = (c.signup_date - start).days
        if first + 14 > survey_end or rng.random() > 0.35:
            continue
        sat = people["satisfaction"].iat[owner[i]] + rng.normal(0, 0.6)
        csat = int(np.clip(np.round(3.6 + 1.0 * sat), 1, 5))
        nps = int(np.clip(np.round(7.2 + 1.9 * sat + rng.normal(0, 0.8)), 0, 10))
        rows.append({"customer_id": c.customer_id,
                     "survey_date": start + pd.Timedelta(days=int(rng.integers(first + 14, survey_end + 1))),
                     "channel": channels[rng.integers(5)], "csat": csat, "nps": nps})
    frame = pd.DataFrame(rows).sort_values(["survey_date", "customer_id"], kind="stable")
    frame.insert(0, "response_id", [f"R{i + 1:05d}" for i in range(len(frame))])
    return frame.reset_index(drop=True)
