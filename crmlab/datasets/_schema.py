"""The data dictionary of every course dataset: one declaration, used by the loader, by
``describe`` and by the generated ``datasets/README.md``."""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS_SALES = ("web", "store", "phone", "field_sales")
CHANNELS_CONTACT = ("web", "store", "phone", "email", "field_sales")
TOUCHPOINTS = ("website", "shop", "call_centre", "sales_rep", "email", "delivery",
               "after_sales", "accounting", "complaints")
LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "str", "int", "float", "bool", "date", "category"
    description: str
    allowed: tuple | None = None
    min: float | None = None
    max: float | None = None
    unit: str = ""
    nullable: bool = False

    def rule(self) -> str:
        if self.allowed:
            return ", ".join(self.allowed)
        if self.min is not None and self.max is not None:
            return f"{self.min:g} to {self.max:g}"
        if self.min is not None:
            return f">= {self.min:g}"
        return ""


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    provenance: str
    columns: tuple[Column, ...]


COMPANY = ("Synthetic: the fictional distributor Caspian Trade Distribution, made by "
           "crmlab.datasets.generate(seed=2024) (`crmlab datasets generate --seed 2024`). Its "
           "figures are invented for teaching; they are not the source texts'.")
CDNOW = ("Real: the CDNOW data set of Fader & Hardie (CD purchases of customers whose first "
         "purchase was in the first quarter of 1997, followed to the end of June 1998), as "
         "redistributed in the lifetimes package (MIT licence); originally published by Bruce "
         "Hardie with Fader, Hardie & Lee (2005), 'Counting Your Customers the Easy Way'.")

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("customers", "One row per customer record (a person may have several records, "
          "created in different channels).", COMPANY, (
        Column("customer_id", "str", "Record id, C + 5 digits"),
        Column("first_name", "str", "First name as typed in the channel"),
        Column("last_name", "str", "Last name as typed in the channel (a woman's in the feminine "
               "form, -ova or -eva; her e-mail address was made from the masculine form)"),
        Column("email", "str", "E-mail as typed (may differ in case or spaces; may be empty)",
               nullable=True),
        Column("phone", "str", "Phone as typed, in one of several formats"),
        Column("city", "str", "City"),
        Column("address", "str", "Street address"),
        Column("acquisition_channel", "category", "Channel in which the record was created",
               CHANNELS_SALES),
        Column("preferred_channel", "category", "Channel the customer prefers to be contacted in",
               CHANNELS_CONTACT),
        Column("signup_date", "date", "Date the record was created"),
        Column("birth_year", "int", "Year of birth", min=1930, max=2008),
        Column("interests", "str", "Product categories of interest, separated by ';'",
               nullable=True),
        Column("consent_email", "bool", "Agreed to e-mail campaigns"),
        Column("consent_profiling", "bool", "Agreed to the use of their data for profiling"),
        Column("consent_winback", "bool", "Agreed to be contacted with win-back offers"),
        Column("welcome_csat", "int", "Satisfaction, 1 (very dissatisfied) to 5 (very "
               "satisfied), given in the welcome call on the day the record was created, before "
               "any contact (empty: not reached)", min=1, max=5, nullable=True),
    )),
    Table("customer_links", "Ground truth: which customer records belong to the same person "
          "(the answer key of the single-customer-view lesson).", COMPANY, (
        Column("customer_id", "str", "Record id (customers.customer_id)"),
        Column("person_id", "str", "Person id, H + 5 digits"),
    )),
    Table("products", "Products the company sells.", COMPANY, (
        Column("product_id", "str", "Product id, P + 4 digits"),
        Column("name", "str", "Product name"),
        Column("category", "category", "Product category", (
            "Dairy", "Beverages", "Confectionery", "Meat products", "Household",
            "Cleaning supplies", "Stationery", "Electronics")),
        Column("unit_price", "float", "List price", min=0, unit="AZN"),
        Column("unit_cost", "float", "Purchase cost", min=0, unit="AZN"),
        Column("supplier_id", "str", "Supplier (suppliers.supplier_id)"),
        Column("shelf_life_days", "int", "Shelf life in days (empty: not perishable)", min=1,
               unit="days", nullable=True),
        Column("own_brand", "bool", "Sold under the company's own brand"),
    )),
    Table("orders", "One row per order (one product line per order).", COMPANY, (
        Column("order_id", "str", "Order id, O + 6 digits"),
        Column("customer_id", "str", "Customer record (customers.customer_id)"),
        Column("order_date", "date", "Order date"),
        Column("channel", "category", "Sales channel", CHANNELS_SALES),
        Column("product_id", "str", "Product (products.product_id)"),
        Column("quantity", "int", "Units ordered", min=1),
        Column("unit_price", "float", "Price charged per unit in that channel", min=0, unit="AZN"),
        Column("revenue", "float", "quantity x unit_price", min=0, unit="AZN"),
        Column("cost", "float", "quantity x product unit_cost", min=0, unit="AZN"),
        Column("margin", "float", "revenue - cost", unit="AZN"),
    )),
    Table("suppliers", "Suppliers with the attributes the supplier-relationship lesson uses.",
          COMPANY, (
        Column("supplier_id", "str", "Supplier id, S + 3 digits"),
        Column("name", "str", "Supplier name"),
        Column("category", "str", "What they supply"),
        Column("product_criticality", "category", "How critical the purchased product is",
               ("non-critical", "key", "strategic")),
        Column("supply_risk", "category", "Risk of supply disruption", LEVELS),
        Column("n_alternatives", "int", "Number of alternative suppliers on the market", min=0),
        Column("annual_spend", "float", "Annual purchase value: the sum of the supplier's "
               "invoices (purchases.amount) dated in the last 12 months of the data (2024 in the "
               "course data)", min=0, unit="AZN"),
        Column("profit_share", "float", "Share of the total gross margin of the last 12 months "
               "(2024 in the course data) earned on this supplier's products (orders.margin)",
               min=0, max=1),
        Column("unit_cost", "float", "Mean purchase cost of one unit of the supplier's products "
               "(products.unit_cost)", min=0, unit="AZN"),
        Column("quality_standardised", "bool", "Quality is standardised (a catalogue item)"),
        Column("buyer_power", "category", "Our bargaining power over the supplier", LEVELS),
        Column("switching_ease", "category", "How easily we can switch supplier",
               ("easy", "moderate", "hard")),
        Column("mutual_dependence", "category", "How much we and the supplier depend on each "
               "other", LEVELS),
        Column("value_creation_share", "float", "Share of the value of our end product created "
               "by this supplier", min=0, max=1),
        Column("interested_in_our_volume", "bool", "The supplier cares about our order volumes"),
        Column("monopoly_market", "bool", "The supply market is monopoly-like"),
    )),
    Table("purchases", "Purchase invoices from suppliers.", COMPANY, (
        Column("purchase_id", "str", "Purchase id, U + 6 digits"),
        Column("supplier_id", "str", "Supplier (suppliers.supplier_id)"),
        Column("purchase_date", "date", "Invoice date"),
        Column("amount", "float", "Invoice amount: the purchase cost of the supplier's goods sold "
               "in that month, give or take stock changes", min=0, unit="AZN"),
    )),
    Table("interactions", "Customer contacts by channel and touchpoint, front and back office.",
          COMPANY, (
        Column("interaction_id", "str", "Interaction id, I + 6 digits"),
        Column("customer_id", "str", "Customer record (customers.customer_id)"),
        Column("interaction_date", "date", "Date of the contact"),
        Column("channel", "category", "Channel of the contact", CHANNELS_CONTACT),
        Column("touchpoint", "category", "Where in the company the contact happened",
               TOUCHPOINTS),
        Column("office", "category", "Front office (sales, service) or back office (delivery, "
               "after-sales, accounting, complaints)", ("front", "back")),
        Column("response_hours", "float", "Hours until the customer got an answer", min=0,
               unit="h"),
        Column("offer", "str", "Offer code presented to the customer (empty: none)",
               nullable=True),
        Column("price_index", "float", "Price quoted / list price", min=0.5, max=1.5),
        Column("resolved", "bool", "The customer's matter was resolved at this contact"),
    )),
    Table("survey", "Satisfaction survey responses.", COMPANY, (
        Column("response_id", "str", "Response id, R + 5 digits"),
        Column("customer_id", "str", "Customer record (customers.customer_id)"),
        Column("survey_date", "date", "Date answered"),
        Column("channel", "category", "Channel the survey was answered in", CHANNELS_CONTACT),
        Column("csat", "int", "Satisfaction, 1 (very dissatisfied) to 5 (very satisfied)",
               min=1, max=5),
        Column("nps", "int", "Likelihood to recommend, 0 to 10", min=0, max=10),
    )),
    Table("cdnow_sample", "CDNOW 1/10 sample: 2,357 customers, 6,919 transactions.", CDNOW, (
        Column("customer_id", "int", "Customer id within the sample (1 to 2357)", min=1),
        Column("date", "date", "Purchase date"),
        Column("quantity", "int", "Number of CDs bought", min=0),
        Column("amount", "float", "Dollar value of the purchase", min=0, unit="USD"),
    )),
    Table("cdnow_master", "CDNOW master file: 23,570 customers.", CDNOW, (
        Column("customer_id", "int", "Customer id (1 to 23570)", min=1),
        Column("date", "date", "Purchase date"),
        Column("quantity", "int", "Number of CDs bought", min=0),
        Column("amount", "float", "Dollar value of the purchase", min=0, unit="USD"),
    )),
)}
