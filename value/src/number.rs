//! Terraform numbers. TEMPORARY f64-backed stand-in with the final API; replaced by the 512-bit
//! binary float implementation.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// An arbitrary-precision number with Terraform's semantics (see module docs).
#[derive(Clone)]
pub struct Number(f64);

/// Why an arithmetic operation has no result. The `Display` text is Terraform's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("can't divide by zero")]
    DivideByZero,
    #[error("can't use modulo by zero")]
    ModuloByZero,
    #[error("result is not a number")]
    NotANumber,
}

impl Number {
    pub fn from_i64(i: i64) -> Number {
        Number(i as f64)
    }
    pub fn from_u64(u: u64) -> Number {
        Number(u as f64)
    }
    /// `None` for NaN. Infinities are allowed.
    pub fn from_f64(f: f64) -> Option<Number> {
        if f.is_nan() {
            None
        } else {
            Some(Number(f))
        }
    }
    pub fn infinity(negative: bool) -> Number {
        Number(if negative { f64::NEG_INFINITY } else { f64::INFINITY })
    }
    /// Parses a decimal literal as HCL and JSON write them: optional `-`, digits, optional
    /// fraction, optional exponent. Rounds to the nearest representable number.
    pub fn parse(s: &str) -> Option<Number> {
        s.trim().parse::<f64>().ok().filter(|f| f.is_finite()).map(Number)
    }
    pub fn to_f64(&self) -> f64 {
        self.0
    }
    /// The exact integer value, when this is an integer that fits in an `i64`.
    pub fn to_i64(&self) -> Option<i64> {
        if self.is_integer() && self.0.abs() < 9.2e18 {
            Some(self.0 as i64)
        } else {
            None
        }
    }
    pub fn is_integer(&self) -> bool {
        self.0.is_finite() && self.0.fract() == 0.0
    }
    pub fn is_infinite(&self) -> bool {
        self.0.is_infinite()
    }
    pub fn is_zero(&self) -> bool {
        self.0 == 0.0
    }
    pub fn is_negative(&self) -> bool {
        self.0 < 0.0
    }
    pub fn add(&self, o: &Number) -> Result<Number, NumberError> {
        Number::from_f64(self.0 + o.0).ok_or(NumberError::NotANumber)
    }
    pub fn sub(&self, o: &Number) -> Result<Number, NumberError> {
        Number::from_f64(self.0 - o.0).ok_or(NumberError::NotANumber)
    }
    pub fn mul(&self, o: &Number) -> Result<Number, NumberError> {
        Number::from_f64(self.0 * o.0).ok_or(NumberError::NotANumber)
    }
    pub fn div(&self, o: &Number) -> Result<Number, NumberError> {
        if o.is_zero() {
            return Err(NumberError::DivideByZero);
        }
        Number::from_f64(self.0 / o.0).ok_or(NumberError::NotANumber)
    }
    /// Terraform's `%`: truncated remainder (sign of the dividend).
    pub fn rem(&self, o: &Number) -> Result<Number, NumberError> {
        if o.is_zero() {
            return Err(NumberError::ModuloByZero);
        }
        Number::from_f64(self.0 % o.0).ok_or(NumberError::NotANumber)
    }
    pub fn neg(&self) -> Number {
        Number(-self.0)
    }
    pub fn abs(&self) -> Number {
        Number(self.0.abs())
    }
    pub fn floor(&self) -> Number {
        Number(self.0.floor())
    }
    pub fn ceil(&self) -> Number {
        Number(self.0.ceil())
    }
    /// Truncates towards zero.
    pub fn trunc(&self) -> Number {
        Number(self.0.trunc())
    }
}

impl PartialEq for Number {
    fn eq(&self, o: &Number) -> bool {
        self.0 == o.0
    }
}
impl Eq for Number {}
impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Number) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Number {
    fn cmp(&self, o: &Number) -> Ordering {
        self.0.total_cmp(&o.0)
    }
}
impl Hash for Number {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.0.to_bits().hash(h)
    }
}

/// Terraform's canonical text of a number: integers without a fraction or exponent, other numbers
/// as the shortest decimal that reads back to the same number, `-Inf`/`+Inf`... (as cty).
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_infinite() {
            return f.write_str(if self.0 < 0.0 { "-Inf" } else { "+Inf" });
        }
        if self.is_integer() && self.0.abs() < 1e21 {
            return write!(f, "{}", self.0 as i128);
        }
        write!(f, "{}", self.0)
    }
}
impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
