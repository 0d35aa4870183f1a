//! Values of `wtao gov` options as people write them: amounts (`100000tao`, `5rao`), durations
//! (`1d`, `6h`, `90s`, `3600`).

/// An amount of TAO/wTAO in rao: `1.5tao`, `1.5wtao`, `1500000000rao`, or a bare number of TAO.
pub(crate) fn parse_rao(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let decimals = match unit.trim() {
        "" | "tao" | "wtao" => 9usize,
        "rao" => 0,
        other => return Err(format!("unknown unit `{other}`: use tao (9 decimals) or rao")),
    };
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let frac = frac.trim_end_matches('0');
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        return Err(format!("`{text}` is not an amount: write it like 100000tao or 5rao"));
    }
    if frac.len() > decimals {
        return Err(format!("`{text}` has more decimals than the unit (1 rao is the smallest)"));
    }
    let scaled = format!("{whole}{frac}{}", "0".repeat(decimals - frac.len()));
    let scaled = scaled.trim_start_matches('0');
    if scaled.is_empty() {
        return Ok(0);
    }
    scaled.parse::<u64>().map_err(|_| format!("`{text}` is too large"))
}

/// A duration in seconds: `90s`, `30m`, `6h`, `1d`, `2w`, or a bare number of seconds.
pub(crate) fn parse_duration_s(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number.parse().map_err(|_| {
        format!("`{text}` is not a duration: write it like 1d, 6h, 30m, 90s or 3600")
    })?;
    let scale = match unit.trim() {
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        other => return Err(format!("unknown duration unit `{other}`: use s, m, h, d or w")),
    };
    n.checked_mul(scale).ok_or_else(|| format!("`{text}` is too long"))
}

/// Seconds for people: `1 d`, `6 h`, `90 s`, `1 h 30 min`.
pub(crate) fn duration_text(s: u64) -> String {
    if s == 0 {
        return "0 s".to_owned();
    }
    let parts = [(86_400, "d"), (3600, "h"), (60, "min"), (1, "s")];
    let mut rest = s;
    let mut out = Vec::new();
    for (size, name) in parts {
        if rest >= size {
            out.push(format!("{} {name}", rest / size));
            rest %= size;
        }
        if out.len() == 2 {
            break;
        }
    }
    out.join(" ")
}

/// The amount of `rao` in TAO, `100,000 TAO`-style without the unit grouping: used in default
/// proposal descriptions.
pub(crate) fn tao_text(rao: u64) -> String {
    crate::units::wtao(u128::from(rao)).replace(" wTAO", " TAO")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAO_PER_TAO: u64 = 1_000_000_000;

    #[test]
    fn amounts() {
        assert_eq!(parse_rao("100000tao").unwrap(), 100_000 * RAO_PER_TAO);
        assert_eq!(parse_rao("1.5").unwrap(), 1_500_000_000);
        assert_eq!(parse_rao("7rao").unwrap(), 7);
        assert_eq!(parse_rao("2 wTAO").unwrap(), 2 * RAO_PER_TAO);
        assert!(parse_rao("1.5rao").is_err());
        assert!(parse_rao("1eth").unwrap_err().contains("unknown unit"));
        assert!(parse_rao("x").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_s("1d").unwrap(), 86_400);
        assert_eq!(parse_duration_s("90").unwrap(), 90);
        assert_eq!(parse_duration_s("30m").unwrap(), 1800);
        assert!(parse_duration_s("1y").is_err());
        assert_eq!(duration_text(86_400), "1 d");
        assert_eq!(duration_text(5400), "1 h 30 min");
        assert_eq!(duration_text(61), "1 min 1 s");
    }
}
