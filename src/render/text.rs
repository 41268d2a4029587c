//! Small text utilities shared by the renderers: Terraform's colour markup (`[red]…[reset]`, as
//! mitchellh/colorstring writes it) and its word wrapping (mitchellh/go-wordwrap).

/// Expands colorstring-style markup. With colour off every code is removed; with colour on
/// codes become ANSI escapes and a reset is appended, exactly as colorstring's `Color` does,
/// so coloured output matches Terraform's byte for byte.
pub fn colorize(markup: &str, color: bool) -> String {
    let mut out = String::with_capacity(markup.len() + 8);
    paint_into(&mut out, markup, color);
    if color {
        out.push_str(RESET);
    }
    out
}

/// The reset colorstring appends to coloured text.
pub const RESET: &str = "\x1b[0m";

/// [`colorize`] without the final reset, appended to `out`: lets a caller expand markup in
/// pieces (between which it inserts plain text) and add the reset itself.
pub fn paint_into(out: &mut String, markup: &str, color: bool) {
    let mut rest = markup;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        match after.find(']').and_then(|close| code(&after[1..close]).map(|c| (close, c))) {
            Some((close, esc)) => {
                if color {
                    out.push_str(esc);
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
}

fn code(name: &str) -> Option<&'static str> {
    Some(match name {
        "reset" => "\x1b[0m",
        "bold" => "\x1b[1m",
        "underline" => "\x1b[4m",
        "red" => "\x1b[31m",
        "green" => "\x1b[32m",
        "yellow" => "\x1b[33m",
        "cyan" => "\x1b[36m",
        "dark_gray" => "\x1b[90m",
        _ => return None,
    })
}

/// go-wordwrap's `WrapString`: greedy wrapping at `limit` characters, breaking only at
/// whitespace; words longer than the limit stay whole; existing newlines are kept.
pub fn wrap_string(s: &str, limit: usize) -> String {
    let mut buf = String::with_capacity(s.len() + 8);
    let mut current = 0usize;
    let mut word = String::new();
    let mut word_len = 0usize;
    let mut space = String::new();
    let mut space_len = 0usize;
    for ch in s.chars() {
        if ch == '\n' {
            if word.is_empty() {
                if current + space_len <= limit {
                    buf.push_str(&space);
                }
            } else {
                buf.push_str(&space);
                buf.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.clear();
            space_len = 0;
            buf.push('\n');
            current = 0;
        } else if ch.is_whitespace() && ch != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                buf.push_str(&space);
                space.clear();
                space_len = 0;
                buf.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.push(ch);
            space_len += 1;
        } else {
            word.push(ch);
            word_len += 1;
            if current + space_len + word_len > limit && word_len < limit {
                buf.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= limit {
            buf.push_str(&space);
        }
    } else {
        buf.push_str(&space);
        buf.push_str(&word);
    }
    buf
}

/// Terraform's `format.WordWrap`: wraps each line not starting with a space at `width - 1`.
pub fn word_wrap(s: &str, width: usize) -> String {
    if width <= 1 {
        return s.to_string();
    }
    s.split('\n')
        .map(|line| if line.starts_with(' ') { line.to_string() } else { wrap_string(line, width - 1) })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The terminal width Terraform assumes when output is not a terminal.
pub const DEFAULT_COLUMNS: usize = 78;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_like_terraform() {
        let s = "Terraform used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:";
        assert_eq!(
            word_wrap(s, 78),
            "Terraform used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:"
        );
        assert_eq!(
            wrap_string("The given \"count\" argument value is unsuitable: must be greater than or equal to zero.", 77),
            "The given \"count\" argument value is unsuitable: must be greater than or equal\nto zero."
        );
    }

    #[test]
    fn colour_markup() {
        assert_eq!(colorize("  [green]+[reset] create", false), "  + create");
        assert_eq!(colorize("[green]+[reset]", true), "\x1b[32m+\x1b[0m\x1b[0m");
        assert_eq!(colorize("a[0]", false), "a[0]");
    }
}
