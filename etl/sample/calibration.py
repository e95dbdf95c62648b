"""The figures the sample is calibrated to: the 252 survivors of *After Trafficking*
(guidebook Tables #2-#5), the joint structure that makes them plausible, and the outcome,
service and cost models' parameters."""

from __future__ import annotations

# --- Calibration: the 252 survivors of After Trafficking (guidebook 2017, Tables #2-#5) --------
RESPONDENTS = 252
SEX_COUNTS = {"female": 174, "male": 78}
CHILD_COUNT = 107  # under 18 when trafficked
ORIGIN_COUNTS = {"KH": 62, "CN": 8, "LA": 28, "MM": 79, "TH": 9, "VN": 66}
FORM_COUNTS = {
    "sexual_exploitation": 61,
    "labour": 123,
    "forced_marriage": 35,
    "sexual_and_labour": 20,
    "escaped_before_exploitation": 3,
    "begging_street_selling": 3,
    "unknown": 7,
}
SECTOR_COUNTS = {  # labour cases; some survivors named several sectors, normalised here
    "agriculture": 14,
    "construction": 13,
    "domestic_work": 25,
    "factory": 35,
    "fishing": 37,
    "service_sector": 8,
}
INTERNAL_COUNT, INTERNAL_CHILD_COUNT = 44, 37
DESTINATION_COUNTS = {  # 266 destinations named by the 252 survivors
    "TH": 102, "CN": 59, "MY": 41, "VN": 17, "KH": 16, "MM": 8, "HK": 2, "ID": 4,
    "IL": 2, "IT": 1, "JP": 2, "LA": 3, "SG": 4, "TW": 2, "GB": 1, "YE": 2,
}  # fmt: skip

# --- Plausibility (joint structure); marginals are raked back to the shares above ---------
FEMALE_PRIOR = {  # P(female) by form, and by sector for labour
    "sexual_exploitation": 0.97, "forced_marriage": 0.995, "sexual_and_labour": 0.85,
    "escaped_before_exploitation": 0.8, "begging_street_selling": 0.5, "unknown": 0.6,
    "agriculture": 0.45, "construction": 0.2, "domestic_work": 0.93, "factory": 0.6,
    "fishing": 0.03, "service_sector": 0.7,
}  # fmt: skip
CHILD_PRIOR = {
    "sexual_exploitation": 0.45, "forced_marriage": 0.45, "sexual_and_labour": 0.4,
    "escaped_before_exploitation": 0.5, "begging_street_selling": 0.85, "unknown": 0.4,
    "agriculture": 0.4, "construction": 0.3, "domestic_work": 0.55, "factory": 0.4,
    "fishing": 0.25, "service_sector": 0.45,
}  # fmt: skip
FORM_BY_ORIGIN = {  # affinity of origin country and form (forced marriage: VN, MM, LA)
    "sexual_exploitation": {"TH": 1.5, "LA": 1.4, "CN": 1.2, "MM": 0.8},
    "labour": {"KH": 1.3, "MM": 1.2, "VN": 0.7, "CN": 0.8},
    "forced_marriage": {"VN": 2.0, "MM": 1.6, "LA": 1.3, "KH": 0.6, "TH": 0.3},
}
DESTINATION_AFFINITY = {  # by form group; multiplies the study's destination counts
    "forced_marriage": {"CN": 12.0},
    "fishing": {"TH": 2.0, "MY": 1.5, "ID": 6.0, "TW": 1.5, "CN": 0.1, "HK": 0.2, "IL": 0.2,
                "IT": 0.2, "GB": 0.2, "LA": 0.1, "SG": 0.5, "JP": 0.5},
    "domestic_work": {"MY": 2.0, "SG": 3.0, "HK": 3.0, "TW": 2.0, "CN": 0.5},
    "sexual": {"TH": 1.5, "MY": 1.5, "JP": 1.5, "SG": 1.5, "CN": 0.5},
    "labour": {"TH": 1.3, "MY": 1.3, "IL": 2.0, "CN": 0.6},
}  # fmt: skip
CURRENCIES = {"KH": "KHR", "CN": "CNY", "LA": "LAK", "MM": "MMK", "TH": "THB", "VN": "VND"}
CURRENCY_ROUNDING = {"KHR": 100, "LAK": 1000, "VND": 1000, "MMK": 100, "CNY": 1, "THB": 1}
PRICE_LEVEL = {"CN": 1.5, "TH": 1.4, "VN": 1.0, "KH": 0.9, "LA": 0.8, "MM": 0.7}
GOVERNMENT_SHARE = {"TH": 0.75, "CN": 0.8, "VN": 0.55, "KH": 0.35, "LA": 0.25, "MM": 0.3}
USD_COST_SHARE = 0.15

# Outcome model: initial latent level per dimension (1-4 scale) and relative pace.
INITIAL_LEVEL = {
    "housing": 1.9, "physical_health": 1.9, "mental_health": 1.6, "legal_status": 2.2,
    "safety": 2.0, "economic": 1.4, "education": 1.7, "social_environment": 1.9,
    "legal_process": 2.0, "family_wellbeing": 1.8,
}  # fmt: skip
PACE = {"economic": 0.85, "education": 0.9, "legal_process": 0.75, "legal_status": 1.2,
        "physical_health": 1.1, "safety": 1.1}  # fmt: skip
# Service areas: how often chosen (before need), cost in USD (median), days provided.
SERVICE_POPULARITY = {"medical": 1.3, "psychological": 1.2, "economic": 1.5, "education": 0.8,
                      "housing": 0.8, "administrative": 0.7, "legal": 0.6, "safety": 0.5,
                      "family": 0.9}  # fmt: skip
SERVICE_COST_USD = {"housing": 600, "medical": 250, "psychological": 200, "education": 300,
                    "economic": 450, "administrative": 40, "legal": 350, "safety": 60,
                    "family": 150, "case_management": 500}  # fmt: skip
SERVICE_DAYS = {"housing": (30, 365), "medical": (1, 180), "psychological": (60, 365),
                "education": (180, 730), "economic": (90, 365), "administrative": (14, 180),
                "legal": (90, 1100), "safety": (1, 60), "family": (30, 365)}  # fmt: skip
CASE_MANAGEMENT = "case_management"
MAX_SERVICES = 7  # per case (2-7)
STATUS_SHARE = {"provided": 0.685, "referred": 0.195, "declined": 0.12}  # of non-CM services
PROVIDER_SHARE_NON_GOVERNMENT = {"ngo": 0.75, "international_organisation": 0.25}
