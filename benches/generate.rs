//! Realistic partners for the benchmarks, generated (never committed): customers with 26 months
//! of ACR, 12 certifications and 8 deployments, about 13 KB of JSON at 25 customers.

/// A small deterministic generator (xorshift), so every run measures the same data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const CERTIFICATIONS: [&str; 12] = [
    "Azure Administrator Associate",
    "Azure Solutions Architect Expert",
    "Azure Database Administrator Associate",
    "Azure AI Engineer Associate",
    "Azure Network Engineer Associate",
    "Azure Developer Associate",
    "Azure DevOps Engineer Expert",
    "Data Analyst Associate",
    "Azure Virtual Desktop Specialty",
    "Power Platform Developer Associate",
    "Azure Data Engineer Associate",
    "Windows Server Hybrid Administrator Associate",
];

const SERVICES: [&str; 8] = [
    "Azure SQL Database",
    "Azure Kubernetes Service",
    "Azure Cosmos DB",
    "Virtual Machines",
    "Azure Monitor",
    "Azure Functions",
    "App Service",
    "Azure Synapse Analytics",
];

/// One partner as a line of JSON.
pub fn partner(rng: &mut Rng, index: usize, customers: usize) -> String {
    let mut out = format!(
        r#"{{"partner_id":"P-{index:06}","name":"Partner {index}","as_of":"2025-03-01","customers":["#
    );
    for c in 0..customers {
        if c > 0 {
            out.push(',');
        }
        let segment = rng.pick(&["smb", "smc", "smb", "enterprise"]);
        let attribution = rng.pick(&["PAL", "DPOR", "CSP", "CSP", "none"]);
        out.push_str(&format!(
            r#"{{"id":"C-{c:03}","segment":"{segment}","attribution":"{attribution}","acr":{{"#
        ));
        let mut first = true;
        for year in 2023..=2025 {
            for month in 1..=12 {
                if year == 2025 && month > 2 {
                    break;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                let cents = if rng.below(5) == 0 {
                    0
                } else {
                    rng.below(500_000)
                };
                out.push_str(&format!(
                    r#""{year}-{month:02}":{}.{:02}"#,
                    cents / 100,
                    cents % 100
                ));
            }
        }
        out.push_str("}}");
    }
    out.push_str(r#"],"certifications":["#);
    for i in 0..12 {
        if i > 0 {
            out.push(',');
        }
        let person = rng.below(8);
        let name = rng.pick(&CERTIFICATIONS);
        out.push_str(&format!(
            r#"{{"person":"person-{person}","name":"{name}"}}"#
        ));
    }
    out.push_str(r#"],"deployments":["#);
    for i in 0..8 {
        if i > 0 {
            out.push(',');
        }
        let customer = rng.below(customers as u64);
        let service = rng.pick(&SERVICES);
        let level = rng.pick(&["1", "2", "2", "3"]);
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        out.push_str(&format!(
            r#"{{"customer":"C-{customer:03}","service":"{service}","service_level":{level},"date":"2024-{month:02}-{day:02}"}}"#
        ));
    }
    out.push_str("]}");
    out
}

pub fn partners(count: usize, customers: usize) -> Vec<String> {
    let mut rng = Rng::new(0x5eed + customers as u64);
    (0..count)
        .map(|i| partner(&mut rng, i, customers))
        .collect()
}
