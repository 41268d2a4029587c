//! A gzip writer whose output is byte-identical to Go's `compress/gzip` at its default level.
//!
//! Why this exists: Terraform's `base64gzip` compresses with Go's `gzip.NewWriter` (compression
//! level 6 of Go's own `compress/flate`), then calls `Write`, `Flush` and `Close`. DEFLATE leaves
//! the encoder free to choose its matches, block boundaries and Huffman codes, and Go's choices
//! differ from zlib's (and miniz's): another hash function and chain handling, a minimum emitted
//! match length of 4, its own length-limited Huffman construction and its own rule for picking
//! stored, fixed or dynamic blocks. Users compare `base64gzip` results (in `user_data`, in
//! hashes, in plans), so `infra` must reproduce Go's bytes exactly, not merely produce a valid
//! stream. This module implements just the level 6 path of Go's encoder and the gzip framing.
//!
//! What Go's writer produces, and so what [`gzip`] produces:
//! - a 10-byte header `1f 8b 08 00 00000000 00 ff`: no flags, no modification time, extra flags
//!   0 (neither best speed nor best compression), OS 255 "unknown";
//! - the compressed blocks: the lazy matcher emits literal/match tokens into a block of at most
//!   16384 tokens; each block is written as stored, fixed-Huffman or dynamic-Huffman, whichever
//!   Go's size estimate says is smallest;
//! - `Flush`: an empty non-final stored block (`00 00 00 ff ff` once byte-aligned);
//! - `Close`: an empty final stored block (`01 00 00 ff ff`);
//! - the trailer: CRC-32 (IEEE) and the input length modulo 2³², little-endian.
//!
//! Nothing here can fail: the output goes to memory.

/// Size of the sliding window (the largest match distance).
const WINDOW_SIZE: usize = 1 << 15;
const WINDOW_MASK: usize = WINDOW_SIZE - 1;
/// The smallest match the format allows (lengths are stored minus this).
const BASE_MATCH_LENGTH: usize = 3;
/// The smallest match Go's matcher emits.
const MIN_MATCH_LENGTH: usize = 4;
const MAX_MATCH_LENGTH: usize = 258;
/// Go cuts a block once it holds this many tokens.
const MAX_FLATE_BLOCK_TOKENS: usize = 1 << 14;
const MAX_STORE_BLOCK_SIZE: usize = 65535;
const HASH_BITS: u32 = 17;
const HASH_SIZE: usize = 1 << HASH_BITS;
/// Hash-chain entries hold absolute positions plus an offset; past this the table is rebased.
const MAX_HASH_OFFSET: i64 = 1 << 24;
/// The multiplier of Go's 4-byte hash.
const HASH_MUL: u32 = 0x1e35_a7bd;

/// Level 6 parameters: "good" match length (search a quarter of the chain beyond it), the lazy
/// threshold (no lazy search past a match this long), "nice" length (stop searching) and the
/// longest chain walked.
const GOOD: usize = 8;
const LAZY: usize = 16;
const NICE: usize = 128;
const CHAIN: usize = 128;

const MAX_NUM_LIT: usize = 286;
const OFFSET_CODE_COUNT: usize = 30;
const CODEGEN_CODE_COUNT: usize = 19;
const END_BLOCK_MARKER: usize = 256;
const LENGTH_CODES_START: usize = 257;

/// Extra bits of length codes 257..=285.
const LENGTH_EXTRA_BITS: [u32; 29] =
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/// Smallest (length − 3) of each length code.
const LENGTH_BASE: [u32; 29] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 255];
const OFFSET_EXTRA_BITS: [u32; 30] =
    [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/// Smallest (distance − 1) of each distance code.
const OFFSET_BASE: [u32; 30] = [
    0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0006, 0x0008, 0x000c, 0x0010, 0x0018, 0x0020, 0x0030, 0x0040, 0x0060,
    0x0080, 0x00c0, 0x0100, 0x0180, 0x0200, 0x0300, 0x0400, 0x0600, 0x0800, 0x0c00, 0x1000, 0x1800, 0x2000, 0x3000,
    0x4000, 0x6000,
];
/// The order RFC 1951 stores code-length code lengths in.
const CODEGEN_ORDER: [usize; CODEGEN_CODE_COUNT] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/// Compresses `data` exactly as Terraform's `base64gzip` does before base64-encoding:
/// Go's `gzip.NewWriter` (default level), one `Write` of all of `data`, `Flush`, `Close`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    let mut compressor = Compressor::new(out);
    compressor.write(data);
    compressor.sync_flush();
    let mut out = compressor.close();
    out.extend_from_slice(&crc32(data).to_le_bytes());
    // RFC 1952 stores the size modulo 2^32; Go's writer wraps its counter the same way.
    out.extend_from_slice(&(data.len() as u64 as u32).to_le_bytes());
    out
}

/// CRC-32 with the IEEE polynomial (reflected), as the gzip trailer needs.
pub fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    let mut crc = !0u32;
    for &b in data {
        crc = TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

// ----- tokens -----

/// One LZ77 output symbol: a literal byte (or the end-of-block marker, 256), or a match with its
/// length minus 3 and its distance minus 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Literal(u16),
    Match { xlength: u32, xoffset: u32 },
}

/// Index (0..=28) of the length code for `xlength` = length − 3.
fn length_code(xlength: u32) -> usize {
    LENGTH_BASE.partition_point(|&b| b <= xlength).saturating_sub(1)
}

/// Index (0..=29) of the distance code for `xoffset` = distance − 1.
fn offset_code(xoffset: u32) -> usize {
    OFFSET_BASE.partition_point(|&b| b <= xoffset).saturating_sub(1)
}

// ----- the matcher -----

/// Go's `hash4`: the first four bytes, big-endian, times a constant, top 17 bits.
fn hash4(b: &[u8]) -> usize {
    let v = match b {
        [b0, b1, b2, b3, ..] => u32::from(*b3) | u32::from(*b2) << 8 | u32::from(*b1) << 16 | u32::from(*b0) << 24,
        _ => 0,
    };
    (v.wrapping_mul(HASH_MUL) >> (32 - HASH_BITS)) as usize
}

/// Number of equal leading bytes of `a` and `b`, at most `max`.
fn match_len(a: &[u8], b: &[u8], max: usize) -> usize {
    let max = max.min(a.len()).min(b.len());
    let (a, b) = (&a[..max], &b[..max]);
    // Eight bytes at a time: the first differing byte is the lowest set byte of the XOR.
    let mut n = 0;
    while n + 8 <= max {
        let x = u64::from_le_bytes(a[n..n + 8].try_into().unwrap_or_default());
        let y = u64::from_le_bytes(b[n..n + 8].try_into().unwrap_or_default());
        if x != y {
            return n + ((x ^ y).trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while n < max && a[n] == b[n] {
        n += 1;
    }
    n
}

/// The state of Go's level 2–9 compressor (`compressor` with `fillDeflate`/`deflate`), level 6.
///
/// Positions in the hash tables are stored as `position + hash_offset` (0 = empty); sliding the
/// window adds `WINDOW_SIZE` to the offset instead of rewriting the tables.
struct Compressor {
    writer: BlockWriter,
    /// Two windows: the 32 KiB that matches may refer to, then the data being looked at.
    window: Vec<u8>,
    window_end: usize,
    /// Next position to process; data in `window[index..window_end]` is not yet tokenised.
    index: usize,
    /// Where the tokens of the current block start in `window`; `i64::from(i32::MAX)` once that
    /// start slid out of the window (the block can then not be stored verbatim).
    block_start: i64,
    hash_head: Vec<u32>,
    hash_prev: Vec<u32>,
    hash_offset: i64,
    /// The previous chain head found for the last hashed position. Near the end of the input no
    /// new positions are hashed and Go keeps searching from this stale head; so do we.
    chain_head: i64,
    max_insert_index: i64,
    /// True while the byte at `index − 1` still awaits a literal or a match (lazy matching).
    byte_available: bool,
    /// Best match found at the previous position (length, distance).
    length: usize,
    offset: usize,
    tokens: Vec<Token>,
    /// Set while flushing or closing: process the window to its end.
    sync: bool,
}

impl Compressor {
    fn new(out: Vec<u8>) -> Self {
        Compressor {
            writer: BlockWriter::new(out),
            window: vec![0; 2 * WINDOW_SIZE],
            window_end: 0,
            index: 0,
            block_start: 0,
            hash_head: vec![0; HASH_SIZE],
            hash_prev: vec![0; WINDOW_SIZE],
            hash_offset: 1,
            chain_head: -1,
            max_insert_index: 0,
            byte_available: false,
            length: MIN_MATCH_LENGTH - 1,
            offset: 0,
            tokens: Vec::with_capacity(MAX_FLATE_BLOCK_TOKENS + 1),
            sync: false,
        }
    }

    /// Go's `Write`: alternate between tokenising what the window holds and refilling it.
    fn write(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            self.deflate();
            let n = self.fill(data);
            data = data.get(n..).unwrap_or_default();
        }
    }

    /// Go's `Flush`: tokenise everything, write the pending block, then an empty stored block.
    fn sync_flush(&mut self) {
        self.sync = true;
        self.deflate();
        self.writer.write_stored_header(0, false);
        self.writer.bits.flush();
        self.sync = false;
    }

    /// Go's `Close`: like a flush, but the empty stored block is marked final.
    fn close(mut self) -> Vec<u8> {
        self.sync = true;
        self.deflate();
        self.writer.write_stored_header(0, true);
        self.writer.bits.flush();
        self.writer.bits.out
    }

    /// Copies as much of `data` into the window as fits, first sliding the window down by
    /// `WINDOW_SIZE` when the processing point nears its end. Returns the bytes taken.
    fn fill(&mut self, data: &[u8]) -> usize {
        if self.index >= 2 * WINDOW_SIZE - (MIN_MATCH_LENGTH + MAX_MATCH_LENGTH) {
            self.window.copy_within(WINDOW_SIZE..2 * WINDOW_SIZE, 0);
            self.index -= WINDOW_SIZE;
            self.window_end -= WINDOW_SIZE;
            if self.block_start >= WINDOW_SIZE as i64 {
                self.block_start -= WINDOW_SIZE as i64;
            } else {
                self.block_start = i64::from(i32::MAX);
            }
            self.hash_offset += WINDOW_SIZE as i64;
            if self.hash_offset > MAX_HASH_OFFSET {
                let delta = self.hash_offset - 1;
                self.hash_offset -= delta;
                self.chain_head -= delta;
                let rebase = |v: &mut u32| *v = if i64::from(*v) > delta { (i64::from(*v) - delta) as u32 } else { 0 };
                self.hash_prev.iter_mut().for_each(rebase);
                self.hash_head.iter_mut().for_each(rebase);
            }
        }
        let room = self.window.len() - self.window_end;
        let n = room.min(data.len());
        self.window[self.window_end..self.window_end + n].copy_from_slice(&data[..n]);
        self.window_end += n;
        n
    }

    /// Records position `index` in its hash chain and returns the previous head of that chain.
    fn insert_hash(&mut self, index: usize) -> u32 {
        let h = hash4(&self.window[index..]);
        let prev = self.hash_head[h];
        self.hash_prev[index & WINDOW_MASK] = prev;
        self.hash_head[h] = (index as i64 + self.hash_offset) as u32;
        prev
    }

    /// Go's `deflate` step with lazy matching: a match found at position p is only taken if the
    /// search at p + 1 finds nothing longer; otherwise p becomes a literal.
    fn deflate(&mut self) {
        if self.window_end - self.index < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH && !self.sync {
            return;
        }
        self.max_insert_index = self.window_end as i64 - (MIN_MATCH_LENGTH as i64 - 1);
        loop {
            let lookahead = self.window_end - self.index;
            if lookahead < MIN_MATCH_LENGTH + MAX_MATCH_LENGTH {
                if !self.sync {
                    break;
                }
                if lookahead == 0 {
                    if self.byte_available {
                        let byte = self.window[self.index - 1];
                        self.tokens.push(Token::Literal(u16::from(byte)));
                        self.byte_available = false;
                    }
                    if !self.tokens.is_empty() {
                        self.write_block(self.index);
                    }
                    break;
                }
            }
            if (self.index as i64) < self.max_insert_index {
                self.chain_head = i64::from(self.insert_hash(self.index));
            }
            let prev_length = self.length;
            let prev_offset = self.offset;
            self.length = MIN_MATCH_LENGTH - 1;
            self.offset = 0;
            let min_index = (self.index as i64 - WINDOW_SIZE as i64).max(0);
            let head = self.chain_head - self.hash_offset;
            if head >= min_index && lookahead > prev_length && prev_length < LAZY {
                if let Some((length, offset)) = self.find_match(self.index, head, MIN_MATCH_LENGTH - 1, lookahead) {
                    self.length = length;
                    self.offset = offset;
                }
            }
            if prev_length >= MIN_MATCH_LENGTH && self.length <= prev_length {
                // The match at the previous position stands: emit it and hash the positions it
                // covers (the current one is already hashed).
                self.tokens.push(Token::Match {
                    xlength: (prev_length - BASE_MATCH_LENGTH) as u32,
                    xoffset: (prev_offset - 1) as u32,
                });
                let new_index = self.index + prev_length - 1;
                self.index += 1;
                while self.index < new_index {
                    if (self.index as i64) < self.max_insert_index {
                        self.insert_hash(self.index);
                    }
                    self.index += 1;
                }
                self.byte_available = false;
                self.length = MIN_MATCH_LENGTH - 1;
                if self.tokens.len() == MAX_FLATE_BLOCK_TOKENS {
                    self.write_block(self.index);
                }
            } else {
                if self.byte_available {
                    let i = self.index - 1;
                    self.tokens.push(Token::Literal(u16::from(self.window[i])));
                    if self.tokens.len() == MAX_FLATE_BLOCK_TOKENS {
                        self.write_block(i + 1);
                    }
                }
                self.index += 1;
                self.byte_available = true;
            }
        }
    }

    /// Walks the hash chain from `prev_head` looking for a match at `pos` longer than
    /// `prev_length`. Returns (length, distance) of the best one. Matches of exactly 4 bytes only
    /// count within 4096 bytes, as in Go.
    fn find_match(&self, pos: usize, prev_head: i64, prev_length: usize, lookahead: usize) -> Option<(usize, usize)> {
        let min_match_look = MAX_MATCH_LENGTH.min(lookahead);
        let win = self.window.get(..pos + min_match_look)?;
        let nice = NICE.min(min_match_look);
        let mut tries = CHAIN;
        let mut length = prev_length;
        if length >= GOOD {
            tries >>= 2;
        }
        let mut w_end = *win.get(pos + length)?;
        let w_pos = win.get(pos..)?;
        let min_index = pos as i64 - WINDOW_SIZE as i64;
        let mut best = None;
        let mut i = prev_head;
        while tries > 0 {
            // The chain only links earlier positions still in the window; the guards below
            // never fire on a consistent chain.
            let Some(candidate) = usize::try_from(i).ok().filter(|&c| c < pos) else { break };
            if win.get(candidate + length) == Some(&w_end) {
                let n = match_len(&win[candidate..], w_pos, min_match_look);
                if n > length && (n > MIN_MATCH_LENGTH || pos - candidate <= 4096) {
                    length = n;
                    best = Some((n, pos - candidate));
                    if n >= nice {
                        break;
                    }
                    let Some(&next) = win.get(pos + n) else { break };
                    w_end = next;
                }
            }
            if i == min_index {
                // The chain entry for this slot was overwritten by a newer position.
                break;
            }
            i = i64::from(self.hash_prev[candidate & WINDOW_MASK]) - self.hash_offset;
            if i < min_index || i < 0 {
                break;
            }
            tries -= 1;
        }
        best
    }

    /// Hands the pending tokens to the block writer, with the input bytes they encode when those
    /// are still in the window (so the block may be stored instead), and starts a new block.
    fn write_block(&mut self, index: usize) {
        if index > 0 {
            let input = if self.block_start <= index as i64 {
                usize::try_from(self.block_start).ok().and_then(|start| self.window.get(start..index))
            } else {
                None
            };
            self.block_start = index as i64;
            self.writer.write_block(&self.tokens, false, input);
        }
        self.tokens.clear();
    }
}

// ----- bit output -----

/// Bits are packed least-significant first, as DEFLATE requires.
struct BitSink {
    out: Vec<u8>,
    bits: u64,
    nbits: u32,
}

impl BitSink {
    fn write_bits(&mut self, value: u32, nbits: u32) {
        self.bits |= u64::from(value) << self.nbits;
        self.nbits += nbits;
        while self.nbits >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.nbits -= 8;
        }
    }

    fn write_code(&mut self, code: Code) {
        self.write_bits(u32::from(code.code), u32::from(code.len));
    }

    /// Pads with zero bits to a byte boundary.
    fn flush(&mut self) {
        if self.nbits > 0 {
            self.out.push(self.bits as u8);
        }
        self.bits = 0;
        self.nbits = 0;
    }
}

// ----- Huffman codes -----

/// A code word, bit-reversed so it can be written least-significant bit first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Code {
    code: u16,
    len: u16,
}

/// Go's `huffmanEncoder`: the code of every symbol, rebuilt from frequencies per block.
struct HuffmanEncoder {
    codes: Vec<Code>,
}

#[derive(Clone, Copy)]
struct LiteralNode {
    literal: u16,
    freq: i32,
}

/// Per code length, the state of Go's length-limited code construction.
#[derive(Clone, Copy, Default)]
struct LevelInfo {
    last_freq: i32,
    next_char_freq: i32,
    next_pair_freq: i32,
    needed: i32,
}

fn reverse_bits(code: u32, len: u32) -> u16 {
    if len == 0 || len > 16 {
        return 0;
    }
    ((code as u16).reverse_bits()) >> (16 - len)
}

impl HuffmanEncoder {
    fn new(size: usize) -> Self {
        HuffmanEncoder { codes: vec![Code::default(); size] }
    }

    fn fixed_literal() -> Self {
        let codes = (0..MAX_NUM_LIT as u32)
            .map(|ch| {
                let (bits, len) = match ch {
                    0..=143 => (ch + 48, 8),
                    144..=255 => (ch + 400 - 144, 9),
                    256..=279 => (ch - 256, 7),
                    _ => (ch + 192 - 280, 8),
                };
                Code { code: reverse_bits(bits, len), len: len as u16 }
            })
            .collect();
        HuffmanEncoder { codes }
    }

    fn fixed_offset() -> Self {
        let codes = (0..OFFSET_CODE_COUNT as u32).map(|i| Code { code: reverse_bits(i, 5), len: 5 }).collect();
        HuffmanEncoder { codes }
    }

    /// Bits needed to encode symbols with these frequencies.
    fn bit_length(&self, freq: &[i32]) -> i64 {
        freq.iter().zip(&self.codes).map(|(&f, c)| i64::from(f) * i64::from(c.len)).sum()
    }

    /// Go's `generate`: lengths no longer than `max_bits`, then canonical codes. Symbols of equal
    /// frequency are ordered by value; with two or fewer symbols every used symbol gets 1 bit.
    fn generate(&mut self, freq: &[i32], max_bits: i32) {
        let mut list = Vec::with_capacity(freq.len() + 1);
        for (i, &f) in freq.iter().enumerate() {
            if f != 0 {
                list.push(LiteralNode { literal: i as u16, freq: f });
            } else if let Some(c) = self.codes.get_mut(i) {
                c.len = 0;
            }
        }
        if list.len() <= 2 {
            for (i, node) in list.iter().enumerate() {
                if let Some(c) = self.codes.get_mut(usize::from(node.literal)) {
                    *c = Code { code: i as u16, len: 1 };
                }
            }
            return;
        }
        list.sort_by_key(|n| (n.freq, n.literal));
        let bit_count = bit_counts(&list, max_bits);
        self.assign_codes(&bit_count, &mut list);
    }

    /// Gives the most frequent symbols the shortest lengths; within one length, codes ascend
    /// with the symbol value (canonical Huffman, RFC 1951 3.2.2).
    fn assign_codes(&mut self, bit_count: &[i32], list: &mut [LiteralNode]) {
        let mut code: u32 = 0;
        let mut remaining = list.len();
        for (len, &count) in bit_count.iter().enumerate() {
            code <<= 1;
            if len == 0 || count <= 0 {
                continue;
            }
            let count = (count as usize).min(remaining);
            let chunk = &mut list[remaining - count..remaining];
            chunk.sort_by_key(|n| n.literal);
            for node in chunk.iter() {
                if let Some(c) = self.codes.get_mut(usize::from(node.literal)) {
                    *c = Code { code: reverse_bits(code, len as u32), len: len as u16 };
                }
                code += 1;
            }
            remaining -= count;
        }
    }
}

/// Go's `bitCounts`: how many symbols get each code length (index = length), for `list` sorted by
/// ascending frequency with at least three entries. A package-merge variant that builds chains
/// level by level from the longest allowed length down, so the result honours `max_bits`.
fn bit_counts(list: &[LiteralNode], max_bits: i32) -> Vec<i32> {
    const MAX_BITS_LIMIT: usize = 16;
    let n = list.len() as i32;
    let freq_at = |k: i32| usize::try_from(k).ok().and_then(|k| list.get(k)).map_or(i32::MAX, |node| node.freq);
    let max_bits = max_bits.min(n - 1).clamp(1, MAX_BITS_LIMIT as i32 - 1) as usize;

    let mut levels = [LevelInfo::default(); MAX_BITS_LIMIT + 1];
    // leaf_counts[i][j]: symbols left of the level-j ancestor of the rightmost node at level i.
    let mut leaf_counts = [[0i32; MAX_BITS_LIMIT + 1]; MAX_BITS_LIMIT + 1];
    for level in 1..=max_bits {
        levels[level] = LevelInfo {
            last_freq: freq_at(1),
            next_char_freq: freq_at(2),
            next_pair_freq: if level == 1 { i32::MAX } else { freq_at(0).saturating_add(freq_at(1)) },
            needed: 0,
        };
        leaf_counts[level][level] = 2;
    }
    levels[max_bits].needed = 2 * n - 4;

    let mut level = max_bits;
    while (1..=max_bits).contains(&level) {
        let l = levels[level];
        if l.next_pair_freq == i32::MAX && l.next_char_freq == i32::MAX {
            // Out of leaves and pairs: this level is done; make sure nothing comes back to it.
            levels[level].needed = 0;
            levels[level + 1].next_pair_freq = i32::MAX;
            level += 1;
            continue;
        }
        let prev_freq = l.last_freq;
        if l.next_char_freq < l.next_pair_freq {
            // The next node at this level is a leaf.
            let next = leaf_counts[level][level] + 1;
            levels[level].last_freq = l.next_char_freq;
            leaf_counts[level][level] = next;
            levels[level].next_char_freq = freq_at(next);
        } else {
            // The next node is a pair from the level below, which must produce two more.
            levels[level].last_freq = l.next_pair_freq;
            let (below, here) = leaf_counts.split_at_mut(level);
            here[0][..level].copy_from_slice(&below[level - 1][..level]);
            levels[level - 1].needed = 2;
        }
        levels[level].needed -= 1;
        if levels[level].needed == 0 {
            if level == max_bits {
                break;
            }
            levels[level + 1].next_pair_freq = prev_freq.saturating_add(levels[level].last_freq);
            level += 1;
        } else {
            while level > 1 && levels[level - 1].needed > 0 {
                level -= 1;
            }
        }
    }

    let counts = &leaf_counts[max_bits];
    let mut bit_count = vec![0i32; max_bits + 1];
    for (bits, level) in (1..=max_bits).rev().enumerate() {
        bit_count[bits + 1] = counts[level] - counts[level - 1];
    }
    bit_count
}

// ----- blocks -----

/// Go's `huffmanBitWriter`, the parts the level 6 path uses: choose the cheapest block type for
/// a run of tokens and write it.
struct BlockWriter {
    bits: BitSink,
    literal_freq: [i32; MAX_NUM_LIT],
    offset_freq: [i32; OFFSET_CODE_COUNT],
    codegen_freq: [i32; CODEGEN_CODE_COUNT],
    /// The run-length coded code lengths of the literal and offset codes: code-length symbols
    /// 0..=18, each of 16/17/18 followed by its repeat count.
    codegen: Vec<u8>,
    literal_encoding: HuffmanEncoder,
    offset_encoding: HuffmanEncoder,
    codegen_encoding: HuffmanEncoder,
    fixed_literal: HuffmanEncoder,
    fixed_offset: HuffmanEncoder,
}

impl BlockWriter {
    fn new(out: Vec<u8>) -> Self {
        BlockWriter {
            bits: BitSink { out, bits: 0, nbits: 0 },
            literal_freq: [0; MAX_NUM_LIT],
            offset_freq: [0; OFFSET_CODE_COUNT],
            codegen_freq: [0; CODEGEN_CODE_COUNT],
            codegen: Vec::with_capacity(MAX_NUM_LIT + OFFSET_CODE_COUNT + 1),
            literal_encoding: HuffmanEncoder::new(MAX_NUM_LIT),
            offset_encoding: HuffmanEncoder::new(OFFSET_CODE_COUNT),
            codegen_encoding: HuffmanEncoder::new(CODEGEN_CODE_COUNT),
            fixed_literal: HuffmanEncoder::fixed_literal(),
            fixed_offset: HuffmanEncoder::fixed_offset(),
        }
    }

    fn write_stored_header(&mut self, length: usize, eof: bool) {
        self.bits.write_bits(u32::from(eof), 3);
        self.bits.flush();
        let length = length as u16;
        self.bits.write_bits(u32::from(length), 16);
        self.bits.write_bits(u32::from(!length), 16);
    }

    fn write_fixed_header(&mut self, eof: bool) {
        self.bits.write_bits(if eof { 3 } else { 2 }, 3);
    }

    /// Writes `tokens` plus an end-of-block marker in whichever form Go estimates smallest:
    /// fixed Huffman, dynamic Huffman, or — when `input` (the bytes the tokens encode) is known
    /// and fits — stored.
    fn write_block(&mut self, tokens: &[Token], eof: bool, input: Option<&[u8]>) {
        let (num_literals, num_offsets) = self.index_tokens(tokens);

        let stored = input.filter(|i| i.len() <= MAX_STORE_BLOCK_SIZE);
        let mut extra_bits: i64 = 0;
        if stored.is_some() {
            // Extra bits cost the same in both Huffman forms; they only matter against stored.
            for code in LENGTH_CODES_START + 8..num_literals {
                extra_bits += i64::from(self.literal_freq[code])
                    * i64::from(LENGTH_EXTRA_BITS.get(code - LENGTH_CODES_START).copied().unwrap_or(0));
            }
            for (freq, extra) in self.offset_freq.iter().zip(OFFSET_EXTRA_BITS).take(num_offsets).skip(4) {
                extra_bits += i64::from(*freq) * i64::from(extra);
            }
        }

        let mut size = 3
            + self.fixed_literal.bit_length(&self.literal_freq)
            + self.fixed_offset.bit_length(&self.offset_freq)
            + extra_bits;

        self.generate_codegen(num_literals, num_offsets);
        self.codegen_encoding.generate(&self.codegen_freq, 7);
        let (dynamic_size, num_codegens) = self.dynamic_size(extra_bits);
        let dynamic = dynamic_size < size;
        if dynamic {
            size = dynamic_size;
        }

        if let Some(input) = stored {
            if ((input.len() as i64) + 5) * 8 < size {
                self.write_stored_header(input.len(), eof);
                // A stored header leaves the output byte-aligned.
                self.bits.out.extend_from_slice(input);
                return;
            }
        }

        if dynamic {
            self.write_dynamic_header(num_literals, num_offsets, num_codegens, eof);
            write_tokens(&mut self.bits, tokens, &self.literal_encoding.codes, &self.offset_encoding.codes);
        } else {
            self.write_fixed_header(eof);
            write_tokens(&mut self.bits, tokens, &self.fixed_literal.codes, &self.fixed_offset.codes);
        }
    }

    /// Counts symbol frequencies (with the end-of-block marker), builds the dynamic codes and
    /// returns how many literal/length and offset codes the block needs.
    fn index_tokens(&mut self, tokens: &[Token]) -> (usize, usize) {
        self.literal_freq = [0; MAX_NUM_LIT];
        self.offset_freq = [0; OFFSET_CODE_COUNT];
        for token in tokens {
            match *token {
                Token::Literal(l) => {
                    if let Some(f) = self.literal_freq.get_mut(usize::from(l)) {
                        *f += 1;
                    }
                }
                Token::Match { xlength, xoffset } => {
                    self.literal_freq[LENGTH_CODES_START + length_code(xlength)] += 1;
                    self.offset_freq[offset_code(xoffset)] += 1;
                }
            }
        }
        self.literal_freq[END_BLOCK_MARKER] += 1;

        let mut num_literals = MAX_NUM_LIT;
        while num_literals > END_BLOCK_MARKER + 1 && self.literal_freq[num_literals - 1] == 0 {
            num_literals -= 1;
        }
        let mut num_offsets = OFFSET_CODE_COUNT;
        while num_offsets > 0 && self.offset_freq[num_offsets - 1] == 0 {
            num_offsets -= 1;
        }
        if num_offsets == 0 {
            // A dynamic header must describe at least one distance code.
            self.offset_freq[0] = 1;
            num_offsets = 1;
        }
        self.literal_encoding.generate(&self.literal_freq, 15);
        self.offset_encoding.generate(&self.offset_freq, 15);
        (num_literals, num_offsets)
    }

    /// Run-length codes the literal and offset code lengths (RFC 1951 3.2.7) the way Go does:
    /// runs of a non-zero length as the length then 16s (3–6 repeats), runs of zeros as 18s
    /// (11–138) and a 17 (3–10), and whatever is left over as single symbols.
    fn generate_codegen(&mut self, num_literals: usize, num_offsets: usize) {
        self.codegen_freq = [0; CODEGEN_CODE_COUNT];
        let lengths: Vec<u8> = self.literal_encoding.codes[..num_literals]
            .iter()
            .chain(&self.offset_encoding.codes[..num_offsets])
            .map(|c| c.len as u8)
            .collect();
        let codegen = &mut self.codegen;
        let freq = &mut self.codegen_freq;
        codegen.clear();
        let mut i = 0;
        while i < lengths.len() {
            let size = lengths[i];
            let mut run = lengths[i..].iter().take_while(|&&l| l == size).count() as i32;
            i += run as usize;
            if size != 0 {
                codegen.push(size);
                freq[usize::from(size)] += 1;
                run -= 1;
                while run >= 3 {
                    let n = run.min(6);
                    codegen.extend_from_slice(&[16, (n - 3) as u8]);
                    freq[16] += 1;
                    run -= n;
                }
            } else {
                while run >= 11 {
                    let n = run.min(138);
                    codegen.extend_from_slice(&[18, (n - 11) as u8]);
                    freq[18] += 1;
                    run -= n;
                }
                if run >= 3 {
                    codegen.extend_from_slice(&[17, (run - 3) as u8]);
                    freq[17] += 1;
                    run = 0;
                }
            }
            for _ in 0..run {
                codegen.push(size);
                freq[usize::from(size)] += 1;
            }
        }
    }

    /// Size in bits of the block as dynamic Huffman, and how many code-length code lengths its
    /// header must list (trailing unused ones in RFC order are dropped, keeping at least 4).
    fn dynamic_size(&self, extra_bits: i64) -> (i64, usize) {
        let mut num_codegens = CODEGEN_CODE_COUNT;
        while num_codegens > 4 && self.codegen_freq[CODEGEN_ORDER[num_codegens - 1]] == 0 {
            num_codegens -= 1;
        }
        let header = 3
            + 5
            + 5
            + 4
            + 3 * num_codegens as i64
            + self.codegen_encoding.bit_length(&self.codegen_freq)
            + i64::from(self.codegen_freq[16]) * 2
            + i64::from(self.codegen_freq[17]) * 3
            + i64::from(self.codegen_freq[18]) * 7;
        let size = header
            + self.literal_encoding.bit_length(&self.literal_freq)
            + self.offset_encoding.bit_length(&self.offset_freq)
            + extra_bits;
        (size, num_codegens)
    }

    fn write_dynamic_header(&mut self, num_literals: usize, num_offsets: usize, num_codegens: usize, eof: bool) {
        let bits = &mut self.bits;
        bits.write_bits(if eof { 5 } else { 4 }, 3);
        bits.write_bits((num_literals - 257) as u32, 5);
        bits.write_bits((num_offsets - 1) as u32, 5);
        bits.write_bits((num_codegens - 4) as u32, 4);
        for &symbol in &CODEGEN_ORDER[..num_codegens] {
            bits.write_bits(u32::from(self.codegen_encoding.codes[symbol].len), 3);
        }
        let mut items = self.codegen.iter();
        while let Some(&symbol) = items.next() {
            let code = self.codegen_encoding.codes.get(usize::from(symbol)).copied().unwrap_or_default();
            bits.write_code(code);
            let extra = match symbol {
                16 => 2,
                17 => 3,
                18 => 7,
                _ => continue,
            };
            if let Some(&repeat) = items.next() {
                bits.write_bits(u32::from(repeat), extra);
            }
        }
    }
}

/// Writes `tokens` and the end-of-block marker with the given codes.
fn write_tokens(bits: &mut BitSink, tokens: &[Token], literal_codes: &[Code], offset_codes: &[Code]) {
    let code = |codes: &[Code], i: usize| codes.get(i).copied().unwrap_or_default();
    for token in tokens {
        match *token {
            Token::Literal(l) => bits.write_code(code(literal_codes, usize::from(l))),
            Token::Match { xlength, xoffset } => {
                let lc = length_code(xlength);
                bits.write_code(code(literal_codes, LENGTH_CODES_START + lc));
                if LENGTH_EXTRA_BITS[lc] > 0 {
                    bits.write_bits(xlength - LENGTH_BASE[lc], LENGTH_EXTRA_BITS[lc]);
                }
                let oc = offset_code(xoffset);
                bits.write_code(code(offset_codes, oc));
                if OFFSET_EXTRA_BITS[oc] > 0 {
                    bits.write_bits(xoffset - OFFSET_BASE[oc], OFFSET_EXTRA_BITS[oc]);
                }
            }
        }
    }
    bits.write_code(code(literal_codes, END_BLOCK_MARKER));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_offset_codes_match_rfc1951() {
        // (length − 3, code index): lengths 3, 10, 11, 12, 257, 258.
        for (x, code) in [(0, 0), (7, 7), (8, 8), (9, 8), (254, 27), (255, 28)] {
            assert_eq!(length_code(x), code, "xlength {x}");
        }
        // (distance − 1, code index): distances 1, 4, 5, 7, 24577, 32768.
        for (x, code) in [(0, 0), (3, 3), (4, 4), (6, 5), (0x6000, 29), (0x7fff, 29), (0x5fff, 28)] {
            assert_eq!(offset_code(x), code, "xoffset {x}");
        }
    }

    #[test]
    fn match_len_counts_the_common_prefix() {
        let a = b"abcdefghijklmnopq";
        assert_eq!(match_len(a, b"abcdefghijklmnoX", 16), 15);
        assert_eq!(match_len(a, b"abcdefgX", 8), 7);
        assert_eq!(match_len(a, b"Xbc", 3), 0);
        assert_eq!(match_len(a, a, 10), 10);
        assert_eq!(match_len(b"ab", b"ab", 5), 2);
    }

    #[test]
    fn crc32_of_check_string() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn huffman_lengths_respect_the_limit() {
        // Fibonacci frequencies force a deep tree; the 7-bit limit must still hold and the code
        // must stay complete (Kraft sum exactly 1).
        let mut freq = vec![0i32; CODEGEN_CODE_COUNT];
        let (mut a, mut b) = (1, 1);
        for f in freq.iter_mut() {
            *f = a;
            (a, b) = (b, a + b);
        }
        let mut enc = HuffmanEncoder::new(CODEGEN_CODE_COUNT);
        enc.generate(&freq, 7);
        assert!(enc.codes.iter().all(|c| (1..=7).contains(&c.len)));
        let kraft: f64 = enc.codes.iter().map(|c| 0.5f64.powi(i32::from(c.len))).sum();
        assert!((kraft - 1.0).abs() < 1e-12, "kraft {kraft}");
    }
}
