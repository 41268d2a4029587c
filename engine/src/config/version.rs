//! Version constraints (`required_version = ">= 1.5, < 2.0"`, `~> 1.11`), checked against the
//! Terraform version infra is compatible with.

/// The Terraform language version infra implements.
pub const COMPATIBLE_TERRAFORM: &str = "1.11.4";

fn parse(v: &str) -> Option<Vec<u64>> {
    let v = v.trim().trim_start_matches('v');
    let core = v.split(['-', '+']).next()?;
    core.split('.').map(|p| p.parse().ok()).collect()
}

fn cmp(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        if x != y {
            return x.cmp(&y);
        }
    }
    std::cmp::Ordering::Equal
}

/// Whether `version` satisfies every comma-separated constraint. Unparseable constraints are
/// treated as satisfied (the parser reports them elsewhere).
pub fn satisfies(version: &str, constraints: &str) -> bool {
    let Some(have) = parse(version) else { return true };
    for c in constraints.split(',') {
        let c = c.trim();
        if c.is_empty() {
            continue;
        }
        let (op, rest) = ["~>", ">=", "<=", "!=", ">", "<", "="]
            .iter()
            .find_map(|op| c.strip_prefix(op).map(|r| (*op, r)))
            .unwrap_or(("=", c));
        let Some(want) = parse(rest) else { continue };
        let o = cmp(&have, &want);
        let ok = match op {
            ">=" => o.is_ge(),
            "<=" => o.is_le(),
            ">" => o.is_gt(),
            "<" => o.is_lt(),
            "!=" => o.is_ne(),
            "=" => o.is_eq(),
            _ => {
                // ~> 1.2.3 means >= 1.2.3, < 1.3; ~> 1.2 means >= 1.2, < 2.
                let mut upper = want.clone();
                if upper.len() > 1 {
                    upper.pop();
                }
                if let Some(last) = upper.last_mut() {
                    *last += 1;
                }
                o.is_ge() && cmp(&have, &upper).is_lt()
            }
        };
        if !ok {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::satisfies;

    #[test]
    fn constraints() {
        assert!(satisfies("1.11.4", ">= 1.5"));
        assert!(!satisfies("1.11.4", ">= 2.0.0"));
        assert!(satisfies("1.11.4", "~> 1.11"));
        assert!(satisfies("1.11.4", "~> 1.11.0"));
        assert!(!satisfies("1.11.4", "~> 1.10.0"));
        assert!(satisfies("1.11.4", ">= 1.0, < 2.0"));
        assert!(!satisfies("1.11.4", "!= 1.11.4"));
        assert!(satisfies("1.11.4", "1.11.4"));
    }
}
