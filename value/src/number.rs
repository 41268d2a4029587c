//! Terraform numbers: binary floating-point numbers with a per-value precision, as Go's
//! `math/big.Float` holds them inside cty.
//!
//! # The model
//!
//! A finite number is `±mantissa × 2^exponent` together with a *precision*: the number of
//! mantissa bits results are rounded to (round half to even). The precision is part of the value
//! because Terraform's results depend on it:
//!
//! - literals, `tonumber` and JSON numbers are parsed at 512 bits ([`Number::parse`]);
//! - integers that functions return (`length`, `count.index`, …) carry 64 bits ([`Number::from_i64`]);
//! - results of float functions (`pow`, `log`) carry 53 bits ([`Number::from_f64`]);
//! - `+`, `-`, `/` and `%` round to the larger precision of their operands, so
//!   `length(a) / length(b)` has 64 bits while `length(a) / 7` has 512;
//! - `*` rounds to 512 bits and keeps the larger operand precision (or more if the exact product
//!   needs it), as cty's `Multiply` does.
//!
//! Text ([`fmt::Display`]) is Go's `Text('f', -1)`: the shortest decimal that reads back to the
//! same number *at its precision*, in plain notation. So `1/3` prints 157 digits, `pow(2, 64)`
//! prints `18446744073709550000` and `length([1,2,3]) / length([1,2,3,4,5,6,7])` prints
//! `0.42857142857142857144`. Zero keeps its sign (`-0`) and infinities print as `+Inf` / `-Inf`,
//! as in Terraform.
//!
//! # Equality and order
//!
//! `==` ([`PartialEq`]) is cty's: integers compare exactly, other numbers are equal when their
//! texts are (so `pow(2, 0.5) == 1.4142135623730951` holds although the 53-bit and the 512-bit
//! values differ beyond the 53rd bit), and `-0 == 0`. [`Ord`] is the total order consistent with
//! that equality: numeric when an integer or an infinity is involved, by text value between
//! non-integers (which is the numeric order within one precision, up to rare neighbours of powers
//! of two that print alike). Terraform's `<` and `>` compare the exact binary values: use
//! [`Number::numeric_cmp`] for them.
//!
//! Texts of numbers with huge exponents (`1e-1000000`) take long to compute, as in Terraform;
//! comparing or hashing such non-integers computes them.
//!
//! # Representation
//!
//! Every integer in `(-2^63, 2^63)` (except `-0`) is stored inline as an `i64`, so integer
//! arithmetic, comparison, hashing and printing allocate nothing; other values are boxed. The
//! representation is canonical: a value has exactly one form, which keeps `Eq` and `Hash` simple.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};

/// Precision of parsed literals, `tonumber` and JSON numbers (cty's `ParseNumberVal`).
const PARSE_PREC: u32 = 512;
/// Precision of integers from functions (Go's `SetInt64`/`SetUint64`, cty's `NumberIntVal`).
const INT_PREC: u32 = 64;
/// Precision of `f64` results (Go's `SetFloat64`, cty's `NumberFloatVal`).
const F64_PREC: u32 = 53;
/// cty's `Multiply` rounds every product to this many bits.
const MUL_PREC: u32 = 512;
/// Go's `big.Float` exponent range (`0.mantissa × 2^exp` form): beyond it values overflow to
/// infinity or underflow to zero.
const MAX_EXP: i64 = i32::MAX as i64;
const MIN_EXP: i64 = i32::MIN as i64;

/// An arbitrary-precision number with Terraform's semantics (see the module docs).
#[derive(Clone)]
pub struct Number(Repr);

#[derive(Clone)]
enum Repr {
    /// An integer in `(-2^63, 2^63)`; `0` is positive zero. Invariant: `value` has at most `prec`
    /// significant bits (it is exactly representable at its precision).
    Small { value: i64, prec: u32 },
    /// Every other value: negative zero, infinities, non-integers and large integers.
    Big(Box<Float>),
}

/// A binary floating-point value as Go's `big.Float` holds it (rounding mode: to nearest even).
#[derive(Clone, Debug)]
struct Float {
    neg: bool,
    prec: u32,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    Zero,
    Inf,
    /// `mantissa × 2^exp` with an odd mantissa of at most `prec` bits.
    Finite { mant: BigUint, exp: i64 },
}

/// Raised where Go's `big.Float` panics with `ErrNaN` (the operands have no defined result).
#[derive(Debug)]
struct NotANumber;

/// Why an arithmetic operation has no result. The `Display` text is Terraform's message, to be
/// shown after "Error during operation: " (Terraform appends a period).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// `+Inf + -Inf`.
    #[error("can't compute sum of opposing infinities")]
    OpposingInfinitiesSum,
    /// `Inf - Inf` with the same sign.
    #[error("can't subtract infinity from itself")]
    InfinityMinusInfinity,
    /// `0 * Inf`.
    #[error("can't multiply zero by infinity")]
    ZeroTimesInfinity,
    /// `0 / 0` and `Inf / Inf`. (Any other division by zero is an infinity, as in Terraform.)
    #[error("can't divide zero by zero or infinity by infinity")]
    IndeterminateQuotient,
    /// `x % Inf` and `Inf % Inf`. (`x % 0` is `x`, as in Terraform.)
    #[error("can't use modulo with zero and infinity")]
    ModuloWithInfinity,
    /// `Inf % x` for a finite non-zero `x`: Terraform 1.11 fails there with an internal panic
    /// (cty truncates an infinite quotient); we report it as an ordinary error.
    #[error("can't use modulo with an infinite dividend")]
    InfiniteDividend,
}

/// A decimal number `±0.digits × 10^exponent`: `digits` are ASCII digits without leading or
/// trailing zeros (empty for zero), so `{false, "15", 2}` is 15 and `{true, "5", 0}` is -0.5.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    pub negative: bool,
    pub digits: String,
    pub exponent: i64,
}

impl Number {
    /// Calls `f` with the number's text ([`fmt::Display`]), formatted on the stack when it is
    /// short (integers such as `count.index` are): `to_string` allocates a `String`, grown in
    /// steps, that callers building a string value or a map key then copy once more.
    pub fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        /// Up to 64 bytes in place; longer texts (fractions print many digits) move to a
        /// `String` at the first piece that does not fit.
        struct Text {
            buf: [u8; 64],
            len: usize,
            spill: Option<String>,
        }
        impl fmt::Write for Text {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                if let Some(spill) = &mut self.spill {
                    spill.push_str(s);
                    return Ok(());
                }
                let end = self.len + s.len();
                if end <= self.buf.len() {
                    self.buf[self.len..end].copy_from_slice(s.as_bytes());
                    self.len = end;
                } else {
                    // Whole pieces were copied, so the bytes so far are text.
                    let mut spill = String::with_capacity(end * 2);
                    spill.push_str(std::str::from_utf8(&self.buf[..self.len]).map_err(|_| fmt::Error)?);
                    spill.push_str(s);
                    self.spill = Some(spill);
                }
                Ok(())
            }
        }
        let mut small = [0u8; 21];
        if let Some(text) = self.small_integer_text(&mut small) {
            return f(text);
        }
        let mut text = Text { buf: [0; 64], len: 0, spill: None };
        let _ = fmt::Write::write_fmt(&mut text, format_args!("{self}"));
        match &text.spill {
            Some(s) => f(s),
            None => f(std::str::from_utf8(&text.buf[..text.len]).unwrap_or_default()),
        }
    }

    /// An integer as Terraform's functions return one (64-bit precision, like cty's
    /// `NumberIntVal`).
    pub fn from_i64(i: i64) -> Number {
        Number::from_i64_prec(i, INT_PREC)
    }

    pub fn from_u64(u: u64) -> Number {
        match i64::try_from(u) {
            Ok(i) => Number::from_i64_prec(i, INT_PREC),
            Err(_) => Number::from_float(Float::finite(false, BigUint::from(u), 0, INT_PREC)),
        }
    }

    /// An integer of any size, exact: the precision is its bit length, at least 64 (as Go's
    /// `SetInt`).
    pub fn from_big_int(i: &BigInt) -> Number {
        if let Some(v) = i.to_i64() {
            if v != i64::MIN {
                return Number::from_i64_prec(v, INT_PREC);
            }
        }
        let prec = u32::try_from(i.bits()).unwrap_or(u32::MAX).max(INT_PREC);
        Number::from_float(float_from_int(i, prec))
    }

    /// The exact value of `f` (53-bit precision, like cty's `NumberFloatVal`); `None` for NaN.
    /// Infinities and `-0.0` are kept.
    pub fn from_f64(f: f64) -> Option<Number> {
        if f.is_nan() {
            return None;
        }
        let neg = f.is_sign_negative();
        if f.is_infinite() {
            return Some(Number::from_float(Float { neg, prec: F64_PREC, kind: Kind::Inf }));
        }
        if f == 0.0 {
            return Some(Number::from_float(Float { neg, prec: F64_PREC, kind: Kind::Zero }));
        }
        let bits = f.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let fraction = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if biased == 0 { (fraction, -1074) } else { (fraction | (1u64 << 52), biased - 1075) };
        Some(Number::from_float(Float::finite(neg, BigUint::from(mant), exp, F64_PREC)))
    }

    /// Positive or negative infinity (precision 0, as cty's `PositiveInfinity`).
    pub fn infinity(negative: bool) -> Number {
        Number(Repr::Big(Box::new(Float { neg: negative, prec: 0, kind: Kind::Inf })))
    }

    /// Parses a number as Terraform does for literals, `tonumber` and JSON (cty's
    /// `ParseNumberVal`, i.e. Go's `big.ParseFloat(s, 10, 512, ToNearestEven)`): an optional sign,
    /// decimal digits with an optional point (`5.`, `.5`), an optional exponent (`e`/`E` for
    /// powers of ten, `p`/`P` for powers of two) with an optional sign, or `Inf`/`inf` with an
    /// optional sign. Nothing else is accepted: no spaces, underscores or `0x` prefixes.
    /// The result has 512-bit precision and is rounded the way Go rounds it.
    pub fn parse(s: &str) -> Option<Number> {
        if let Some(n) = parse_small(s) {
            return Some(n);
        }
        parse_float(s).map(Number::from_float)
    }

    /// The nearest `f64` (ties to even), with overflow to infinity and gradual underflow.
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Small { value, .. } => *value as f64,
            Repr::Big(f) => f.to_f64(),
        }
    }

    /// The exact integer value, when this is an integer that fits in an `i64`.
    pub fn to_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Small { value, .. } => Some(*value),
            Repr::Big(f) => f.to_big_int().and_then(|i| i.to_i64()),
        }
    }

    /// The exact integer value, when this is a non-negative integer that fits in a `u64`
    /// (`-0` counts as 0).
    pub fn to_u64(&self) -> Option<u64> {
        match &self.0 {
            Repr::Small { value, .. } => u64::try_from(*value).ok(),
            Repr::Big(f) => f.to_big_int().and_then(|i| i.to_u64()),
        }
    }

    /// The exact integer value, when this is a (finite) integer.
    pub fn to_big_int(&self) -> Option<BigInt> {
        match &self.0 {
            Repr::Small { value, .. } => Some(BigInt::from(*value)),
            Repr::Big(f) => f.to_big_int(),
        }
    }

    /// The precision in bits results involving this number are rounded to (see module docs).
    pub fn precision(&self) -> u32 {
        match &self.0 {
            Repr::Small { prec, .. } => *prec,
            Repr::Big(f) => f.prec,
        }
    }

    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Small { .. } => true,
            Repr::Big(f) => match &f.kind {
                Kind::Zero => true,
                Kind::Inf => false,
                Kind::Finite { exp, .. } => *exp >= 0,
            },
        }
    }

    pub fn is_infinite(&self) -> bool {
        matches!(&self.0, Repr::Big(f) if matches!(f.kind, Kind::Inf))
    }

    /// True for `0` and `-0`.
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small { value, .. } => *value == 0,
            Repr::Big(f) => matches!(f.kind, Kind::Zero),
        }
    }

    /// True when the value is below zero (`-0` is not; `-Inf` is).
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small { value, .. } => *value < 0,
            Repr::Big(f) => f.neg && !matches!(f.kind, Kind::Zero),
        }
    }

    /// True when the sign is negative, including `-0` (which prints as `-0`).
    pub fn is_sign_negative(&self) -> bool {
        match &self.0 {
            Repr::Small { value, .. } => *value < 0,
            Repr::Big(f) => f.neg,
        }
    }

    /// -1, 0 or 1 (0 for both zeros).
    pub fn signum(&self) -> i32 {
        if self.is_zero() {
            0
        } else if self.is_sign_negative() {
            -1
        } else {
            1
        }
    }

    /// Terraform's `+`.
    pub fn add(&self, o: &Number) -> Result<Number, NumberError> {
        if let (Repr::Small { value: a, prec: pa }, Repr::Small { value: b, prec: pb }) = (&self.0, &o.0) {
            let prec = (*pa).max(*pb);
            if let Some(n) = a.checked_add(*b).and_then(|r| Number::small_exact(r, prec)) {
                return Ok(n);
            }
        }
        let prec = self.precision().max(o.precision());
        add(&self.to_float(), &o.to_float(), prec)
            .map(Number::from_float)
            .map_err(|_| NumberError::OpposingInfinitiesSum)
    }

    /// Terraform's `-` (cty adds the negated right operand).
    pub fn sub(&self, o: &Number) -> Result<Number, NumberError> {
        if let (Repr::Small { value: a, prec: pa }, Repr::Small { value: b, prec: pb }) = (&self.0, &o.0) {
            let prec = (*pa).max(*pb);
            if let Some(n) = a.checked_sub(*b).and_then(|r| Number::small_exact(r, prec)) {
                return Ok(n);
            }
        }
        let prec = self.precision().max(o.precision());
        add(&self.to_float(), &o.to_float().negated(), prec)
            .map(Number::from_float)
            .map_err(|_| NumberError::InfinityMinusInfinity)
    }

    /// Terraform's `*`: the product rounded to 512 bits, with the larger operand precision (or
    /// more when the product needs it), as cty's `Multiply`.
    pub fn mul(&self, o: &Number) -> Result<Number, NumberError> {
        if let (Repr::Small { value: a, prec: pa }, Repr::Small { value: b, prec: pb }) = (&self.0, &o.0) {
            if let Some(r) = a.checked_mul(*b) {
                let prec = (*pa).max(*pb);
                if r == 0 && ((*a < 0) != (*b < 0)) {
                    return Ok(Number::from_float(Float { neg: true, prec, kind: Kind::Zero }));
                }
                if r != i64::MIN {
                    return Ok(Number(Repr::Small { value: r, prec: prec.max(significant_bits(r)) }));
                }
            }
        }
        let product = mul(&self.to_float(), &o.to_float(), MUL_PREC).map_err(|_| NumberError::ZeroTimesInfinity)?;
        let prec = self.precision().max(o.precision()).max(product.min_prec());
        Ok(Number::from_float(Float { prec, ..product }))
    }

    /// Terraform's `/`: the quotient rounded to the larger operand precision. A non-zero number
    /// divided by zero is an infinity (signed by both operands), as in Terraform.
    pub fn div(&self, o: &Number) -> Result<Number, NumberError> {
        if let (Repr::Small { value: a, prec: pa }, Repr::Small { value: b, prec: pb }) = (&self.0, &o.0) {
            let prec = (*pa).max(*pb);
            if *b != 0 {
                if *a == 0 {
                    return Ok(Number::from_float(Float { neg: *b < 0, prec, kind: Kind::Zero }));
                }
                // `a` is never i64::MIN, so neither operation overflows.
                if a % b == 0 {
                    if let Some(n) = Number::small_exact(a / b, prec) {
                        return Ok(n);
                    }
                }
            }
        }
        let prec = self.precision().max(o.precision());
        quo(&self.to_float(), &o.to_float(), prec)
            .map(Number::from_float)
            .map_err(|_| NumberError::IndeterminateQuotient)
    }

    /// Terraform's `%`, following cty's `Modulo` step by step: `x % 0` is `x`; otherwise the
    /// quotient `x / y` (rounded) is truncated to an integer `q`, which is rounded to `x`'s
    /// precision, and the result is `x - y*q` computed at `x`'s precision. The result has the
    /// sign of the dividend: `-7 % 3` is `-1`, `7.5 % 2` is `1.5`.
    pub fn rem(&self, o: &Number) -> Result<Number, NumberError> {
        if o.is_zero() {
            return Ok(self.clone());
        }
        if let (Repr::Small { value: a, prec: pa }, Repr::Small { value: b, .. }) = (&self.0, &o.0) {
            // With at least 64 bits every step above is exact for i64 operands (the rounded
            // quotient of |a| < 2^63 truncates to the exact one), so the result is Rust's `%`.
            if *pa >= 64 {
                return Ok(Number(Repr::Small { value: a % b, prec: *pa }));
            }
        }
        let (x, y) = (self.to_float(), o.to_float());
        let prec = x.prec.max(y.prec);
        let ratio = quo(&x, &y, prec).map_err(|_| NumberError::ModuloWithInfinity)?;
        let (quotient, _) = ratio.trunc_int().ok_or(NumberError::InfiniteDividend)?;
        let work = float_from_int(&quotient, x.prec);
        let work = mul(&y, &work, x.prec).map_err(|_| NumberError::ModuloWithInfinity)?;
        add(&x, &work.negated(), x.prec).map(Number::from_float).map_err(|_| NumberError::ModuloWithInfinity)
    }

    /// Unary minus; `-(0)` is `-0`.
    pub fn neg(&self) -> Number {
        match &self.0 {
            Repr::Small { value, prec } if *value != 0 => Number(Repr::Small { value: -value, prec: *prec }),
            _ => Number::from_float(self.to_float().negated()),
        }
    }

    pub fn abs(&self) -> Number {
        match &self.0 {
            Repr::Small { value, prec } => Number(Repr::Small { value: value.abs(), prec: *prec }),
            Repr::Big(f) => Number::from_float(Float { neg: false, ..(**f).clone() }),
        }
    }

    /// Terraform's `floor`: infinities stay; otherwise the integer, at this number's precision
    /// (`floor(-0)` is `0`).
    pub fn floor(&self) -> Number {
        self.to_integer(|neg| neg)
    }

    /// Terraform's `ceil` (`ceil(-0.5)` is `0`, not `-0`).
    pub fn ceil(&self) -> Number {
        self.to_integer(|neg| !neg)
    }

    /// Truncates towards zero.
    pub fn trunc(&self) -> Number {
        self.to_integer(|_| false)
    }

    /// Go's `big.Float.Cmp`: the order of the exact values, with `-0 == 0`. This is Terraform's
    /// `<`, `<=`, `>`, `>=` (and `min`/`max`); see the module docs for how it differs from `Ord`.
    pub fn numeric_cmp(&self, o: &Number) -> Ordering {
        if let (Repr::Small { value: a, .. }, Repr::Small { value: b, .. }) = (&self.0, &o.0) {
            return a.cmp(b);
        }
        self.to_float().cmp(&o.to_float())
    }

    /// The exact decimal value (`None` for infinities). Binary fractions have finite decimal
    /// expansions, so this is exact, if long: `0.1` at 512 bits has 512 significant digits.
    pub fn exact_decimal(&self) -> Option<Decimal> {
        let f = self.to_float();
        let digits = f.exact_digits()?;
        Some(Decimal { negative: f.neg, digits: digits_to_string(digits.digits), exponent: digits.exp })
    }

    /// The shortest decimal that rounds back to this number at its precision — the digits
    /// `Display` prints (`None` for infinities).
    pub fn shortest_decimal(&self) -> Option<Decimal> {
        let f = self.to_float();
        let digits = f.shortest_digits()?;
        Some(Decimal { negative: f.neg, digits: digits_to_string(digits.digits), exponent: digits.exp })
    }

    // --- internals ---

    fn from_i64_prec(value: i64, prec: u32) -> Number {
        if value == i64::MIN {
            return Number::from_float(Float::finite(true, BigUint::from(value.unsigned_abs()), 0, prec));
        }
        Number(Repr::Small { value, prec })
    }

    /// The inline form of an exact integer result, when it is representable at `prec` (and so
    /// needs no rounding) and lies within the inline range.
    fn small_exact(value: i64, prec: u32) -> Option<Number> {
        (value != i64::MIN && significant_bits(value) <= prec).then_some(Number(Repr::Small { value, prec }))
    }

    fn to_float(&self) -> Float {
        match &self.0 {
            Repr::Small { value, prec } => Float::from_i64(*value, *prec),
            Repr::Big(f) => (**f).clone(),
        }
    }

    /// The canonical form of `f`: inline when it is an integer in the inline range.
    fn from_float(f: Float) -> Number {
        match &f.kind {
            Kind::Zero if !f.neg => return Number(Repr::Small { value: 0, prec: f.prec }),
            Kind::Finite { mant, exp } if *exp >= 0 && mant.bits() + (*exp as u64) <= 63 => {
                if let Some(m) = mant.to_i64() {
                    let v = m << exp;
                    return Number(Repr::Small { value: if f.neg { -v } else { v }, prec: f.prec });
                }
            }
            _ => {}
        }
        Number(Repr::Big(Box::new(f)))
    }

    /// Rounds to an integer as cty's `floor`/`ceil` do: truncate, step away from zero when the
    /// truncation was inexact and `step_away(negative)` says so, then round to this precision.
    fn to_integer(&self, step_away: impl Fn(bool) -> bool) -> Number {
        let Repr::Big(f) = &self.0 else { return self.clone() };
        let Some((mut i, exact)) = f.trunc_int() else { return self.clone() };
        if !exact && step_away(f.neg) {
            if f.neg {
                i -= 1;
            } else {
                i += 1;
            }
        }
        Number::from_float(float_from_int(&i, f.prec))
    }
}

/// Bits from the highest to the lowest set bit of `|v|` (0 for 0): what a precision must hold.
fn significant_bits(v: i64) -> u32 {
    let m = v.unsigned_abs();
    if m == 0 {
        0
    } else {
        64 - m.leading_zeros() - m.trailing_zeros()
    }
}

impl Float {
    fn from_i64(value: i64, prec: u32) -> Float {
        if value == 0 {
            return Float { neg: false, prec, kind: Kind::Zero };
        }
        let m = value.unsigned_abs();
        let tz = m.trailing_zeros();
        Float { neg: value < 0, prec, kind: Kind::Finite { mant: BigUint::from(m >> tz), exp: i64::from(tz) } }
    }

    /// `±mant × 2^exp` rounded to `prec` bits (nearest, ties to even), with Go's exponent range.
    fn finite(neg: bool, mant: BigUint, exp: i64, prec: u32) -> Float {
        Float::rounded(neg, mant, exp, prec, false)
    }

    /// Like [`Float::finite`]; `sticky` says the exact value is slightly larger in magnitude than
    /// `mant × 2^exp` (a non-zero remainder was dropped). Callers passing `sticky` provide at least
    /// `prec + 2` bits so that the dropped part lies below the rounding bit.
    fn rounded(neg: bool, mut mant: BigUint, mut exp: i64, prec: u32, sticky: bool) -> Float {
        if mant.is_zero() {
            return Float { neg, prec, kind: Kind::Zero };
        }
        let bits = mant.bits();
        let top = bits as i64 + exp;
        if top < MIN_EXP {
            return Float { neg, prec, kind: Kind::Zero };
        }
        if top > MAX_EXP {
            return Float { neg, prec, kind: Kind::Inf };
        }
        let prec64 = u64::from(prec.max(1));
        if bits > prec64 {
            let shift = bits - prec64;
            let half = mant.bit(shift - 1);
            let below = sticky || mant.trailing_zeros().is_some_and(|tz| tz < shift - 1);
            mant >>= shift;
            exp += shift as i64;
            if half && (below || mant.bit(0)) {
                mant += 1u32;
            }
        }
        if let Some(tz) = mant.trailing_zeros() {
            mant >>= tz;
            exp += tz as i64;
        }
        if mant.bits() as i64 + exp > MAX_EXP {
            return Float { neg, prec, kind: Kind::Inf };
        }
        Float { neg, prec, kind: Kind::Finite { mant, exp } }
    }

    /// A finite non-integer (compared by text under `==`).
    fn is_fraction(&self) -> bool {
        matches!(self.kind, Kind::Finite { exp, .. } if exp < 0)
    }

    fn is_power_of_two(&self) -> bool {
        matches!(&self.kind, Kind::Finite { mant, .. } if mant.is_one())
    }

    fn negated(mut self) -> Float {
        self.neg = !self.neg;
        self
    }

    fn with_prec(mut self, prec: u32) -> Float {
        self.prec = prec;
        self
    }

    /// Go's `MinPrec`: the bits needed to represent the value exactly.
    fn min_prec(&self) -> u32 {
        match &self.kind {
            Kind::Finite { mant, .. } => u32::try_from(mant.bits()).unwrap_or(u32::MAX),
            _ => 0,
        }
    }

    /// Go's `Int`: the value truncated towards zero and whether that was exact; `None` for
    /// infinities.
    fn trunc_int(&self) -> Option<(BigInt, bool)> {
        let (magnitude, exact) = match &self.kind {
            Kind::Inf => return None,
            Kind::Zero => (BigUint::zero(), true),
            Kind::Finite { mant, exp } if *exp >= 0 => (mant << (*exp as u64), true),
            Kind::Finite { mant, exp } => (mant >> exp.unsigned_abs(), false),
        };
        let sign = if self.neg { Sign::Minus } else { Sign::Plus };
        Some((BigInt::from_biguint(sign, magnitude), exact))
    }

    fn to_big_int(&self) -> Option<BigInt> {
        self.trunc_int().and_then(|(i, exact)| exact.then_some(i))
    }

    /// Go's `Float64`: nearest `f64`, ties to even, with subnormals and overflow to infinity.
    fn to_f64(&self) -> f64 {
        let magnitude = match &self.kind {
            Kind::Zero => 0.0,
            Kind::Inf => f64::INFINITY,
            Kind::Finite { mant, exp } => {
                let top = mant.bits() as i64 + exp;
                // Bits available: 53 for normal numbers, fewer below 2^-1022 (down to 2^-1074).
                let keep = (top + 1074).min(53);
                if keep < 0 {
                    0.0
                } else if keep == 0 {
                    // In [2^-1075, 2^-1074): rounds up to the smallest subnormal unless exactly half.
                    if mant.is_one() { 0.0 } else { f64::from_bits(1) }
                } else {
                    let r = Float::rounded(false, mant.clone(), *exp, keep as u32, false);
                    match r.kind {
                        Kind::Finite { mant, exp } => f64_from_parts(&mant, exp),
                        Kind::Inf => f64::INFINITY,
                        Kind::Zero => 0.0,
                    }
                }
            }
        };
        if self.neg { -magnitude } else { magnitude }
    }

    /// Go's `Cmp`.
    fn cmp(&self, o: &Float) -> Ordering {
        let rank = |f: &Float| -> i8 {
            match (&f.kind, f.neg) {
                (Kind::Inf, true) => -2,
                (Kind::Finite { .. }, true) => -1,
                (Kind::Zero, _) => 0,
                (Kind::Finite { .. }, false) => 1,
                (Kind::Inf, false) => 2,
            }
        };
        let (ra, rb) = (rank(self), rank(o));
        if ra != rb || ra.abs() != 1 {
            return ra.cmp(&rb);
        }
        let magnitude = match (&self.kind, &o.kind) {
            (Kind::Finite { mant: ma, exp: ea }, Kind::Finite { mant: mb, exp: eb }) => {
                let (ta, tb) = (ma.bits() as i64 + ea, mb.bits() as i64 + eb);
                if ta != tb {
                    ta.cmp(&tb)
                } else {
                    let e = (*ea).min(*eb);
                    (ma << ((ea - e) as u64)).cmp(&(mb << ((eb - e) as u64)))
                }
            }
            _ => Ordering::Equal,
        };
        if self.neg { magnitude.reverse() } else { magnitude }
    }

    /// The exact decimal digits of a finite value (`None` for infinities).
    fn exact_digits(&self) -> Option<Digits> {
        match &self.kind {
            Kind::Inf => None,
            Kind::Zero => Some(Digits { digits: Vec::new(), exp: 0 }),
            Kind::Finite { mant, exp } => Some(Digits::exact(mant, *exp)),
        }
    }

    /// Go's `roundShortest`: the shortest decimal within half a unit in the last place (at this
    /// precision) of the value. Go takes the interval symmetric even at powers of two, which is
    /// why `pow(2, 64)` prints as `18446744073709550000`.
    fn shortest_digits(&self) -> Option<Digits> {
        let Kind::Finite { mant, exp } = &self.kind else { return self.exact_digits() };
        let mut d = Digits::exact(mant, *exp);
        // The value as a mantissa of prec+1 bits whose lowest bit is half a unit in the last place.
        let bits = mant.bits() as i64;
        let shift = i64::from(self.prec) + 1 - bits;
        let (half_ulps, e) = if shift >= 0 {
            (mant << (shift as u64), exp - shift)
        } else {
            (mant >> shift.unsigned_abs(), exp - shift)
        };
        let (lower, upper) = if e >= 0 {
            let (h, one) = (&half_ulps << (e as u64), BigUint::one() << (e as u64));
            (Digits::scaled(&(&h - &one), 0), Digits::scaled(&(&h + &one), 0))
        } else {
            // Both bounds share the power of five: (h ± 1) × 5^k = h × 5^k ± 5^k.
            let k = e.unsigned_abs();
            let unit = pow5_exact(k);
            let h = &half_ulps * &unit;
            (Digits::scaled(&(&h - &unit), k as i64), Digits::scaled(&(&h + &unit), k as i64))
        };
        // The bounds round to this value only when its mantissa is even (ties to even).
        let inclusive = !half_ulps.bit(1);
        for i in 0..d.digits.len() {
            let m = d.digits[i];
            let l = lower.at(i);
            let u = upper.at(i);
            let ok_down = l != m || (inclusive && i + 1 == lower.digits.len());
            let ok_up = m != u && (inclusive || m + 1 < u || i + 1 < upper.digits.len());
            if ok_down && ok_up {
                d.round(i + 1);
                break;
            } else if ok_down {
                d.round_down(i + 1);
                break;
            } else if ok_up {
                d.round_up(i + 1);
                break;
            }
        }
        Some(d)
    }
}

/// Go's `SetInt` on a float of precision `prec`: `i` rounded to `prec` bits.
fn float_from_int(i: &BigInt, prec: u32) -> Float {
    let (sign, magnitude) = (i.sign(), i.magnitude().clone());
    Float::finite(sign == Sign::Minus, magnitude, 0, prec)
}

/// An `f64` from an exactly representable `mant × 2^exp` (at most 53 bits, within range).
fn f64_from_parts(mant: &BigUint, exp: i64) -> f64 {
    let Some(m) = mant.to_u64() else { return f64::INFINITY };
    let bits = i64::from(64 - m.leading_zeros());
    let top = bits + exp;
    if top - 1 > 1023 {
        return f64::INFINITY;
    }
    if top >= -1021 {
        // Normal: 1.fraction × 2^(top-1).
        let m53 = m << (53 - bits);
        let biased = (top - 1 + 1023) as u64;
        f64::from_bits((biased << 52) | (m53 & ((1u64 << 52) - 1)))
    } else {
        // Subnormal: the mantissa counts units of 2^-1074 (rounding kept exp >= -1074).
        f64::from_bits(m << (exp + 1074))
    }
}

// --- arithmetic on floats (Go's big.Float with a result precision) ---

/// Go's `Add` with result precision `prec`.
fn add(x: &Float, y: &Float, prec: u32) -> Result<Float, NotANumber> {
    match (&x.kind, &y.kind) {
        (Kind::Finite { mant: mx, exp: ex }, Kind::Finite { mant: my, exp: ey }) => {
            let (tx, ty) = (mx.bits() as i64 + ex, my.bits() as i64 + ey);
            // An operand below a quarter of the other's smallest neighbouring gap cannot change
            // the rounded sum; skipping it avoids shifting by huge exponent differences.
            let margin = i64::from(prec) + 3;
            if ty + margin <= tx {
                return Ok(x.clone().with_prec(prec));
            }
            if tx + margin <= ty {
                return Ok(y.clone().with_prec(prec));
            }
            let e = (*ex).min(*ey);
            let a = mx << ((ex - e) as u64);
            let b = my << ((ey - e) as u64);
            let (neg, sum) = if x.neg == y.neg {
                (x.neg, a + b)
            } else {
                match a.cmp(&b) {
                    Ordering::Greater => (x.neg, a - b),
                    Ordering::Less => (y.neg, b - a),
                    Ordering::Equal => (false, BigUint::zero()),
                }
            };
            Ok(Float::finite(neg, sum, e, prec))
        }
        (Kind::Inf, Kind::Inf) if x.neg != y.neg => Err(NotANumber),
        (Kind::Zero, Kind::Zero) => Ok(Float { neg: x.neg && y.neg, prec, kind: Kind::Zero }),
        (Kind::Inf, _) | (_, Kind::Zero) => Ok(x.clone().with_prec(prec)),
        _ => Ok(y.clone().with_prec(prec)),
    }
}

/// Go's `Mul` with result precision `prec`.
fn mul(x: &Float, y: &Float, prec: u32) -> Result<Float, NotANumber> {
    let neg = x.neg != y.neg;
    match (&x.kind, &y.kind) {
        (Kind::Finite { mant: mx, exp: ex }, Kind::Finite { mant: my, exp: ey }) => {
            Ok(Float::finite(neg, mx * my, ex + ey, prec))
        }
        (Kind::Zero, Kind::Inf) | (Kind::Inf, Kind::Zero) => Err(NotANumber),
        (Kind::Inf, _) | (_, Kind::Inf) => Ok(Float { neg, prec, kind: Kind::Inf }),
        _ => Ok(Float { neg, prec, kind: Kind::Zero }),
    }
}

/// Go's `Quo` with result precision `prec`, correctly rounded.
fn quo(x: &Float, y: &Float, prec: u32) -> Result<Float, NotANumber> {
    let neg = x.neg != y.neg;
    match (&x.kind, &y.kind) {
        (Kind::Finite { mant: mx, exp: ex }, Kind::Finite { mant: my, exp: ey }) => {
            // Scale the dividend so that the quotient has at least prec + 2 bits; the remainder
            // then only decides the sticky bit.
            let want = i64::from(prec.max(1)) + 2 + my.bits() as i64 - mx.bits() as i64;
            let scale = want.max(0);
            let (q, r) = (mx << (scale as u64)).div_rem(my);
            Ok(Float::rounded(neg, q, ex - ey - scale, prec, !r.is_zero()))
        }
        (Kind::Zero, Kind::Zero) | (Kind::Inf, Kind::Inf) => Err(NotANumber),
        (Kind::Zero, _) | (_, Kind::Inf) => Ok(Float { neg, prec, kind: Kind::Zero }),
        _ => Ok(Float { neg, prec, kind: Kind::Inf }),
    }
}

// --- parsing ---

/// The common case of a short plain integer literal, without big-number work.
fn parse_small(s: &str) -> Option<Number> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    if v == 0 && neg {
        return Some(Number::from_float(Float { neg: true, prec: PARSE_PREC, kind: Kind::Zero }));
    }
    Some(Number(Repr::Small { value: if neg { -v } else { v }, prec: PARSE_PREC }))
}

/// Go's `big.ParseFloat(s, 10, 512, ToNearestEven)`, including how it scales by powers of
/// five: a power 5^n with n > 27 is computed by repeated squaring at 576 bits (factors at 640),
/// so very large or small exponents are not always correctly rounded — and neither are they in
/// Terraform, whose results this reproduces.
fn parse_float(s: &str) -> Option<Float> {
    match s {
        "Inf" | "inf" | "+Inf" | "+inf" => return Some(Float { neg: false, prec: PARSE_PREC, kind: Kind::Inf }),
        "-Inf" | "-inf" => return Some(Float { neg: true, prec: PARSE_PREC, kind: Kind::Inf }),
        _ => {}
    }
    let bytes = s.as_bytes();
    let mut pos = 0;
    let neg = match bytes.first() {
        Some(b'-') => {
            pos = 1;
            true
        }
        Some(b'+') => {
            pos = 1;
            false
        }
        _ => false,
    };
    // Mantissa: digits with at most one point.
    let mut digits = Vec::new();
    let mut fraction_digits: i64 = 0;
    let mut seen_point = false;
    while let Some(&b) = bytes.get(pos) {
        if b.is_ascii_digit() {
            digits.push(b);
            if seen_point {
                fraction_digits += 1;
            }
        } else if b == b'.' && !seen_point {
            seen_point = true;
        } else {
            break;
        }
        pos += 1;
    }
    if digits.is_empty() {
        return None;
    }
    // Exponent: e/E (decimal) or p/P (binary), optional sign, at least one digit, fits an i64.
    let mut exponent: i64 = 0;
    let mut binary_exponent = false;
    if let Some(&b) = bytes.get(pos) {
        binary_exponent = match b {
            b'e' | b'E' => false,
            b'p' | b'P' => true,
            _ => return None,
        };
        let text = &s[pos + 1..];
        let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
        if unsigned.is_empty() || !unsigned.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        exponent = text.parse().ok()?;
    }
    let mant = BigUint::parse_bytes(&digits, 10)?;
    if mant.is_zero() {
        return Some(Float { neg, prec: PARSE_PREC, kind: Kind::Zero });
    }
    // value = mant × 10^-fraction_digits × (10 or 2)^exponent = mant × 2^exp2 × 5^exp5
    let (exp2, exp5) = if binary_exponent {
        (i128::from(exponent) - i128::from(fraction_digits), -i128::from(fraction_digits))
    } else {
        let e = i128::from(exponent) - i128::from(fraction_digits);
        (e, e)
    };
    // Go rejects a binary exponent outside its range before any rounding.
    let top = i128::from(mant.bits()) + exp2;
    if top < i128::from(MIN_EXP) || top > i128::from(MAX_EXP) {
        return None;
    }
    let exp2 = exp2 as i64;
    let z = Float { neg, prec: PARSE_PREC, kind: Kind::Finite { mant, exp: exp2 } };
    if exp5 == 0 {
        let Kind::Finite { mant, exp } = z.kind else { return None };
        return Some(Float::finite(neg, mant, exp, PARSE_PREC));
    }
    let p = pow5(exp5.unsigned_abs(), PARSE_PREC + 64);
    let result = if exp5 < 0 { quo(&z, &p, PARSE_PREC) } else { mul(&z, &p, PARSE_PREC) };
    result.ok()
}

/// Go's `pow5` on a float of precision `prec`: exact up to 5^27, then by squaring with rounding.
fn pow5(n: u128, prec: u32) -> Float {
    const EXACT_MAX: u128 = 27;
    if n <= EXACT_MAX {
        return Float::finite(false, BigUint::from(5u32).pow(n as u32), 0, prec);
    }
    let mut z = Float::finite(false, BigUint::from(5u32).pow(EXACT_MAX as u32), 0, prec);
    let mut f = Float::finite(false, BigUint::from(5u32), 0, prec + 64);
    let mut n = n - EXACT_MAX;
    while n > 0 {
        if n & 1 == 1 {
            // Neither operand is zero, so these cannot fail.
            z = mul(&z, &f, prec).unwrap_or(z);
        }
        f = mul(&f, &f, prec + 64).unwrap_or(f);
        n >>= 1;
    }
    z
}

// --- decimal digits (Go's math/big decimal type) ---

/// 5^k, exactly. (Exponents beyond `u32` would not fit in memory; such values are unreachable.)
fn pow5_exact(k: u64) -> BigUint {
    BigUint::from(5u32).pow(u32::try_from(k).unwrap_or(u32::MAX))
}

/// `0.digits × 10^exp`, digits as values 0..=9 without trailing zeros (empty for zero).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Digits {
    digits: Vec<u8>,
    exp: i64,
}

impl Digits {
    /// The exact decimal expansion of `mant × 2^exp`.
    fn exact(mant: &BigUint, exp: i64) -> Digits {
        if mant.is_zero() {
            return Digits { digits: Vec::new(), exp: 0 };
        }
        if exp >= 0 {
            return Digits::scaled(&(mant << (exp as u64)), 0);
        }
        // m × 2^-k = m × 5^k / 10^k; first drop factors of two the shift would remove.
        let k = exp.unsigned_abs();
        let tz = mant.trailing_zeros().unwrap_or(0).min(k);
        Digits::scaled(&((mant >> tz) * pow5_exact(k - tz)), (k - tz) as i64)
    }

    /// The digits of `n / 10^fraction_digits`.
    fn scaled(n: &BigUint, fraction_digits: i64) -> Digits {
        if n.is_zero() {
            return Digits { digits: Vec::new(), exp: 0 };
        }
        let mut digits: Vec<u8> = n.to_radix_be(10);
        let exp = digits.len() as i64 - fraction_digits;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        Digits { digits, exp }
    }

    fn at(&self, i: usize) -> u8 {
        self.digits.get(i).copied().unwrap_or(0)
    }

    /// Go's `decimal.round`: to `n` digits, ties to even.
    fn round(&mut self, n: usize) {
        if n >= self.digits.len() {
            return;
        }
        let up = if self.digits[n] == 5 && n + 1 == self.digits.len() {
            n > 0 && self.digits[n - 1] % 2 == 1
        } else {
            self.digits[n] >= 5
        };
        if up {
            self.round_up(n);
        } else {
            self.round_down(n);
        }
    }

    fn round_up(&mut self, n: usize) {
        if n >= self.digits.len() {
            return;
        }
        let mut n = n;
        while n > 0 && self.digits[n - 1] >= 9 {
            n -= 1;
        }
        if n == 0 {
            self.digits.truncate(1);
            self.digits[0] = 1;
            self.exp += 1;
            return;
        }
        self.digits[n - 1] += 1;
        self.digits.truncate(n);
    }

    fn round_down(&mut self, n: usize) {
        if n >= self.digits.len() {
            return;
        }
        self.digits.truncate(n);
        while self.digits.last() == Some(&0) {
            self.digits.pop();
        }
    }

    /// Go's `fmtF` with the precision of the shortest form: plain notation, no exponent.
    fn write_plain(&self, negative: bool, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
        fn zeros(f: &mut fmt::Formatter<'_>, mut n: u64) -> fmt::Result {
            while n > 0 {
                let chunk = n.min(ZEROS.len() as u64);
                f.write_str(&ZEROS[..chunk as usize])?;
                n -= chunk;
            }
            Ok(())
        }
        let text = |ds: &[u8]| -> String { ds.iter().map(|d| char::from(b'0' + d)).collect() };
        if negative {
            f.write_str("-")?;
        }
        let len = self.digits.len() as i64;
        if self.exp > 0 {
            let m = len.min(self.exp) as usize;
            f.write_str(&text(&self.digits[..m]))?;
            zeros(f, (self.exp - m as i64) as u64)?;
        } else {
            f.write_str("0")?;
        }
        if len - self.exp > 0 {
            f.write_str(".")?;
            if self.exp < 0 {
                zeros(f, self.exp.unsigned_abs())?;
            }
            f.write_str(&text(&self.digits[self.exp.max(0) as usize..]))?;
        }
        Ok(())
    }

    /// Numeric order of two non-negative decimals.
    fn cmp_magnitude(&self, o: &Digits) -> Ordering {
        match (self.digits.is_empty(), o.digits.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => self.exp.cmp(&o.exp).then_with(|| self.digits.cmp(&o.digits)),
        }
    }
}

fn digits_to_string(digits: Vec<u8>) -> String {
    digits.into_iter().map(|d| char::from(b'0' + d)).collect()
}

// --- equality, order, hashing, text ---

impl PartialEq for Number {
    fn eq(&self, o: &Number) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Number) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// The total order consistent with Terraform's `==`: two non-integers compare by their texts
/// (their shortest decimals, which are what `==` compares); whenever an integer or an infinity is
/// involved this is the numeric order.
impl Ord for Number {
    fn cmp(&self, o: &Number) -> Ordering {
        let (a, b) = match (&self.0, &o.0) {
            (Repr::Small { value: a, .. }, Repr::Small { value: b, .. }) => return a.cmp(b),
            (Repr::Big(a), Repr::Big(b)) if a.is_fraction() && b.is_fraction() => (a, b),
            _ => return self.numeric_cmp(o),
        };
        if a.prec == b.prec {
            // At one precision the texts are distinct and ordered like the values, except that
            // Go widens the interval below a power of two, where a neighbour may print alike.
            let numeric = a.cmp(b);
            if numeric == Ordering::Equal || !(a.is_power_of_two() || b.is_power_of_two()) {
                return numeric;
            }
        }
        let (Some(ta), Some(tb)) = (a.shortest_digits(), b.shortest_digits()) else { return a.cmp(b) };
        match (a.neg, b.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => ta.cmp_magnitude(&tb),
            (true, true) => tb.cmp_magnitude(&ta),
        }
    }
}

impl Hash for Number {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match &self.0 {
            Repr::Small { value, .. } => {
                0u8.hash(h);
                value.hash(h);
            }
            Repr::Big(f) => match &f.kind {
                Kind::Zero => {
                    0u8.hash(h);
                    0i64.hash(h);
                }
                Kind::Inf => {
                    1u8.hash(h);
                    f.neg.hash(h);
                }
                Kind::Finite { mant, exp } if *exp >= 0 => {
                    2u8.hash(h);
                    f.neg.hash(h);
                    mant.hash(h);
                    exp.hash(h);
                }
                Kind::Finite { .. } => {
                    3u8.hash(h);
                    f.neg.hash(h);
                    f.shortest_digits().hash(h);
                }
            },
        }
    }
}

/// Terraform's text of a number (Go's `Text('f', -1)`): see the module docs.
impl Number {
    /// The text of an integer whose text is its digits, written into `buf`; `None` for any
    /// other number.
    fn small_integer_text<'b>(&self, buf: &'b mut [u8; 21]) -> Option<&'b str> {
        let Repr::Small { value, prec } = &self.0 else { return None };
        // When the integer's bit length fits the precision, half a unit in the last place is
        // at most 1/2 and the shortest decimal is the integer itself.
        if 64 - value.unsigned_abs().leading_zeros() > *prec {
            return None;
        }
        Some(integer_text(*value, buf))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 21];
        if let Some(text) = self.small_integer_text(&mut buf) {
            return f.write_str(text);
        }
        let x = self.to_float();
        match x.shortest_digits() {
            None => f.write_str(if x.neg { "-Inf" } else { "+Inf" }),
            Some(d) => d.write_plain(x.neg, f),
        }
    }
}

/// The same text as `Display` (values' debug output shows numbers as Terraform prints them).
impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The decimal text of `value`, written into `buf` by hand: `write!(f, "{value}")` goes
/// through a second formatting pass and integer padding, several times the cost for the short
/// integers (`count.index`, lengths, instance keys) that are printed most.
pub fn integer_text(value: i64, buf: &mut [u8; 21]) -> &str {
    let mut at = buf.len();
    let mut rest = value.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    // Only ASCII digits and a sign were written.
    std::str::from_utf8(&buf[at..]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    /// Terraform expression texts and what `terraform console` (Terraform 1.11.4) printed for
    /// them; `ERR: ` marks an "Operation failed" error with its "Error during operation" text.
    /// The expressions use only what [`eval`] understands.
    const TERRAFORM_1_11_4: &[(&str, &str)] = &[
        ("100*2/3", "66.66666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666"),
        ("1/3", "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335"),
        ("2/3", "0.6666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666667"),
        ("2/3*3", "2"),
        ("1/3*3", "1"),
        ("0.1+0.2", "0.3"),
        ("0.1*3", "0.3"),
        ("0.3-0.1", "0.20000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002"),
        ("1e20*1e20", "10000000000000000000000000000000000000000"),
        ("123456789012345678901234567890", "123456789012345678901234567890"),
        ("-123456789012345678901234567890", "-123456789012345678901234567890"),
        ("-0.5", "-0.5"),
        ("1e-7", "0.0000001"),
        ("1.5e-10", "0.00000000015"),
        ("1e30", "1000000000000000000000000000000"),
        ("1e21", "1000000000000000000000"),
        ("1.5e300", "1500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ("2e-300", "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002"),
        ("0.1", "0.1"),
        ("0.7", "0.7"),
        ("1.1", "1.1"),
        ("3.14159", "3.14159"),
        ("-2.5", "-2.5"),
        ("10%3", "1"),
        ("-7%3", "-1"),
        ("7%-3", "1"),
        ("-7%-3", "-1"),
        ("7.5%2", "1.5"),
        ("-7.5%2", "-1.5"),
        ("0.1%0.03", "0.010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003"),
        ("1e300%7", "0"),
        ("1e200/3%3", "2854495385411919762116571938898990272765493248"),
        ("(1/3)%(1/7)", "0.04761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904761904764"),
        ("10%0", "10"),
        ("-5.5%0", "-5.5"),
        ("0%5", "0"),
        ("-0%5", "-0"),
        ("1/0", "+Inf"),
        ("-1/0", "-Inf"),
        ("5/-0", "-Inf"),
        ("-(1/0)", "-Inf"),
        ("(1/0)%0", "+Inf"),
        ("0/0", "ERR: can't divide zero by zero or infinity by infinity."),
        ("(1/0)/(1/0)", "ERR: can't divide zero by zero or infinity by infinity."),
        ("(1/0)-(1/0)", "ERR: can't subtract infinity from itself."),
        ("(1/0)+(-1/0)", "ERR: can't compute sum of opposing infinities."),
        ("0*(1/0)", "ERR: can't multiply zero by infinity."),
        ("5%(1/0)", "ERR: can't use modulo with zero and infinity."),
        ("(1/0)%(1/0)", "ERR: can't use modulo with zero and infinity."),
        ("-0", "-0"),
        ("0*-1", "-0"),
        ("0/-5", "-0"),
        ("0-0", "0"),
        ("-0-0", "-0"),
        ("-0+0", "0"),
        ("-0+-0", "-0"),
        ("pow(2,64)", "18446744073709550000"),
        ("pow(2,100)", "1267650600228229400000000000000"),
        ("pow(2,0.5)", "1.4142135623730951"),
        ("pow(2,0.5)*1", "1.4142135623730951454746218587388284504413604736328125"),
        ("pow(2,0.5)+0", "1.4142135623730951454746218587388284504413604736328125"),
        ("pow(2,-3)", "0.125"),
        ("pow(10,20)", "100000000000000000000"),
        ("pow(10,21)", "1000000000000000000000"),
        ("pow(10,-5)", "0.00001"),
        ("pow(2,0.5) == 1.4142135623730951", "true"),
        ("pow(2,0.5)*1 == 1.4142135623730951", "false"),
        ("pow(2,0.5)*1 == pow(2,0.5)", "false"),
        ("pow(2,0.5) < 1.4142135623730951", "false"),
        ("pow(2,0.5) > 1.4142135623730951", "true"),
        ("1/3 == 0.333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335", "true"),
        ("length([1,2,3])/length([1,2,3,4,5,6,7])", "0.42857142857142857144"),
        ("length([1,2,3])/7", "0.42857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142857142856"),
        ("length([1,2,3])/length([1,2,3,4,5,6,7]) == 3/7", "false"),
        ("length([1,2,3])*length([1,2])/7", "0.8571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571428571"),
        ("length([1,2])/length([1,2,3])*3", "2.0000000000000000000542101086242752217003726400434970855712890625"),
        ("length([1])/length([1,2,3])", "0.33333333333333333334"),
        ("length([1])/length([1,2,3]) + 0", "0.33333333333333333334236835143737920361672877334058284759521484375"),
        ("length([1])/length([1,2,3]) * 1", "0.33333333333333333334236835143737920361672877334058284759521484375"),
        ("length([1,2,3,4,5,6,7])%length([1,2,3])", "1"),
        ("floor(1/3*1e10)", "3333333333"),
        ("floor(-2.5)", "-3"),
        ("ceil(-2.5)", "-2"),
        ("ceil(-0.5)", "0"),
        ("floor(-0)", "0"),
        ("floor(-0.5)", "-1"),
        ("ceil(0.5)", "1"),
        ("floor(1e300+0.5)", "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ("abs(-2.5)", "2.5"),
        ("abs(-0)", "0"),
        ("tonumber(\"Inf\")", "+Inf"),
        ("tonumber(\"-inf\")", "-Inf"),
        ("tonumber(\"+5\")", "5"),
        ("tonumber(\".5\")", "0.5"),
        ("tonumber(\"5.\")", "5"),
        ("tonumber(\"1E3\")", "1000"),
        ("tonumber(\"1e+3\")", "1000"),
        ("tonumber(\"1p3\")", "8"),
        ("tonumber(\"1.5p-1\")", "0.75"),
        ("tonumber(\"00012\")", "12"),
        ("tonumber(\"-0\")", "-0"),
        ("tonumber(\"1e1000000000\")", "+Inf"),
        ("tonumber(\"1e-1000000000\")", "0"),
        ("tonumber(\"0.1e1\")", "1"),
        ("tonumber(\"123456789012345678901234567890.123456789\")", "123456789012345678901234567890.123456789"),
        ("1.23456789012345678901234567890123456789e-50", "0.0000000000000000000000000000000000000000000000000123456789012345678901234567890123456789"),
        ("9007199254740993", "9007199254740993"),
        ("9223372036854775807", "9223372036854775807"),
        ("9223372036854775808", "9223372036854775808"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("9223372036854775807+1", "9223372036854775808"),
        ("9223372036854775807*2", "18446744073709551614"),
        ("18446744073709551615", "18446744073709551615"),
        ("1e400/1e399", "10"),
        ("2/3 > 0.6666", "true"),
        ("0.1 + 0.2 == 0.3", "true"),
        ("0.5 == 0.50", "true"),
        ("pow(2,60)", "1152921504606847000"),
        ("pow(2,53)+1", "9007199254740993"),
        ("pow(3,30)", "205891132094649"),
        ("-pow(2,60)", "-1152921504606847000"),
        // Randomly generated operands (fixed seed), same source.
        ("tonumber(\"93e-159\")", "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000093"),
        ("tonumber(\"612310077283.7832e108\")", "612310077283783200000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ("tonumber(\"4\")", "4"),
        ("tonumber(\"3269910e4\")", "32699100000"),
        ("tonumber(\"46111393095597297e93\")", "46111393095597297000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ("tonumber(\"1.0e-90\")", "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"),
        ("tonumber(\"58921527\")", "58921527"),
        ("tonumber(\"92900754009171.4521178502551716079096690911114656977781880491\")", "92900754009171.4521178502551716079096690911114656977781880491"),
        ("tonumber(\"29382577e101\")", "2938257700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ("tonumber(\"3363953227501421774366875\")", "3363953227501421774366875"),
        ("tonumber(\"510490495490267304320171851337420.7802345\")", "510490495490267304320171851337420.7802345"),
        ("tonumber(\"631.0e100\")", "6310000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ("tonumber(\"6.0e-50\")", "0.00000000000000000000000000000000000000000000000006"),
        ("tonumber(\"33\")", "33"),
        ("tonumber(\"3e-88\")", "0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000003"),
        ("tonumber(\"527288779137884828884469342.884973681809608086891712187664377\")", "527288779137884828884469342.884973681809608086891712187664377"),
        ("tonumber(\"8513690420032304553971791894386066892838\")", "8513690420032304553971791894386066892838"),
        ("tonumber(\"563950032675563921805169.938954412625856263215471059034453692\")", "563950032675563921805169.938954412625856263215471059034453692"),
        ("tonumber(\"86945847\")", "86945847"),
        ("tonumber(\"11283.577e-38\")", "0.00000000000000000000000000000000011283577"),
        ("tonumber(\"79\")", "79"),
        ("tonumber(\"78475.368\")", "78475.368"),
        ("tonumber(\"5\")", "5"),
        ("tonumber(\"95682\")", "95682"),
        ("tonumber(\"940\")", "940"),
        ("481514151.021633785765552778190650617808501662326253668440741 + 7.0", "481514158.021633785765552778190650617808501662326253668440741"),
        ("length([1,1]) * 60326", "120652"),
        ("length([1]) + length([1,1,1,1])", "5"),
        ("pow(7,0.5) % 69262e-326", "0"),
        ("29203221549817719884036317308687245461847151216717067349170 * length([1,1,1])", "87609664649453159652108951926061736385541453650151202047510"),
        ("length([1,1,1,1,1,1,1,1,1]) / length([1,1,1,1,1,1])", "1.5"),
        ("43.0e140 / 76112.912223607911", "56495013452740686887866775880274019723575158207566167245205714216044256444784836675719039976637354880058094094528324193943399467642987996.594314513724954016"),
        ("56e-392 - 7569069539804535471863854", "-7569069539804535471863854"),
        ("483598829383903123796551547172398881842592104539522981706224 - pow(2,0.5)", "483598829383903123796551547172398881842592104539522981706222.5857864376269048545253781412611715495586395263671875"),
        ("pow(3,0.5) % pow(7,0.5)", "1.7320508075688772"),
        ("0.369e-63 + pow(9,0.5)", "3.000000000000000000000000000000000000000000000000000000000000000369"),
        ("33403557028383.30145462576123413423844581 - pow(4,0.5)", "33403557028381.30145462576123413423844581"),
        ("71.0e-3 + 8469.1243", "8469.1953"),
        ("97 / 2.18557084888292196378434783997403909725", "44.3819975223306783376860530199547347693798525700384957022255357081637546408706891080260006816344373738859319477107688119142760703980405538075444242712027"),
        ("1129893e21 * length([1,1,1,1,1,1,1,1,1])", "10169037000000000000000000000"),
        ("6104549082486934150252310 - 54804693703289203466782.88e75", "-54804693703289203466782879999999999999999999999999999999999999999999999993895450917513065849747690"),
        ("410055.59442769550 / length([1,1,1,1,1,1,1,1,1])", "45561.73271418838888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888889"),
        ("length([1,1]) - 7660284475702934343380860387819854510536", "-7660284475702934343380860387819854510534"),
        ("length([1,1,1,1,1]) - pow(4,0.5)", "3"),
        ("47 / 9629638427218476125049924e-41", "488076477172320619.94007137020530465034294443529706828828602934403064629002352268572239806064637854542785723841716943844245496330408872132468742566223707902"),
        ("480210410257236706586803899443437902028114508418703150843764 / length([1,1])", "240105205128618353293401949721718951014057254209351575421882"),
        ("49009235658457544159145.32e348 * 12255.260068061583e-296", "6006209287313145631664750681470344062415600000000000000000000000000000000000000"),
        ("76241 + 580.0", "76821"),
        ("7.6891176766836989 * 9090.5287", "69898.14491757048567260843"),
        ("8602713221184412054857380637431187731708e-187 - 5341629609771138", "-5341629609771138"),
        ("6055493322297024145995430 * length([1,1,1,1,1,1])", "36332959933782144875972580"),
        ("14173763 + 56.0e149", "5600000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000014173763"),
        ("length([1,1,1,1]) + 29466451918.173150", "29466451922.17315"),
        ("length([1,1,1]) - 27857903066381017", "-27857903066381014"),
        ("55 - 68881148911.932188", "-68881148856.932188"),
        ("3972817218229826.99160321624890617480664 * length([1,1,1,1,1,1,1])", "27809720527608788.94122251374234322364648"),
        ("pow(5,0.5) - length([1,1,1,1,1,1,1,1,1])", "-6.763932022500210195"),
        ("length([1,1,1,1,1,1,1,1,1]) / length([1,1])", "4.5"),
        ("pow(4,0.5) % pow(4,0.5)", "0"),
        ("894.0 % 37755384953181914.0191354520120692881682185973162731708812445", "894"),
        ("pow(4,0.5) % pow(2,0.5)", "0.5857864376269049"),
        ("21820114406022989 * 13636553560340958", "297551158790499818657439626283462"),
        ("623.23e94 - 9894.9024", "6232299999999999999999999999999999999999999999999999999999999999999999999999999999999999999990105.0976"),
        ("62.0 + 0.64891e-194", "62"),
        ("213.0 - pow(7,0.5)", "210.35424868893540928382890342618338763713836669921875"),
        ("pow(4,0.5) + pow(7,0.5)", "4.645751311064591"),
        ("0.375 % 25e93", "0.375"),
        ("(length([1,1,1,1,1,1,1]) * 157702048701403960438165801772458853374) - length([1,1,1,1,1])", "1103914340909827723067160612407211973613"),
        ("(4300857961214464429492066609477365002733 / length([1,1,1,1,1,1,1,1,1])) - 4204155004899470514387.101807834395365615e110", "-420415500489947051438710180783439536561499999999999999999999999999999999999999999999999999999522126893198392841167548154502514999696.3333333333333333333333"),
        ("(length([1,1]) / 768.8498608132092284954007) % 8104797", "0.0026012881082980342928809211059962451630630120261600617625119032574282616140743622888535258432557200621410374991356581250078231308937303151434579644210980487"),
        ("(length([1,1,1,1,1,1,1]) / pow(3,0.5)) + 8768613439976343918959606564196364360790", "8768613439976343918959606564196364360794.0414518843273805857874148017572224489413201808929443359375"),
        ("(98538.399 / pow(4,0.5)) * pow(4,0.5)", "98538.399"),
        ("(length([1,1,1,1,1,1]) % 37503701890150957) * 60", "360"),
        ("(507e-182 - 3e-8) * 9242121783489783665847789.0", "-277263653504693509.97543367"),
        ("(60097483.0 - length([1,1,1,1,1,1,1,1])) + 839311385868840485181026178698909217373785990033913452881243", "839311385868840485181026178698909217373785990033913512978718"),
        ("(302 * pow(6,0.5)) + pow(4,0.5)", "741.7459023205197201633609438431449234485626220703125"),
        ("(length([1]) + pow(6,0.5)) * 626.70394", "2161.808812791804143953893202478866442106664180755615234375"),
        ("(pow(2,0.5) + 0.42371) % 0.866e157", "1.8379235623730951454746218587388284504413604736328125"),
        ("(696.4842265104444 * pow(4,0.5)) + length([1,1,1,1,1,1])", "1398.9684530208888"),
        ("(65.0 * pow(6,0.5)) % pow(9,0.5)", "0.21683328090656228681609718478284776210784912109375"),
        ("(7912069435963470425.893843e-58 / 5e-33) % 7277.6e370", "0.00000015824138871926940851787686"),
        ("(length([1,1,1]) - pow(5,0.5)) % 66", "0.76393202250021019495"),
        ("(length([1,1,1,1,1,1]) % pow(2,0.5)) / 2.0", "0.171572875253809709050756282522343099117279052734375"),
        ("floor(pow(7,0.5) / pow(2,0.5))", "1"),
        ("ceil(pow(7,0.5) * pow(2,0.5))", "4"),
        ("floor(length([1]) / 0.9e65)", "0"),
        ("ceil(length([1]) * 0.9e65)", "90000000000000000000000000000000000000000000000000000000000000000"),
        ("floor(15568930.854746730e-261 / 2595.14179864676751106812729619327445630027222211923572904052e-333)", "5999260180258791171057195897850339505129320282982959199742409014492173321454"),
        ("ceil(15568930.854746730e-261 * 2595.14179864676751106812729619327445630027222211923572904052e-333)", "1"),
        ("ceil(3092774463162792506083288 * 8529435637118132367753512399321898996635.65145758424604659124e-326)", "1"),
        ("ceil(84e-34 * 3464470395730161198037797550867542599125e-257)", "1"),
        ("floor(9245944170725128868997120 / length([1,1]))", "4622972085362564434498560"),
        ("ceil(9245944170725128868997120 * length([1,1]))", "18491888341450257737994240"),
        ("floor(2994951560786.131549265836704071829398897 / 772)", "3879470933"),
        ("ceil(2994951560786.131549265836704071829398897 * 772)", "2312102604926894"),
        ("floor(15263e-242 / pow(7,0.5))", "0"),
        ("ceil(15263e-242 * pow(7,0.5))", "1"),
        ("floor(85670.757 / length([1,1,1]))", "28556"),
        ("ceil(85670.757 * length([1,1,1]))", "257013"),
        ("floor(950816350153514209965221.5 / 3.3)", "288126166713186124231885"),
        ("ceil(950816350153514209965221.5 * 3.3)", "3137693955506596892885231"),
    ];

    #[test]
    fn matches_terraform_console() {
        let mut failures = Vec::new();
        for (expr, expected) in TERRAFORM_1_11_4 {
            let got = eval(expr);
            if got != *expected {
                failures.push(format!("{expr}\n    want {expected}\n    got  {got}"));
            }
        }
        assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    }

    // --- a tiny evaluator for the subset of Terraform expressions the table uses ---

    #[derive(Debug)]
    enum Out {
        Num(Number),
        Bool(bool),
    }

    /// Evaluates `expr` the way Terraform would and renders the result as `terraform console`
    /// does: `length([..])` gives a 64-bit integer, `pow` goes through `f64`, literals and
    /// `tonumber` parse at 512 bits, `==` is [`PartialEq`], `<`/`>` are [`Number::numeric_cmp`].
    fn eval(expr: &str) -> String {
        let tokens = tokenize(expr);
        let mut p = Parser { tokens, pos: 0 };
        match p.comparison() {
            Ok(Out::Num(n)) => n.to_string(),
            Ok(Out::Bool(b)) => b.to_string(),
            Err(e) => format!("ERR: {e}."),
        }
    }

    fn tokenize(s: &str) -> Vec<String> {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b' ' {
                i += 1;
            } else if c.is_ascii_digit() || c == b'.' {
                let start = i;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                    i += 1;
                    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                        i += 1;
                    }
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                out.push(s[start..i].to_string());
            } else if c.is_ascii_alphabetic() {
                let start = i;
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                out.push(s[start..i].to_string());
            } else if c == b'"' {
                let end = s[i + 1..].find('"').map(|e| i + 1 + e).unwrap_or(b.len());
                out.push(s[i..end].to_string());
                i = end + 1;
            } else if c == b'=' {
                out.push("==".into());
                i += 2;
            } else {
                out.push((c as char).to_string());
                i += 1;
            }
        }
        out
    }

    struct Parser {
        tokens: Vec<String>,
        pos: usize,
    }

    impl Parser {
        fn peek(&self) -> &str {
            self.tokens.get(self.pos).map(String::as_str).unwrap_or("")
        }
        fn next(&mut self) -> String {
            self.pos += 1;
            self.tokens.get(self.pos - 1).cloned().unwrap_or_default()
        }
        fn num(&mut self, f: fn(&mut Parser) -> Result<Out, NumberError>) -> Result<Number, NumberError> {
            match f(self)? {
                Out::Num(n) => Ok(n),
                Out::Bool(_) => panic!("number expected"),
            }
        }
        fn comparison(&mut self) -> Result<Out, NumberError> {
            let a = self.num(Parser::additive)?;
            let op = self.peek().to_string();
            if !matches!(op.as_str(), "==" | "<" | ">") {
                return Ok(Out::Num(a));
            }
            self.next();
            let b = self.num(Parser::additive)?;
            Ok(Out::Bool(match op.as_str() {
                "==" => a == b,
                "<" => a.numeric_cmp(&b) == Ordering::Less,
                _ => a.numeric_cmp(&b) == Ordering::Greater,
            }))
        }
        fn additive(&mut self) -> Result<Out, NumberError> {
            let mut a = self.num(Parser::multiplicative)?;
            while matches!(self.peek(), "+" | "-") {
                let op = self.next();
                let b = self.num(Parser::multiplicative)?;
                a = if op == "+" { a.add(&b)? } else { a.sub(&b)? };
            }
            Ok(Out::Num(a))
        }
        fn multiplicative(&mut self) -> Result<Out, NumberError> {
            let mut a = self.num(Parser::unary)?;
            while matches!(self.peek(), "*" | "/" | "%") {
                let op = self.next();
                let b = self.num(Parser::unary)?;
                a = match op.as_str() {
                    "*" => a.mul(&b)?,
                    "/" => a.div(&b)?,
                    _ => a.rem(&b)?,
                };
            }
            Ok(Out::Num(a))
        }
        fn unary(&mut self) -> Result<Out, NumberError> {
            if self.peek() == "-" {
                self.next();
                return Ok(Out::Num(self.num(Parser::unary)?.neg()));
            }
            self.primary()
        }
        fn primary(&mut self) -> Result<Out, NumberError> {
            let t = self.next();
            if t == "(" {
                let v = self.num(Parser::comparison)?;
                assert_eq!(self.next(), ")");
                return Ok(Out::Num(v));
            }
            if t.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
                return Ok(Out::Num(Number::parse(&t).expect("literal")));
            }
            assert_eq!(self.next(), "(", "call of {t}");
            let n = match t.as_str() {
                "length" => {
                    assert_eq!(self.next(), "[");
                    let mut count = 0;
                    while self.next() != "]" {
                        count += 1;
                        if self.peek() == "," {
                            self.next();
                        }
                    }
                    Number::from_i64(count)
                }
                "tonumber" => {
                    let s = self.next();
                    Number::parse(&s[1..]).expect("tonumber")
                }
                "pow" => {
                    let a = self.num(Parser::comparison)?;
                    assert_eq!(self.next(), ",");
                    let b = self.num(Parser::comparison)?;
                    Number::from_f64(a.to_f64().powf(b.to_f64())).expect("pow")
                }
                "floor" => self.num(Parser::comparison)?.floor(),
                "ceil" => self.num(Parser::comparison)?.ceil(),
                "abs" => self.num(Parser::comparison)?.abs(),
                other => panic!("unknown function {other}"),
            };
            assert_eq!(self.next(), ")");
            Ok(Out::Num(n))
        }
    }

    // --- properties beyond the console table ---

    fn num(s: &str) -> Number {
        Number::parse(s).expect("test literal")
    }

    fn hash_of(n: &Number) -> u64 {
        let mut h = DefaultHasher::new();
        n.hash(&mut h);
        h.finish()
    }

    /// The text through the general (big) path, bypassing the inline integer shortcut.
    fn general_text(n: &Number) -> String {
        struct General(Float);
        impl fmt::Display for General {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0.shortest_digits() {
                    None => f.write_str(if self.0.neg { "-Inf" } else { "+Inf" }),
                    Some(d) => d.write_plain(self.0.neg, f),
                }
            }
        }
        General(n.to_float()).to_string()
    }

    #[test]
    fn integer_text_shortcut_agrees_with_the_general_algorithm() {
        let mut values: Vec<i64> = vec![0, 1, -1, 7, 10, 99, 100, 1000, 999_999, i64::MAX, -i64::MAX];
        for shift in 0..63 {
            values.push(1i64 << shift);
            values.push((1i64 << shift) - 1);
            values.push(-(1i64 << shift) + 3);
        }
        let mut p = 10i64;
        while let Some(next) = p.checked_mul(10) {
            values.extend([p, p - 1, p + 1, next / 3]);
            p = next;
        }
        for v in values {
            for prec in [53, 64, 512] {
                let n = Number::from_float(Float::finite(v < 0, BigUint::from(v.unsigned_abs()), 0, prec));
                assert_eq!(n.to_string(), general_text(&n), "{v} at precision {prec}");
            }
        }
    }

    #[test]
    fn forms_of_one_integer_are_equal_and_hash_alike() {
        let two63 = num("9223372036854775808");
        let big_then_small = two63.add(&num("5")).unwrap().sub(&two63).unwrap();
        let forms = [
            num("5"),
            Number::from_i64(5),
            Number::from_u64(5),
            Number::from_f64(5.0).unwrap(),
            Number::from_big_int(&BigInt::from(5)),
            num("0.5e1"),
            num("50e-1"),
            big_then_small,
            num("10").div(&num("2")).unwrap(),
            num("5.5").floor(),
        ];
        for a in &forms {
            for b in &forms {
                assert_eq!(a, b);
                assert_eq!(a.cmp(b), Ordering::Equal);
                assert_eq!(hash_of(a), hash_of(b), "{a:?} vs {b:?}");
            }
        }
        // Both zeros are equal and hash alike, though they print differently.
        let (zero, negative_zero) = (num("0"), num("-0"));
        assert_eq!(zero, negative_zero);
        assert_eq!(hash_of(&zero), hash_of(&negative_zero));
        assert_eq!(negative_zero.to_string(), "-0");
        // Large integers: the same value from different constructions.
        let big = num("123456789012345678901234567890");
        let built = Number::from_big_int(&"123456789012345678901234567890".parse::<BigInt>().unwrap());
        assert_eq!(big, built);
        assert_eq!(hash_of(&big), hash_of(&built));
    }

    #[test]
    fn equal_texts_make_equal_non_integers() {
        // pow(2, 0.5) (53 bits) and the literal (512 bits) differ in value but print alike.
        let from_f64 = Number::from_f64(2f64.sqrt()).unwrap();
        let literal = num("1.4142135623730951");
        assert_eq!(from_f64, literal);
        assert_eq!(hash_of(&from_f64), hash_of(&literal));
        assert_eq!(from_f64.numeric_cmp(&literal), Ordering::Greater);
        // The same value at 512 bits prints all its digits and so differs from both.
        let widened = from_f64.mul(&num("1")).unwrap();
        assert_ne!(widened, from_f64);
        assert_eq!(widened.numeric_cmp(&from_f64), Ordering::Equal);
    }

    #[test]
    fn order_is_total_and_consistent_with_equality() {
        let mut values = vec![
            Number::infinity(true),
            num("-1e30"),
            num("-2.5"),
            num("-0"),
            num("0"),
            num("0.1"),
            Number::from_f64(0.1).unwrap(),
            num("0.10000000000000000001"),
            num("1").div(&num("3")).unwrap(),
            Number::from_i64(1).div(&Number::from_i64(3)).unwrap(),
            num("0.3333333333333333"),
            Number::from_f64(2f64.sqrt()).unwrap(),
            num("1.4142135623730951"),
            Number::from_f64(2f64.sqrt()).unwrap().mul(&num("1")).unwrap(),
            num("1"),
            Number::from_i64(2),
            num("9223372036854775808"),
            num("1e300"),
            Number::infinity(false),
        ];
        let snapshot = values.clone();
        for a in &snapshot {
            for b in &snapshot {
                assert_eq!(a.cmp(b), b.cmp(a).reverse(), "{a:?} vs {b:?}");
                assert_eq!(a == b, a.cmp(b) == Ordering::Equal);
                for c in &snapshot {
                    if a <= b && b <= c {
                        assert!(a <= c, "{a:?} <= {b:?} <= {c:?}");
                    }
                }
            }
        }
        values.sort();
        assert!(values.windows(2).all(|w| w[0] <= w[1]));
        assert!(values.first().unwrap().is_infinite() && values.last().unwrap().is_infinite());
    }

    #[test]
    fn to_f64_rounds_to_nearest() {
        for s in [
            "0.1", "0.2", "0.3", "1e23", "8.98846567431158e307", "1.7976931348623157e308", "2.2250738585072014e-308",
            "2.225073858507201e-308", "5e-324", "4.9406564584124654e-324", "1e-320", "123456789.123456789", "-2.5",
            "9007199254740993", "18446744073709551615", "0.000001",
        ] {
            let expected: f64 = s.parse().unwrap();
            assert_eq!(num(s).to_f64(), expected, "{s}");
        }
        assert_eq!(num("1e309").to_f64(), f64::INFINITY);
        assert_eq!(num("-1e309").to_f64(), f64::NEG_INFINITY);
        assert_eq!(num("2e-324").to_f64(), 0.0);
        assert!(num("-1e-400").to_f64().is_sign_negative());
        // Exactly half of the smallest subnormal rounds to even (zero); a bit more rounds up.
        assert_eq!(num("2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324").to_f64(), 0.0);
        assert_eq!(num("2.4703282292062328e-324").to_f64(), 5e-324);
        assert_eq!(Number::from_i64(i64::MAX).to_f64(), i64::MAX as f64);
        assert_eq!(Number::infinity(true).to_f64(), f64::NEG_INFINITY);
    }

    #[test]
    fn from_f64_is_exact() {
        let d = Number::from_f64(0.1).unwrap().exact_decimal().unwrap();
        assert_eq!(d.digits, "1000000000000000055511151231257827021181583404541015625");
        assert_eq!(d.exponent, 0);
        assert_eq!(Number::from_f64(5e-324).unwrap().to_f64(), 5e-324);
        assert_eq!(Number::from_f64(f64::MAX).unwrap().to_f64(), f64::MAX);
        assert!(Number::from_f64(-0.0).unwrap().is_sign_negative());
        assert!(Number::from_f64(f64::NEG_INFINITY).unwrap().is_infinite());
        assert!(Number::from_f64(f64::NAN).is_none());
        assert_eq!(Number::from_f64(0.1).unwrap().to_string(), "0.1");
    }

    #[test]
    fn integer_accessors() {
        assert_eq!(num("-42").to_i64(), Some(-42));
        assert_eq!(num("-9223372036854775808").to_i64(), Some(i64::MIN));
        assert_eq!(num("9223372036854775808").to_i64(), None);
        assert_eq!(num("9223372036854775808").to_u64(), Some(1 << 63));
        assert_eq!(num("18446744073709551616").to_u64(), None);
        assert_eq!(num("-1").to_u64(), None);
        assert_eq!(num("-0").to_u64(), Some(0));
        assert_eq!(num("2.5").to_i64(), None);
        assert_eq!(num("1e30").to_big_int(), Some("1000000000000000000000000000000".parse().unwrap()));
        assert!(num("1e30").is_integer() && !num("0.5").is_integer() && !Number::infinity(false).is_integer());
        assert!(num("-0").is_zero() && !num("-0").is_negative() && num("-0").is_sign_negative());
        assert!(num("-1e-300").is_negative() && Number::infinity(true).is_negative());
        assert_eq!((num("-3").signum(), num("-0").signum(), num("0.1").signum()), (-1, 0, 1));
        assert_eq!(Number::from_i64(i64::MIN).to_string(), "-9223372036854775808");
        assert_eq!(Number::from_u64(u64::MAX).to_string(), "18446744073709551615");
        assert_eq!(num("-2.5").trunc().to_string(), "-2");
        assert_eq!(num("1e300").trunc(), num("1e300"));
    }

    #[test]
    fn parse_accepts_only_what_terraform_accepts() {
        // Rejected by `tonumber` in Terraform 1.11.4.
        for bad in [" 5", "5 ", "1_000", "0x10", "", "-", "1e", "1e+", ".", "1.2.3", "e5", "5x", "INF", "Infinity", "1e99999999999999999999"] {
            assert!(Number::parse(bad).is_none(), "{bad:?}");
        }
        // Exponents beyond Go's binary exponent range are rejected before rounding.
        assert!(Number::parse("1e9999999999").is_none());
        assert_eq!(num("0e9999999999").to_string(), "0");
        assert_eq!(num("1.5").precision(), 512);
        assert_eq!(num("7").precision(), 512);
        assert_eq!(Number::from_i64(7).precision(), 64);
        assert_eq!(Number::from_f64(7.0).unwrap().precision(), 53);
    }

    #[test]
    fn precision_follows_operands() {
        let three = Number::from_i64(3);
        // 64-bit operands: the quotient has 64 bits.
        assert_eq!(Number::from_i64(1).div(&three).unwrap().precision(), 64);
        // A literal widens it to 512.
        assert_eq!(num("1").div(&three).unwrap().precision(), 512);
        // Products keep the wider operand precision, or the bits the product needs. The texts
        // are Terraform 1.11.4's for the same values built with `parseint` (64-bit integers):
        // (parseint("10000000000",16)+parseint("1",10)) * (parseint("10000000000",16)+parseint("1",10))
        let big = Number::from_i64(1 << 40).add(&Number::from_i64(1)).unwrap();
        let square = big.mul(&big).unwrap();
        assert_eq!(square.precision(), 81);
        assert_eq!(square.to_string(), "1208925819616828197961729");
        // parseint("10000000000",16) * parseint("10000000000",16) + parseint("1",10): 64-bit
        // addition rounds 2^80 + 1 to 2^80, which prints with 20 significant digits.
        let two80 = Number::from_i64(1 << 40).mul(&Number::from_i64(1 << 40)).unwrap();
        let sum = two80.add(&Number::from_i64(1)).unwrap();
        assert_eq!(sum, two80);
        assert_eq!(sum.to_string(), "1208925819614629174700000");
        // parseint("10000000000",16) * parseint("10000000000",16) + 1: a literal widens to 512.
        assert_eq!(two80.add(&num("1")).unwrap().to_string(), "1208925819614629174706177");
    }

    #[test]
    fn decimals() {
        let d = num("-0.015").shortest_decimal().unwrap();
        assert_eq!((d.negative, d.digits.as_str(), d.exponent), (true, "15", -1));
        assert_eq!(num("1500").shortest_decimal().unwrap().digits, "15");
        assert_eq!(num("0").shortest_decimal().unwrap().digits, "");
        assert!(Number::infinity(false).shortest_decimal().is_none());
        let exact = num("0.1").exact_decimal().unwrap();
        assert!(exact.digits.starts_with("1000000000000000000000000000000000000000000000000000000000000000000"));
        assert_eq!(exact.exponent, 0);
    }

    #[test]
    fn huge_exponent_gaps_add_quickly_and_correctly() {
        let big = num("1e1000000");
        let tiny = num("1e-1000000");
        assert_eq!(big.add(&tiny).unwrap(), big);
        assert_eq!(tiny.sub(&big).unwrap(), big.neg());
        assert_eq!(tiny.add(&tiny).unwrap(), tiny.mul(&num("2")).unwrap());
    }

    /// Counts heap allocations made by the current thread while [`COUNTING`] is set, to check
    /// that inline integers never allocate.
    mod alloc_counter {
        use std::alloc::{GlobalAlloc, Layout, System};
        use std::cell::Cell;

        thread_local! {
            pub static COUNTING: Cell<bool> = const { Cell::new(false) };
            pub static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
        }

        pub struct Counter;

        unsafe impl GlobalAlloc for Counter {
            unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
                if COUNTING.with(Cell::get) {
                    ALLOCATIONS.with(|a| a.set(a.get() + 1));
                }
                // SAFETY: forwarded unchanged to the system allocator.
                unsafe { System.alloc(layout) }
            }
            unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
                // SAFETY: forwarded unchanged to the system allocator.
                unsafe { System.dealloc(ptr, layout) }
            }
        }

        #[global_allocator]
        static GLOBAL: Counter = Counter;
    }

    #[test]
    fn integer_arithmetic_compare_hash_and_format_do_not_allocate() {
        use std::fmt::Write as _;
        let mut text = String::with_capacity(64);
        let index = Number::from_i64(9_999);
        let literal = num("3");
        alloc_counter::COUNTING.with(|c| c.set(true));
        let sum = index.add(&literal).unwrap();
        let difference = index.sub(&literal).unwrap();
        let product = index.mul(&literal).unwrap();
        let quotient = num("9999").div(&literal).unwrap();
        let remainder = index.rem(&literal).unwrap();
        let ordered = sum > difference && index == num("9999");
        let hashed = hash_of(&product);
        write!(text, "{sum} {difference} {product} {quotient} {remainder}").unwrap();
        let _ = index.neg().abs().floor();
        alloc_counter::COUNTING.with(|c| c.set(false));
        let allocations = alloc_counter::ALLOCATIONS.with(|a| a.get());
        assert!(ordered && hashed != 0);
        assert_eq!(text, "10002 9996 29997 3333 0");
        assert_eq!(allocations, 0);
    }
}
