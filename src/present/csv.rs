//! CSV for spreadsheets: cells safe against formula injection, separators and decimals as
//! spreadsheets under Latvian regional settings read them.

/// Excel and LibreOffice read UTF-8 only when the file starts with a byte-order mark.
pub const CSV_BOM: &str = "\u{feff}";

/// The separator: `;`, what spreadsheets expect under Latvian (and most European) regional
/// settings, where `,` is the decimal separator. Decimals are written with a comma to match.
pub const CSV_SEPARATOR: char = ';';

/// One cell: a value a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a leading apostrophe (OWASP "CSV injection"); a value with the
/// separator, a quote or a line break is quoted, quotes doubled.
pub fn csv_cell(value: &str) -> String {
    let neutralised = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutralised.contains([CSV_SEPARATOR, '"', '\n', '\r']) {
        format!("\"{}\"", neutralised.replace('"', "\"\""))
    } else {
        neutralised
    }
}

/// One line of cells, ended with CRLF (RFC 4180).
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|cell| csv_cell(cell.as_ref()))
        .collect::<Vec<_>>()
        .join(&CSV_SEPARATOR.to_string());
    line.push_str("\r\n");
    line
}

/// A decimal with a comma, as spreadsheets under Latvian settings read it.
pub fn csv_decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_looking_cells_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+371 2000"), "'+371 2000");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        assert_eq!(csv_cell("a=b"), "a=b", "only a leading sign matters");
        assert_eq!(csv_cell("Rīga"), "Rīga");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn separators_quotes_and_line_breaks_are_quoted() {
        assert_eq!(csv_cell("a;b"), "\"a;b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_line(&["a", "b;c", "=1"]), "a;\"b;c\";'=1\r\n");
        assert_eq!(csv_decimal(2.5), "2,5");
        assert_eq!(csv_decimal(3.0), "3,0");
    }
}
