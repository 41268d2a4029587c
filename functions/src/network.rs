//! Terraform's IP network functions (`cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`),
//! following hashicorp/go-cidr's arithmetic and messages. Addresses are held as `u128` with a
//! width of 32 (IPv4) or 128 (IPv6) bits.

use std::sync::LazyLock;

use infra_value::{Type, Value};

use crate::registry::{arg_error, call_error, Function, Param};
use crate::string::{text, whole_number};
use crate::{FuncContext, FuncError};

static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
    let ret_string: fn(&[Value]) -> Result<Type, FuncError> = |_| Ok(Type::String);
    let prefix = || Param::new("prefix", Type::String);
    vec![
        Function::new("cidrhost", vec![prefix(), Param::new("hostnum", Type::Number)], ret_string, cidrhost),
        Function::new("cidrnetmask", vec![prefix()], ret_string, cidrnetmask),
        Function::new(
            "cidrsubnet",
            vec![prefix(), Param::new("newbits", Type::Number), Param::new("netnum", Type::Number)],
            ret_string,
            cidrsubnet,
        ),
        Function::new("cidrsubnets", vec![prefix()], |_| Ok(Type::list(Type::String)), cidrsubnets)
            .variadic(Param::new("newbits", Type::Number)),
    ]
});

/// This family's functions (see `registry` for how a family registers them).
pub fn functions() -> &'static [Function] {
    &FUNCTIONS
}

/// An IP network: its first address and prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Network {
    addr: u128,
    prefix: u32,
    /// 32 for IPv4, 128 for IPv6.
    bits: u32,
}

fn mask(prefix: u32, bits: u32) -> u128 {
    let all = if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 };
    if prefix == 0 {
        return 0;
    }
    let host_bits = bits - prefix;
    let host = if host_bits == 128 { u128::MAX } else { (1u128 << host_bits) - 1 };
    all & !host
}

fn format_addr(addr: u128, bits: u32) -> String {
    let mut out = String::with_capacity(if bits == 32 { 15 } else { 39 });
    push_addr(&mut out, addr, bits);
    out
}

/// Appends the text of `addr` (dotted quad for IPv4, RFC 5952 for IPv6) to `out`. IPv4 is
/// written by hand: `format!` with four integers costs several times as much, and `cidrsubnet`
/// and `cidrhost` are called once per resource in large configurations.
fn push_addr(out: &mut String, addr: u128, bits: u32) {
    if bits == 32 {
        let a = addr as u32;
        for (i, shift) in [24u32, 16, 8, 0].into_iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            push_below_1000(out, (a >> shift) & 0xff);
        }
    } else {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(out, "{}", std::net::Ipv6Addr::from(addr));
    }
}

impl Network {
    fn with_prefix(addr: u128, prefix: u32, bits: u32) -> Network {
        Network { addr: addr & mask(prefix, bits), prefix, bits }
    }
    fn last(&self) -> u128 {
        self.addr | (!mask(self.prefix, self.bits) & max_addr(self.bits))
    }
    fn contains(&self, addr: u128) -> bool {
        addr & mask(self.prefix, self.bits) == self.addr
    }
}

/// Appends the decimal digits of `n` (an octet or a prefix length: below 1 000).
fn push_below_1000(out: &mut String, n: u32) {
    if n >= 100 {
        out.push(char::from(b'0' + (n / 100 % 10) as u8));
    }
    if n >= 10 {
        out.push(char::from(b'0' + (n / 10 % 10) as u8));
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

impl Network {
    /// `addr/prefix`, as [`Display`](std::fmt::Display) writes it, built directly.
    fn text(&self) -> String {
        let mut out = String::with_capacity(if self.bits == 32 { 18 } else { 43 });
        push_addr(&mut out, self.addr, self.bits);
        out.push('/');
        push_below_1000(&mut out, self.prefix);
        out
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

fn max_addr(bits: u32) -> u128 {
    if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// Go 1.16's `net.ParseIPv4` as Terraform's `ipaddr` keeps it: decimal parts with leading zeros
/// allowed.
fn parse_ipv4(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut addr = 0u32;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        addr = (addr << 8) | n;
    }
    Some(addr)
}

/// `ipaddr.ParseCIDR`: the network (host bits cleared) of `a.b.c.d/n` or `x::y/n`.
fn parse_cidr(s: &str) -> Result<Network, String> {
    let invalid = || format!("invalid CIDR address: {s}");
    let (ip, len) = s.split_once('/').ok_or_else(invalid)?;
    if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let prefix: u32 = len.parse().map_err(|_| invalid())?;
    let (addr, bits) = match parse_ipv4(ip) {
        Some(a) => (a as u128, 32),
        None => {
            let v6: std::net::Ipv6Addr = ip.parse().map_err(|_| invalid())?;
            (u128::from(v6), 128)
        }
    };
    if prefix > bits {
        return Err(invalid());
    }
    Ok(Network::with_prefix(addr, prefix, bits))
}

fn network_arg(v: &Value) -> Result<Network, FuncError> {
    parse_cidr(text(v)).map_err(|e| call_error(format!("invalid CIDR expression: {e}")))
}

fn cidrhost(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let host_num = whole_number(&args[1]).map_err(call_error)? as i128;
    let network = network_arg(&args[0])?;
    let host_bits = network.bits - network.prefix;
    let max_host: i128 = if host_bits >= 127 { i128::MAX } else { (1i128 << host_bits) - 1 };
    // Negative numbers count back from the last address: -1 is the last.
    let offset = if host_num < 0 {
        let back = -host_num - 1;
        if back > max_host {
            return Err(call_error(format!(
                "prefix of {} does not accommodate a host numbered {}",
                network.prefix,
                max_host - back
            )));
        }
        max_host - back
    } else {
        if host_num > max_host {
            return Err(call_error(format!(
                "prefix of {} does not accommodate a host numbered {host_num}",
                network.prefix
            )));
        }
        host_num
    };
    Ok(Value::string(format_addr(network.addr | offset as u128, network.bits)))
}

fn cidrnetmask(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let network = network_arg(&args[0])?;
    if network.bits != 32 {
        return Err(call_error(format!("IPv6 addresses cannot have a netmask: {}", text(&args[0]))));
    }
    Ok(Value::string(format_addr(mask(network.prefix, 32), 32)))
}

fn cidrsubnet(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let new_bits = whole_number(&args[1]).map_err(call_error)?;
    let net_num = whole_number(&args[2]).map_err(call_error)?;
    let network = network_arg(&args[0])?;
    let new_prefix = network.prefix as i64 + new_bits;
    if new_bits < 0 || new_prefix > network.bits as i64 {
        return Err(call_error(format!(
            "insufficient address space to extend prefix of {} by {new_bits}",
            network.prefix
        )));
    }
    let max_net: i128 = if new_bits >= 127 { i128::MAX } else { (1i128 << new_bits) - 1 };
    if net_num < 0 || net_num as i128 > max_net {
        return Err(call_error(format!(
            "prefix extension of {new_bits} does not accommodate a subnet numbered {net_num}"
        )));
    }
    let new_prefix = new_prefix as u32;
    let shift = network.bits - new_prefix;
    let offset = if shift >= 128 { 0 } else { (net_num as u128) << shift };
    Ok(Value::string(Network::with_prefix(network.addr | offset, new_prefix, network.bits).text()))
}

fn cidrsubnets(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let network = parse_cidr(text(&args[0])).map_err(|e| arg_error(0, format!("invalid CIDR expression: {e}")))?;
    let lengths = &args[1..];
    if lengths.is_empty() {
        return Ok(Value::empty_list(Type::String));
    }
    let first = whole_number(&lengths[0]).map_err(|e| arg_error(1, e))?;
    let first_prefix = (network.prefix as i64 + first).clamp(0, network.bits as i64) as u32;
    // go-cidr's PreviousSubnet: the subnet just before the network's first address.
    let mut current = Network::with_prefix(network.addr.wrapping_sub(1) & max_addr(network.bits), first_prefix, network.bits);
    let mut results = Vec::with_capacity(lengths.len());
    for (i, arg) in lengths.iter().enumerate() {
        let length = whole_number(arg).map_err(|e| arg_error(i + 1, e))?;
        if length < 1 {
            return Err(arg_error(i + 1, "must extend prefix by at least one bit"));
        }
        if length > 32 {
            return Err(arg_error(i + 1, "may not extend prefix by more than 32 bits"));
        }
        let prefix = length + network.prefix as i64;
        if prefix > network.bits as i64 {
            let protocol = if network.bits == 32 { "IPv4" } else { "IPv6" };
            return Err(arg_error(
                i + 1,
                format!("would extend prefix to {prefix} bits, which is too long for an {protocol} address"),
            ));
        }
        let prefix = prefix as u32;
        // go-cidr's NextSubnet: the subnet of the new size after the current one's last address.
        let current_last = Network::with_prefix(current.last(), prefix, network.bits).last();
        let next_addr = current_last.wrapping_add(1) & max_addr(network.bits);
        let next = Network::with_prefix(next_addr, prefix, network.bits);
        if next_addr == 0 || !network.contains(next.addr) {
            return Err(arg_error(
                i + 1,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {prefix} bits after {current}"
                ),
            ));
        }
        current = next;
        results.push(Value::string(current.to_string()));
    }
    Ok(Value::list(Type::String, results))
}
