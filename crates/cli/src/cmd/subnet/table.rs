//! Plain text tables: a header, columns padded to their widest cell (counted in characters, so
//! `…` and Greek symbols line up), numbers right-aligned.

/// How a column is aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// Renders `rows` under `header`; `align[i]` aligns column `i` (left when missing). Two spaces
/// between columns, no trailing spaces.
pub(crate) fn render(header: &[&str], align: &[Align], rows: &[Vec<String>]) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.zip(&widths).enumerate().take(columns) {
            if i > 0 {
                text.push_str("  ");
            }
            let pad = width.saturating_sub(cell.chars().count());
            match align.get(i).copied().unwrap_or(Align::Left) {
                Align::Left => {
                    text.push_str(cell);
                    text.extend(std::iter::repeat_n(' ', pad));
                }
                Align::Right => {
                    text.extend(std::iter::repeat_n(' ', pad));
                    text.push_str(cell);
                }
            }
        }
        text.truncate(text.trim_end().len());
        text.push('\n');
        text
    };
    let mut out = line(&mut header.iter().copied());
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

/// A float with `digits` decimals.
pub(crate) fn float(v: f64, digits: usize) -> String {
    format!("{v:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_characters() {
        let rows = vec![
            vec!["1".to_owned(), "α".to_owned(), "1,000 TAO".to_owned()],
            vec!["12".to_owned(), "root".to_owned(), "0.5 TAO".to_owned()],
        ];
        let text =
            render(&["uid", "name", "stake"], &[Align::Right, Align::Left, Align::Right], &rows);
        assert_eq!(text, "uid  name      stake\n  1  α     1,000 TAO\n 12  root    0.5 TAO\n");
    }

    #[test]
    fn no_trailing_spaces_and_no_rows() {
        assert_eq!(render(&["a", "b"], &[], &[vec!["xyz".into(), "".into()]]), "a    b\nxyz\n");
        assert_eq!(render(&["netuid"], &[], &[]), "netuid\n");
        assert_eq!(float(0.123456, 4), "0.1235");
    }
}
