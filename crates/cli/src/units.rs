//! Amounts with their units, for people: `1,000,000 TAO`, `9,999.9987 ETH`. Scripts get integer
//! strings in the base unit (rao, wei) in `--json` instead.

/// Decimals of TAO (and of wTAO: 1 rao = 1 wTAO base unit).
pub(crate) const TAO_DECIMALS: u32 = 9;
/// Decimals of ETH.
pub(crate) const ETH_DECIMALS: u32 = 18;

/// `value` base units of a token with `decimals` decimals, with thousands separators, at most
/// `max_fraction` fraction digits (truncated, and marked `…` when digits were cut), trailing
/// zeros dropped, then `symbol`.
pub(crate) fn amount(value: u128, decimals: u32, max_fraction: u32, symbol: &str) -> String {
    let scale = 10u128.pow(decimals);
    let (whole, mut fraction) = (value / scale, value % scale);
    let mut digits = decimals;
    let mut cut = false;
    while digits > max_fraction {
        cut |= fraction % 10 != 0;
        fraction /= 10;
        digits -= 1;
    }
    let mut text = group(whole);
    if fraction > 0 {
        let mut f = format!("{fraction:0width$}", width = digits as usize);
        while f.ends_with('0') {
            f.pop();
        }
        text.push('.');
        text.push_str(&f);
    }
    if cut {
        text.push('…');
    }
    format!("{text} {symbol}")
}

/// TAO from rao, exact.
pub(crate) fn tao(rao: u128) -> String {
    amount(rao, TAO_DECIMALS, TAO_DECIMALS, "TAO")
}

/// wTAO from its base unit, exact.
pub(crate) fn wtao(base: u128) -> String {
    amount(base, TAO_DECIMALS, TAO_DECIMALS, "wTAO")
}

/// ETH from wei, to 6 decimals.
pub(crate) fn eth(wei: u128) -> String {
    amount(wei, ETH_DECIMALS, 6, "ETH")
}

fn group(mut n: u128) -> String {
    let mut parts = Vec::new();
    loop {
        if n < 1000 {
            parts.push(n.to_string());
            break;
        }
        parts.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    parts.reverse();
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_like_amounts() {
        assert_eq!(tao(1_000_000 * 1_000_000_000), "1,000,000 TAO");
        assert_eq!(tao(1_500_000_000), "1.5 TAO");
        assert_eq!(tao(1), "0.000000001 TAO");
        assert_eq!(tao(0), "0 TAO");
        assert_eq!(wtao(2_000_000_007), "2.000000007 wTAO");
        assert_eq!(eth(10_000 * 10u128.pow(18)), "10,000 ETH");
        assert_eq!(eth(9_999_999_873_000_000_000_000), "9,999.999873 ETH");
        assert_eq!(eth(1), "0… ETH");
        assert_eq!(eth(1_234_567_890_000_000_001), "1.234567… ETH");
    }
}
