//! Terraform-style argument parsing: single-dash flags (`-var=k=v`, `-auto-approve`,
//! `-out=FILE` or `-out FILE`), a command, and positional arguments.

#[derive(Debug, Default, Clone)]
pub struct Args {
    pub flags: Vec<(String, Option<String>)>,
    pub positional: Vec<String>,
}

/// Flags that take a value when written as `-flag value` (without `=`).
const VALUE_FLAGS: &[&str] = &[
    "var", "var-file", "out", "target", "replace", "parallelism", "lock-timeout", "state", "chdir", "backend-config", "state-out", "serial",
];

impl Args {
    pub fn parse(raw: &[String]) -> Args {
        let mut out = Args::default();
        let mut i = 0;
        while i < raw.len() {
            let a = &raw[i];
            if let Some(flag) = a.strip_prefix('-').filter(|_| a.len() > 1) {
                let flag = flag.strip_prefix('-').unwrap_or(flag);
                match flag.split_once('=') {
                    Some((k, v)) => out.flags.push((k.to_string(), Some(v.to_string()))),
                    None => {
                        if VALUE_FLAGS.contains(&flag) && i + 1 < raw.len() {
                            out.flags.push((flag.to_string(), Some(raw[i + 1].clone())));
                            i += 1;
                        } else {
                            out.flags.push((flag.to_string(), None));
                        }
                    }
                }
            } else {
                out.positional.push(a.clone());
            }
            i += 1;
        }
        out
    }

    pub fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(k, v)| k == name && v.as_deref().map(|v| v != "false").unwrap_or(true))
    }

    pub fn bool_or(&self, name: &str, default: bool) -> bool {
        match self.flags.iter().rev().find(|(k, _)| k == name) {
            None => default,
            Some((_, None)) => true,
            Some((_, Some(v))) => v != "false" && v != "0",
        }
    }

    pub fn value(&self, name: &str) -> Option<String> {
        self.flags.iter().rev().find(|(k, _)| k == name).and_then(|(_, v)| v.clone())
    }

    pub fn values(&self, name: &str) -> Vec<String> {
        self.flags.iter().filter(|(k, _)| k == name).filter_map(|(_, v)| v.clone()).collect()
    }

    /// Flags not in `known`, for "flag provided but not defined" errors.
    pub fn unknown(&self, known: &[&str]) -> Option<String> {
        self.flags.iter().map(|(k, _)| k).find(|k| !known.contains(&k.as_str())).cloned()
    }
}
