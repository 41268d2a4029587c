//! The deterministic generator behind `seed` on `random_integer` and `random_shuffle`.
//!
//! HashiCorp's provider turns the seed string into an integer with CRC-64 (ISO polynomial) and
//! feeds it to Go's `math/rand`. This module derives the integer the same way, but generates
//! with SplitMix64 instead of reimplementing Go's additive lagged Fibonacci generator, so a
//! given seed yields the same result on every run of *this* program, not the same result as
//! HashiCorp's provider. HashiCorp's documentation itself warns that seeded results may change
//! across versions.
//!
//! **Invariant:** the output sequence for a seed never changes between releases of infra; the
//! generator, the bounded-integer method and the permutation algorithm here are part of the
//! state compatibility contract (changing them would only affect new objects, but users rely on
//! seeds to reproduce results).

/// CRC-64 with the ISO polynomial, as Go's `hash/crc64` computes it.
pub fn crc64_iso(data: &[u8]) -> u64 {
    const POLY: u64 = 0xD800_0000_0000_0000;
    let mut table = [0u64; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut crc = i as u64;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ POLY } else { crc >> 1 };
        }
        *slot = crc;
    }
    let mut crc = !0u64;
    for &b in data {
        crc = table[((crc as u8) ^ b) as usize] ^ (crc >> 8);
    }
    !crc
}

/// A small deterministic generator (SplitMix64), seeded from a seed string.
pub struct SeededRng {
    state: u64,
}

impl SeededRng {
    pub fn from_seed_str(seed: &str) -> SeededRng {
        SeededRng { state: crc64_iso(seed.as_bytes()) }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..n` (`n > 0`), by rejection so that no value is favoured.
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        // The largest multiple of n that fits; draws at or above it are rejected.
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// A uniform permutation of `0..n`.
    pub fn perm(&mut self, n: usize) -> Vec<usize> {
        perm_with(n, |k| self.below(k))
    }
}

/// A uniform permutation of `0..n` (Go's `rand.Perm` algorithm: inside-out Fisher–Yates),
/// drawing from `below(k)`, which must return a uniform integer in `0..k`.
pub fn perm_with(n: usize, mut below: impl FnMut(u64) -> u64) -> Vec<usize> {
    let mut m = vec![0usize; n];
    for i in 0..n {
        let j = (below(i as u64 + 1) as usize).min(i);
        m[i] = m[j];
        m[j] = i;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_iso_matches_the_published_check_value() {
        // The standard check input "123456789" for CRC-64/GO-ISO.
        assert_eq!(crc64_iso(b"123456789"), 0xB909_56C7_75A4_1001);
    }

    #[test]
    fn perm_is_a_permutation_and_deterministic() {
        let a = SeededRng::from_seed_str("x").perm(10);
        let b = SeededRng::from_seed_str("x").perm(10);
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>());
    }
}
