//! Addresses of module instances and resource instances, as Terraform writes them:
//! `module.net[0].aws_subnet.private["a"]`.

use std::fmt;

use infra_state::InstanceKey;

use crate::config::{Mode, ResourceKey};

/// A module instance: the path of (call name, instance key) from the root.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct ModuleInstance(pub Vec<(String, Option<InstanceKey>)>);

impl ModuleInstance {
    pub fn root() -> ModuleInstance {
        ModuleInstance(Vec::new())
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
    pub fn child(&self, name: &str, key: Option<InstanceKey>) -> ModuleInstance {
        let mut v = self.0.clone();
        v.push((name.to_string(), key));
        ModuleInstance(v)
    }
    pub fn parent(&self) -> ModuleInstance {
        let mut v = self.0.clone();
        v.pop();
        ModuleInstance(v)
    }
    /// The module path without instance keys (for finding the configuration).
    pub fn config_path(&self) -> Vec<String> {
        self.0.iter().map(|(n, _)| n.clone()).collect()
    }
    /// The form used in state files' `module` field, or `None` for the root.
    pub fn state_string(&self) -> Option<String> {
        if self.is_root() {
            None
        } else {
            Some(self.to_string())
        }
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, key)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}")?;
            if let Some(k) = key {
                write!(f, "{k}")?;
            }
        }
        Ok(())
    }
}

/// A resource (all its instances) in a module instance.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct AbsResource {
    pub module: ModuleInstance,
    pub resource: ResourceKey,
}

impl AbsResource {
    pub fn instance(&self, key: Option<InstanceKey>) -> ResourceInstance {
        ResourceInstance { resource: self.clone(), key }
    }
}

impl fmt::Display for AbsResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            fmt::Display::fmt(&self.module, f)?;
            f.write_str(".")?;
        }
        fmt::Display::fmt(&self.resource, f)
    }
}

/// One instance of a resource.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ResourceInstance {
    pub resource: AbsResource,
    pub key: Option<InstanceKey>,
}

impl fmt::Display for ResourceInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.resource, f)?;
        match &self.key {
            // `[N]`, as `InstanceKey`'s `Display` writes it, without a formatting pass per
            // `count` instance.
            Some(InstanceKey::Int(i)) => {
                let mut buf = [0u8; 21];
                f.write_str("[")?;
                f.write_str(infra_value::number::integer_text(*i, &mut buf))?;
                f.write_str("]")
            }
            Some(k) => fmt::Display::fmt(k, f),
            None => Ok(()),
        }
    }
}

/// Parses an address typed by a user (`-target`, `-replace`, `state show`, `moved` strings):
/// `module.a[0].aws_instance.web["x"]`, `data.t.n`, `module.a` (returns module part only).
pub fn parse_address(s: &str) -> Result<(ModuleInstance, Option<ResourceKey>, Option<InstanceKey>), String> {
    let mut p = Parser { s: s.as_bytes(), i: 0 };
    let mut module = ModuleInstance::root();
    loop {
        if p.peek_word() == Some("module") {
            p.word();
            p.expect(b'.')?;
            let name = p.word().ok_or("expected a module name after \"module.\"")?;
            let key = p.key()?;
            module.0.push((name, key));
            if p.done() {
                return Ok((module, None, None));
            }
            p.expect(b'.')?;
            continue;
        }
        break;
    }
    let mut mode = Mode::Managed;
    if p.peek_word() == Some("data") {
        p.word();
        p.expect(b'.')?;
        mode = Mode::Data;
    }
    let ty = p.word().ok_or("expected a resource type")?;
    p.expect(b'.')?;
    let name = p.word().ok_or("expected a resource name")?;
    let key = p.key()?;
    if !p.done() {
        return Err(format!("unexpected characters after the resource address: {:?}", String::from_utf8_lossy(&p.s[p.i..])));
    }
    Ok((module, Some(ResourceKey { mode, ty, name }), key))
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
    fn peek_word(&self) -> Option<&str> {
        let start = self.i;
        let mut j = start;
        while j < self.s.len() && (self.s[j].is_ascii_alphanumeric() || self.s[j] == b'_' || self.s[j] == b'-') {
            j += 1;
        }
        if j == start {
            return None;
        }
        std::str::from_utf8(&self.s[start..j]).ok()
    }
    fn word(&mut self) -> Option<String> {
        let w = self.peek_word()?.to_string();
        self.i += w.len();
        Some(w)
    }
    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected {:?}", c as char))
        }
    }
    fn key(&mut self) -> Result<Option<InstanceKey>, String> {
        if self.s.get(self.i) != Some(&b'[') {
            return Ok(None);
        }
        self.i += 1;
        let key = if self.s.get(self.i) == Some(&b'"') {
            self.i += 1;
            let mut out = String::new();
            loop {
                match self.s.get(self.i) {
                    None => return Err("unterminated string in instance key".into()),
                    Some(b'"') => {
                        self.i += 1;
                        break;
                    }
                    Some(b'\\') => {
                        let c = *self.s.get(self.i + 1).ok_or("bad escape")?;
                        out.push(match c {
                            b'n' => '\n',
                            b't' => '\t',
                            other => other as char,
                        });
                        self.i += 2;
                    }
                    Some(_) => {
                        // Copy one UTF-8 character.
                        let rest = std::str::from_utf8(&self.s[self.i..]).map_err(|_| "invalid UTF-8")?;
                        let ch = rest.chars().next().ok_or("bad key")?;
                        out.push(ch);
                        self.i += ch.len_utf8();
                    }
                }
            }
            InstanceKey::Str(out)
        } else {
            let start = self.i;
            while self.i < self.s.len() && (self.s[self.i].is_ascii_digit() || self.s[self.i] == b'-') {
                self.i += 1;
            }
            let n: i64 = std::str::from_utf8(&self.s[start..self.i])
                .ok()
                .and_then(|t| t.parse().ok())
                .ok_or("instance key must be a number or a quoted string")?;
            InstanceKey::Int(n)
        };
        self.expect(b']')?;
        Ok(Some(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written `[N]` is the key's own text, for every sign and width.
    #[test]
    fn instance_display_writes_int_keys_as_the_key_does() {
        let res = AbsResource { module: ModuleInstance::root(), resource: ResourceKey { mode: Mode::Data, ty: "t".into(), name: "n".into() } };
        for i in [0, 7, 10, 999, -1, -12345, i64::MAX, i64::MIN] {
            assert_eq!(res.instance(Some(InstanceKey::Int(i))).to_string(), format!("data.t.n{}", InstanceKey::Int(i)));
        }
        assert_eq!(res.instance(Some(InstanceKey::Str("a\"b".into()))).to_string(), format!("data.t.n{}", InstanceKey::Str("a\"b".into())));
        assert_eq!(res.instance(None).to_string(), "data.t.n");
    }
}
