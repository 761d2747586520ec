#!/usr/bin/env python3
"""Generates examples/partners/partners.jsonl: 240 partners of realistic size and spread.

A fixed seed, no dependencies: `python3 examples/generate_partners.py` writes the same file
every time. The partners cover both paths (SMB and Enterprise, by revenue and by share of
enterprise customers), every subcategory's range (net adds below 0 to above the cap, growth
below 0 to above 20 %, no certification to more people than the caps, deployments 0 to more
than 5, with repeats, Virtual Machines, level-1 services and old dates), attained and not, so
that `tally diff OLD NEW --data examples/partners/` shows what a rule change does.
"""

import json
import os
import random

SEED = 20250301
PARTNERS = 240
AS_OF = "2025-03-01"
# 26 months: the trailing twelve, the same two months a year earlier, and more history.
MONTHS = [f"{y}-{m:02}" for y in (2023, 2024, 2025) for m in range(1, 13)][:26]
BASELINE = ["2024-01", "2024-02"]
RECENT = ["2025-01", "2025-02"]

PREREQUISITES = ["Azure Administrator Associate", "Azure Solutions Architect Expert"]
SCORING = [
    "Azure Database Administrator Associate",
    "Azure AI Engineer Associate",
    "Azure Data Scientist Associate",
    "Azure Data Engineer Associate",
    "Data Analyst Associate",
    "Azure Cosmos DB Developer Specialty",
    "Azure Network Engineer Associate",
    "Windows Server Hybrid Administrator Associate",
    "Azure Virtual Desktop Specialty",
    "Azure for SAP Workloads Specialty",
    "Azure Developer Associate",
    "Azure DevOps Engineer Expert",
    "Power Platform Developer Associate",
]
OTHER = ["Microsoft 365 Fundamentals", "Security Operations Analyst Associate"]
SERVICES = [
    "Azure SQL Database",
    "Azure Kubernetes Service",
    "Azure Cosmos DB",
    "Azure Monitor",
    "Azure Functions",
    "App Service",
    "Azure Synapse Analytics",
    "Virtual Machines",
]
NAMES = ["Nordic", "Harbour", "Cedar", "Atlas", "Lumen", "Quay", "Birch", "Vega", "Orion", "Fjord"]
KINDS = ["Cloud", "Data", "Systems", "Consulting", "Digital", "Analytics"]


def money(rng, level):
    """A monthly ACR around `level`, with cents."""
    return round(max(0.0, rng.gauss(level, level * 0.25)), 2)


def customer(rng, index, scale, growth, enterprise_share, strong):
    weights = [60, 30, 3, 4, 3] if strong else [60, 14, 10, 8, 8]
    story = rng.choices(["steady", "new", "lost", "idle", "ineligible"], weights)[0]
    level = scale * rng.lognormvariate(0, 0.8)
    acr = {}
    for i, month in enumerate(MONTHS):
        trend = (1 + growth) ** ((i - 13) / 12)
        value = money(rng, level * trend)
        if story == "new" and month < "2024-10":
            value = 0
        if story == "lost" and month >= "2024-12":
            value = round(rng.uniform(0, 300), 2)
        if story == "idle":
            value = 0
        if story == "steady" and rng.random() < 0.05:
            continue  # a month missing from the map is USD 0
        acr[month] = value
    segment = "enterprise" if rng.random() < enterprise_share else rng.choice(["smb", "smc"])
    attribution = "none" if story == "ineligible" else rng.choice(["PAL", "DPOR", "CSP", "CSP"])
    return {"id": f"C-{index:03}", "segment": segment, "attribution": attribution, "acr": acr}


def partner(rng, number):
    # About a third are strong partners, near or above the threshold of every designation.
    strong = rng.random() < 0.35
    enterprise = rng.random() < 0.3
    size = rng.randint(8, 40) if enterprise else rng.randint(2 if strong else 1, 25)
    scale = rng.choice([400, 900, 2500, 6000]) * (8 if enterprise and rng.random() < 0.5 else 1)
    growth = rng.uniform(0.05, 0.4) if strong else rng.uniform(-0.3, 0.45)
    share = rng.uniform(0.15, 0.6) if enterprise else rng.uniform(0, 0.15)
    customers = [customer(rng, i + 1, scale, growth, share, strong) for i in range(size)]

    people = rng.choices([0, 1, 2, 4, 6, 9, 12], [8, 12, 18, 22, 18, 14, 8])[0]
    if strong:
        people = max(people, rng.randint(5, 12))
    certifications = []
    for p in range(people):
        person = f"person-{p + 1:02}"
        held = set()
        if rng.random() < (0.7 if strong else 0.45):
            held.add(rng.choice(PREREQUISITES))
        for _ in range(rng.choice([1, 1, 2, 3])):
            held.add(rng.choice(SCORING + OTHER))
        for name in sorted(held):
            certifications.append({"person": person, "name": name})

    deployments = []
    count = rng.choices([0, 1, 3, 5, 8, 12], [10, 15, 25, 20, 20, 10])[0]
    for _ in range(max(count, rng.randint(4, 9)) if strong else count):
        month = rng.choice(MONTHS[14:] if strong else MONTHS[2:])
        deployments.append({
            "customer": rng.choice(customers)["id"],
            "service": rng.choice(SERVICES),
            "service_level": rng.choice([2, 2, 2, 3] if strong else [1, 2, 2, 2, 3]),
            "date": f"{month}-{rng.randint(1, 28):02}",
        })
    if deployments and rng.random() < 0.3:
        deployments.append(dict(deployments[0]))  # the same deployment reported twice

    name = f"{rng.choice(NAMES)} {rng.choice(KINDS)} {number}"
    return {
        "partner_id": f"GP-{number:04}",
        "name": name,
        "as_of": AS_OF,
        "customers": customers,
        "certifications": certifications,
        "deployments": deployments,
    }


def main():
    rng = random.Random(SEED)
    here = os.path.dirname(os.path.abspath(__file__))
    folder = os.path.join(here, "partners")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "partners.jsonl"), "w", encoding="utf-8") as out:
        for number in range(1, PARTNERS + 1):
            out.write(json.dumps(partner(rng, number), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
