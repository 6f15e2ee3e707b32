//! Plain-text tables for the `list` commands (`user list`, `token list`).

/// Left-aligned columns two spaces apart; Chinese characters count two columns wide.
pub fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0; N];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            line.push_str(cell);
            line.push_str(&" ".repeat(width - display_width(cell) + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_keep_columns_aligned() {
        let rows = [
            ["login", "name", "role", "scope", "created", "disabled"].map(String::from),
            ["wang.li", "王丽", "auditor", "-", "2026", "no"].map(String::from),
        ];
        let text = table(&rows);
        let lines: Vec<&str> = text.lines().collect();
        let column = |line: &str| display_width(&line[..line.find("auditor").unwrap_or(0)]);
        assert_eq!(lines[0].find("role"), Some(column(lines[1])), "{text}");
    }
}
