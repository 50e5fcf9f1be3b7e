"""Every effect built into the course company, with its size in the unit a lesson estimates it in.

The sizes are taken from the generator's own constants where the unit is the generator's, and
otherwise were counted once and written here with how (the ``basis`` of each size):

* ``parameter``: the size is a constant of ``crmlab/datasets/_generate.py`` (or follows from
  constants by arithmetic);
* ``counterfactual``: counted on the course data against the same company generated without the
  effect (``_generate.generate(seed=2024, sizes={...: 0})``: every draw is the same, only the
  effect is missing);
* ``expected``: the mean over the companies ``generate(seed=s)`` for s = 1 ... 16, because the
  size in the lesson's unit depends on several draws at once.

``tests/test_generator_effects.py`` recovers every size from the committed data within its
tolerance, and checks the counterfactual sizes against a regeneration, so this text cannot drift
from the data. ``datasets/README.md`` renders it; ``crmlab.datasets.effects()`` returns the
sizes as a table for lessons to compare their estimates with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from crmlab.datasets import _generate as g


@dataclass(frozen=True)
class Size:
    """One documented number: what, how big, in which unit, recovered within which tolerance.

    ``tolerance`` is None for a number the observed data cannot estimate (what would have
    happened without an effect); the tests check it against the regeneration instead.
    """

    quantity: str
    value: float
    unit: str
    tolerance: float | None
    basis: str


@dataclass(frozen=True)
class Effect:
    """An effect of the generator: how it is built and how big it is in a lesson's unit."""

    key: str
    title: str
    lessons: str
    mechanism: str
    sizes: tuple[Size, ...]
    estimate: str
    tolerance: str


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_SEASON_INDEX = g.SEASON / g.SEASON.mean()
_ROLES = g.supplier_roles(seed=2024)
_OWN_CHANNEL = g.ORDER_IN_OWN_CHANNEL + (1 - g.ORDER_IN_OWN_CHANNEL) / len(g.SALES_CHANNELS)
_PREFERS_OWN = g.PREFERS_OWN_CHANNEL + (1 - g.PREFERS_OWN_CHANNEL) / len(g.CONTACT_CHANNELS)
_R = g.RESOLUTION
_LEAVE = g.SIZES["leave_after_unresolved_back"]
_SHIFT = g.SIZES["survey_after_unresolved_back"]
_WEIGHT = g.SUPPLIER_WEIGHT

EFFECTS: tuple[Effect, ...] = (
    Effect(
        "duplicates", "One person, several customer records", "L04",
        f"The company has n_customers / {g.DUPLICATE_FACTOR} people (1,914 for the 2,000 "
        "records); every other record is a second record of one of them (never a third), created "
        "20 to 299 days after the first in another acquisition channel and typed differently: "
        "the e-mail in upper case, capitalised with spaces around it, left empty or unchanged "
        "(a quarter each), the phone in the local format 0XXXXXXXXX (70%) or international "
        "without spaces, the names in upper case (half) or transliterated where the name "
        "allows (-iyev -> -iev, -ayev -> -aev; a fifth). A second record asks for e-mail consent again "
        f"({_pct(g.CONSENT_EMAIL_SECOND_RECORD)} say yes, whatever the first record says). "
        "customer_links.csv holds the truth: which records are one person.",
        (Size("second records", 86, "records", 0, "parameter"),
         Size("second records in another acquisition channel", 1.0, "share", 0, "parameter")),
        "customer_links: records minus distinct person_id; for the channel, compare each second "
        "record's acquisition_channel with its person's first record.",
        "None: the counts are exact."),
    Effect(
        "channels", "Acquisition, preferred and order channels", "L04, L06, seed 001",
        "A person's first record is acquired in web, store, phone or field sales with the shares "
        "below. A record prefers to be contacted in its acquisition channel with probability "
        f"{g.PREFERS_OWN_CHANNEL}, else in one of the five contact channels at random. An order is "
        f"placed in the record's acquisition channel with probability {g.ORDER_IN_OWN_CHANNEL}, "
        "else in one of the four sales channels at random: a customer with more orders has more "
        "chances to have used two channels (see 'not built in').",
        tuple(Size(f"first records acquired in {c}", share, "share", 0.035, "parameter")
              for c, share in zip(g.SALES_CHANNELS, g.ACQUISITION_MIX))
        + (Size("orders in the record's acquisition channel", _OWN_CHANNEL, "share", 0.02,
                "parameter"),
           Size("records preferring their acquisition channel", _PREFERS_OWN, "share", 0.035,
                "parameter")),
        "Shares over the first record of each person (customer_links), over orders joined to "
        "their record, and over records.",
        "About three binomial standard errors: 1,914 people give 1.1 points on a share near "
        "one half, so 3.5 points; 7,900 orders give 0.45 points, so 2 points."),
    Effect(
        "consent", "Consent rates", "L04",
        "Each person says yes to each purpose independently of everything else (value, "
        "satisfaction, channel, each other): e-mail campaigns "
        f"{_pct(g.CONSENT['consent_email'])}, profiling {_pct(g.CONSENT['consent_profiling'])}, "
        f"win-back offers {_pct(g.CONSENT['consent_winback'])}. A second record carries the "
        "person's profiling and win-back answers but its own e-mail answer "
        f"({_pct(g.CONSENT_EMAIL_SECOND_RECORD)} yes), so the records of one person can "
        "disagree on e-mail consent.",
        (Size("first records consenting to e-mail", g.CONSENT["consent_email"], "share", 0.035,
              "parameter"),
         Size("first records consenting to profiling", g.CONSENT["consent_profiling"], "share",
              0.035, "parameter"),
         Size("first records consenting to win-back", g.CONSENT["consent_winback"], "share",
              0.035, "parameter")),
        "Shares over the first record of each person (customer_links).",
        "Three binomial standard errors on 1,914 people (1.1 points each): 3.5 points."),
    Effect(
        "seasonality", "Seasonality of orders", "L01, L05",
        "Every order, first orders included, is kept with the weight of its calendar month "
        f"(December {g.SEASON[11]}, July and August {g.SEASON[6]}, April, May and September "
        "1.0, ...; the weights divided by their largest): in a steady company a month's orders "
        "would be its weight / the mean weight times an average month's.",
        tuple(Size(f"orders in {m}, times an average month", round(float(x), 3), "ratio", 0.2,
                   "parameter") for m, x in zip(_MONTHS, _SEASON_INDEX)),
        "Classical decomposition: orders per calendar month divided by the centred 12-month "
        "moving average (it exists for July 2023 to June 2024: each calendar month once, the "
        "company's growth taken out), the twelve ratios scaled to average 1.",
        "About three standard errors of one month's ratio: the months compared have 240 to 630 "
        "orders, so Poisson noise alone moves a ratio by about 0.05."),
    Effect(
        "spend", "A few customers bring most of the revenue", "L05",
        f"Each person's value is 1 + Lomax({g.VALUE_PARETO}) (a Pareto tail); an order holds "
        f"1 + Poisson({g.UNITS_PER_VALUE} x value) units. Products are chosen independently of "
        "the customer.",
        (Size("revenue share of the top 20% of customer records", 0.72, "share", 0.08,
              "expected"),),
        "Revenue per customer_id, sorted; the share of the top fifth.",
        "A heavy tail: over the 16 companies the share ranges 0.70 to 0.78 (standard deviation "
        "0.02); 0.08 covers that range."),
    Effect(
        "satisfaction", "Satisfied customers stay longer and buy more often", "L01, L06, C4",
        "Each person has a latent satisfaction s, standard normal, fixed over time. It drives "
        f"the lifetime (exponential with mean {g.LIFETIME_DAYS} x exp({g.LIFETIME_SATISFACTION} "
        f"s) days: one standard deviation more satisfied, {math.exp(g.LIFETIME_SATISFACTION):.2f} "
        "times as long), the purchase rate while active (gamma(1.3, 0.45) orders a month x "
        f"exp({g.RATE_SATISFACTION} s): {math.exp(g.RATE_SATISFACTION):.2f} times as often), the "
        "resolution of contacts and every satisfaction answer. It is observed through the "
        f"welcome call ({_pct(g.WELCOME_REACHED)} of records reached; welcome_csat = "
        f"round(3.6 + s + noise), noise standard deviation {g.WELCOME_NOISE}, clipped to 1-5) "
        "and the survey. The sizes below include the path through case C4 (less satisfied "
        "customers more often leave after an unresolved back-office contact).",
        (Size("bought again within 365 days of the first order, welcome_csat 1-2", 0.31,
              "share", 0.12, "expected"),
         Size("bought again within 365 days of the first order, welcome_csat 3", 0.49, "share",
              0.09, "expected"),
         Size("bought again within 365 days of the first order, welcome_csat 4-5", 0.72,
              "share", 0.07, "expected")),
        "Per customer record whose first order lies more than 365 days before the end of the "
        "data: is there an order on one of the 365 days after the first? Share by welcome_csat "
        "band.",
        "About three times the standard deviation over the 16 companies (0.04, 0.03, 0.02: the "
        "low band holds only about 150 records)."),
    Effect(
        "prices", "Price by channel", "L06",
        "An order line is priced at the list price times the channel's factor (web "
        f"{g.CHANNEL_PRICE['web']}, store {g.CHANNEL_PRICE['store']}, phone "
        f"{g.CHANNEL_PRICE['phone']}, field sales {g.CHANNEL_PRICE['field_sales']}); "
        f"{_pct(g.PRICE_NOISE[0])} of lines are off by up to {_pct(g.PRICE_NOISE[1])} either way. "
        "A contact quotes the channel's price index (web "
        f"{g.PRICE_INDEX['web']}, store {g.PRICE_INDEX['store']}, phone "
        f"{g.PRICE_INDEX['phone']}, e-mail {g.PRICE_INDEX['email']}, field sales "
        f"{g.PRICE_INDEX['field_sales']}) plus normal noise of standard deviation "
        f"{g.PRICE_INDEX_NOISE}, and an offer code from the channel's list (web "
        "WEB10/FREESHIP/none, store and phone LOYAL5/none, e-mail MAIL15/none, field sales "
        "B2B7/none): a customer met in two channels is quoted different prices and offers by "
        "construction.",
        tuple(Size(f"orders in {c}: unit price / list price (median)", f, "ratio", 0.005,
                   "parameter") for c, f in g.CHANNEL_PRICE.items())
        + tuple(Size(f"contacts in {c}: mean price_index", f, "ratio", 0.005, "parameter")
                for c, f in g.PRICE_INDEX.items()),
        "orders.unit_price / products.unit_price, median per channel; interactions.price_index, "
        "mean per channel.",
        "The medians are exact up to rounding to the cent; a mean price index over 400 or more "
        "contacts has a standard error below 0.0005."),
    Effect(
        "response", "Each channel its own pace; the back office 2.5 times slower", "L06, C4",
        "Hours to an answer are lognormal around the channel's median (web "
        f"{g.HOURS['web']:g}, store {g.HOURS['store']:g}, phone {g.HOURS['phone']:g}, e-mail "
        f"{g.HOURS['email']:g}, field sales {g.HOURS['field_sales']:g} h; spread "
        f"{g.HOURS_SPREAD} on the log scale) and {g.BACK_OFFICE_SLOWDOWN} times as long in the "
        "back office (the shop, delivery, after-sales, accounting, complaints). Store contacts "
        "are all back office (shop, after-sales, accounting, complaints). Response time affects "
        "nothing else.",
        tuple(Size(f"front-office median response in {c}", h, "hours", 0.15 * h, "parameter")
              for c, h in g.HOURS.items() if c != "store")
        + (Size("back-office median response in store", g.HOURS["store"]
                * g.BACK_OFFICE_SLOWDOWN, "hours", 0.15 * g.HOURS["store"]
                * g.BACK_OFFICE_SLOWDOWN, "parameter"),
           Size("back-office / front-office median response, same channel",
                g.BACK_OFFICE_SLOWDOWN, "ratio", 0.4, "parameter")),
        "Median response_hours per channel and office; the ratio of the back-office to the "
        "front-office median within each channel that has both (web, phone, e-mail, field "
        "sales), averaged over those channels.",
        "The median of a lognormal sample with spread 0.6 has a relative standard error of "
        "about 0.75 / sqrt(n): 5% for the 200-odd contacts of the smallest cell; 15% is three "
        "of them. The ratio of two medians: about 0.4 at three standard errors."),
    Effect(
        "resolution", "The back office resolves fewer matters, accounting fewest", "L06, C4",
        f"A contact is resolved with probability logistic({_R['intercept']} + "
        f"{_R['satisfaction']} s - {-_R['back_office']} x back office - {-_R['accounting']} x "
        "accounting), s the person's satisfaction: the back office resolves about 14 points fewer "
        "contacts than the front office, accounting about 7 fewer again. The accounting term is "
        "the case's \"received by the accountant\". Over all people these give 72%, 58% and 50%; the rates below are "
        "per contact and higher, because customers who leave after an unresolved back-office "
        "contact, more often the less satisfied, make no more contacts.",
        (Size("front-office contacts resolved", 0.747, "share", 0.03, "expected"),
         Size("back-office contacts except accounting resolved", 0.61, "share", 0.03,
              "expected"),
         Size("accounting contacts resolved", 0.534, "share", 0.04, "expected")),
        "interactions.resolved, mean by office and for accounting.",
        "About three standard deviations over the 16 companies (0.009, 0.008, 0.014)."),
    Effect(
        "c4_leaving", "Case C4 built in: an unresolved back-office contact costs repeat buyers",
        "C4, L06",
        f"After an unresolved back-office contact, the person stops buying for good (no order "
        f"after the day of the contact, and no more contacts) with probability {_LEAVE}: "
        f"{_LEAVE:.0%} of the customers who would have bought again do not. Front-office "
        "contacts have no such effect, resolved or not. Resolution and buying also share a "
        "cause, satisfaction, so the naive comparison of repeat buying after resolved and after "
        "unresolved contacts mixes the effect with confounding and overstates it about twice. "
        "The observable that removes most of the confounding is **welcome_csat**: it measures "
        "satisfaction on the day the record was created, before any contact, so the contact "
        "cannot have changed it, and within one band of it resolved and unresolved contacts "
        "come from customers of nearly the same satisfaction. What remains is the spread of "
        "satisfaction within a band (the rounding to 1-5 and the call's noise); the 20% of "
        "records never reached drop out of the comparison at random, which costs precision, not "
        "bias. A survey answer is no substitute: it may come "
        "after the contact and is itself moved by it (see survey_after_unresolved).",
        (Size("drop in buying again within 90 days after an unresolved back-office contact",
              0.112, "share", 0.035, "counterfactual"),
         Size("bought again within 90 days after an unresolved back-office contact, without "
              "the effect", 0.303, "share", None, "counterfactual"),
         Size("drop in buying again within 180 days after an unresolved back-office contact",
              0.131, "share", 0.035, "counterfactual")),
        "Back-office contacts whose window ends before the data does (contact day + window < "
        "the day after the last order); 'bought again' = an order on one of the window's days "
        "after the contact. Naive: share after resolved minus share after unresolved contacts "
        "(on the course data 21.6 points for 90 days: about twice the effect). Adjusted: the "
        "same difference within each welcome_csat band, averaged with the unresolved contacts "
        "of each band as weights (the effect on the unresolved contacts, 10.7 points for 90 "
        "days). Weighting the bands by all their contacts instead gives 13.2 points: more "
        "weight on the satisfied bands, where a band's spread of satisfaction leaves more "
        "confounding. (The 180-day estimates are left out here: case C4 asks for one.)",
        "3.5 points: about two standard deviations of the adjusted comparison's error. Over 20 "
        "other companies (seeds 101-120, each against its own counterfactual) it missed the "
        "effect by 0.3 points on average with a standard deviation of 1.8 (90 days; -0.8 and "
        "1.9 for 180 days); the naive comparison overstated it by 10.3 points on average, never "
        "by less than 5.7. The error has two small parts that pull in opposite directions: "
        "confounding left within the bands (up), and resolved contacts shortly before a contact "
        "that made the customer leave, which lose some repeat buying too (down, about 1.5 "
        "points for 90 days and 2 for 180). Weighting the bands by all their contacts puts "
        "more weight on the satisfied bands and ran 1.9 points high on average."),
    Effect(
        "survey_after_unresolved", "An unresolved back-office contact lowers later answers",
        "C4, L06",
        "A survey answered on or after the record's first unresolved back-office contact is "
        f"given on the latent scale {_SHIFT} (CSAT points before rounding; NPS answers move "
        f"1.9 times as much, {1.9 * _SHIFT:.2f}). Nothing else in the survey depends on "
        "contacts.",
        (Size("CSAT of respondents after an unresolved back-office contact, change", -0.50,
              "points", 0.25, "counterfactual"),
         Size("NPS answer (0-10) of respondents after an unresolved back-office contact, "
              "change", -0.93, "points", 0.6, "counterfactual")),
        "Respondents with an unresolved back-office contact of their record on or before the "
        "survey day against the other respondents: mean CSAT (or NPS answer) within each "
        "welcome_csat band, averaged with the first group's counts as weights. The naive "
        "difference (-1.3 CSAT points on the course data) is more than twice the effect: the "
        "same customers are the less satisfied ones.",
        "About three standard errors of the adjusted difference (0.07 CSAT points, 0.2 NPS "
        "points, with 666 respondents)."),
    Effect(
        "survey", "Satisfaction survey", "L06, C4",
        f"{_pct(g.SURVEY_SHARE)} of records answer once, at a random day between 14 days after "
        "sign-up and 120 days before the end of the data (so that later buying can be "
        "observed), in a random channel: CSAT = round(3.6 + s + e) clipped to 1-5 with e "
        f"normal of standard deviation {g.SURVEY_NOISE}, NPS answer = round(7.2 + 1.9 (s + e) "
        "+ normal noise 0.8) clipped to 0-10; both shifted after an unresolved back-office "
        "contact. The channel of the answer has no effect.",
        (Size("mean CSAT", 3.33, "points", 0.12, "expected"),
         Size("NPS (promoters minus detractors)", -21.5, "points", 10, "expected")),
        "survey.csat mean; NPS = share of answers 9-10 minus share 0-6, times 100.",
        "About three standard deviations over the 16 companies (0.04 and 3.2 points)."),
    Effect(
        "suppliers", "Supplier profiles, profit share and annual spend", "L02, C2",
        "60 suppliers: five with a fixed role (below), "
        f"{60 // 9 - 1} more strategic, {60 // 4 - 2} more key and the rest non-critical, each "
        "kind with the profile its classification criteria describe (strategic: specific "
        "quality, hard to switch, high mutual dependence; key: low or medium risk, medium buyer "
        "power, 2-5 alternatives; non-critical: standard quality, 5-24 alternatives, easy to switch). "
        "Each supplier has a margin weight (strategic "
        f"{_WEIGHT['strategic'][0]:g}-{_WEIGHT['strategic'][1]:g}, key "
        f"{_WEIGHT['key'][0]:g}-{_WEIGHT['key'][1]:g}, non-critical "
        f"{_WEIGHT['routine'][0]:g}-{_WEIGHT['routine'][1]:g}); its 1-3 products sell so that "
        "its expected share of the margin is its weight over the sum of the weights, whatever "
        "the products' prices. Then, counted over the last 12 months of the data (2024): "
        "profit_share = the supplier's products' share of the margin in orders; annual_spend = "
        "the supplier's invoices (purchases), which are each month's cost of the supplier's "
        f"goods sold times U({1 - g.INVOICE_NOISE:g}, {1 + g.INVOICE_NOISE:g}) for stock "
        "changes; unit_cost = the mean unit cost of its products. Spend follows cost and profit "
        "follows margin, and margins run from 15% to 40% of the price, so the two rankings "
        "differ. The roles: "
        f"{_ROLES['monopoly_key']} Quba Mineral Water, a key standard item from a monopoly-like "
        "market (no alternative, low buyer power): the vote says partial competition, the "
        f"special case overrides it to selective cooperation; {_ROLES['uninterested_key']} "
        "Caspian Confectionery Group, a large producer of a key item that is not interested in "
        "our small volumes: the vote says partial competition, the override gives selective "
        f"cooperation and the ways out; {_ROLES['monopoly_routine']} Araz Household and "
        f"{_ROLES['uninterested_routine']} Khazar Stationery Group, the same two situations for "
        "non-critical items, flagged without an override; "
        f"{_ROLES['milk']} Shaki Dairy Farm Cooperative, the natural milk of case C2 (the "
        "own-brand item Natural milk, shelf life 5 days, strategic, one alternative, specific "
        "quality, high mutual dependence): partnership. The other dairy products are catalogue "
        "items (UHT milk, kefir, yoghurt, ...).",
        (Size("mean profit share of a strategic supplier", 0.057, "share", 0.02, "expected"),
         Size("mean profit share of a key supplier", 0.026, "share", 0.01, "expected"),
         Size("mean profit share of a non-critical supplier", 0.0068, "share", 0.0025,
              "expected"),
         Size("annual spend / cost of the suppliers' goods sold in 2024", 1.0, "ratio", 0.01,
              "parameter")),
        "Mean profit_share by product_criticality; the sum of annual_spend over the summed "
        "orders.cost of the products sold in 2024. classify_supplier on the five role "
        "suppliers (tests/test_generator_effects.py checks each verdict and override).",
        "Sales are random orders, so a supplier's share of the margin scatters around its "
        "weight: about three standard deviations over the 16 companies (0.006, 0.003, 0.0007). "
        "The spend ratio: the noise of the 570-odd invoices of 2024 (standard deviation 0.058 "
        "each) averages to about 0.003; 0.01 is three of those."),
)


#: What the generator does NOT build in, and what the data does instead.
NOT_BUILT_IN: tuple[tuple[str, str], ...] = (
    ("Multichannel customers are more profitable (seed 001's claim).",
     "Not built in per order: an order's margin does not depend on how many channels its "
     "customer uses (apart from the web and field-sales price factors). It emerges from "
     "purchase frequency: each order has a 25% chance of being placed in a random channel, so "
     "customers with more orders (the satisfied, long-lived, frequent buyers) are more often "
     "found in two or more channels and so bring more margin in total. Multichannel use is a "
     "consequence of buying more here, not a cause."),
    ("Response time affects resolution, satisfaction or buying.",
     "Not built in: slow answers change nothing else in the data."),
    ("Front-office contacts affect buying or answers.",
     "Not built in: only unresolved back-office contacts make customers leave or answer lower. "
     "The naive gap in repeat buying after resolved vs unresolved front-office contacts (about "
     "16 points on the course data) is confounding by satisfaction only."),
    ("One back-office touchpoint costs more customers per unresolved contact than another.",
     "Not built in: the leaving and survey effects are the same at the shop, delivery, "
     "after-sales, accounting and complaints. Accounting resolves fewer matters (its "
     "resolution term), so it has more unresolved contacts and loses more customers in total; "
     "accounting and complaints get the most contacts because every channel reaches them."),
    ("The channel (of acquisition, preference, order, contact or survey) affects satisfaction, "
     "resolution or repeat buying.", "Not built in directly: prices and offers differ by "
     "channel, nothing else does. Indirectly, a little: a contact goes to a touchpoint its "
     "channel reaches, and the store reaches only back-office touchpoints, which resolve fewer "
     "matters; a customer record prefers its acquisition channel and contacts through its "
     "preferred one more often than not, so customers acquired in the store meet more "
     "unresolved back-office contacts (on the course data 88% of their contacts are back "
     "office, against 73% for the web), which make some of them leave and lower their later "
     "survey answers."),
    ("Satisfaction changes over time, or a contact changes later resolution or purchase rates.",
     "Not built in: satisfaction is fixed per person; an unresolved back-office contact only "
     "makes the person leave (or not) and lowers later survey answers."),
    ("Customers buy from the categories they are interested in.",
     "Not built in: interests are drawn independently (each category 25%) and products are "
     "chosen independently of the customer."),
    ("Consent goes with value, satisfaction or activity.",
     "Not built in: consent is independent of everything."),
    ("Seasonality differs by category, channel or customer.",
     "Not built in: one seasonal pattern for every order."),
    ("City, age, offers or quoted prices affect buying.", "Not built in."),
    ("A supplier's risk, alternatives, power or quality affect sales.",
     "Not built in: a supplier's sales follow its margin weight, set by its kind; the profile "
     "columns describe the supply market for the classifier only."),
)
