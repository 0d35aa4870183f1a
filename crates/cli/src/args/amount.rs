//! Amounts as people write them: `1.5tao`, `1.5 TAO`, `1500000000rao`, `2wtao`, or a bare `1.5`,
//! which means TAO (the unit people think in, as btcli reads it). TAO and wTAO have 9 decimals
//! and 1 rao = 1 wTAO base unit, so every amount is a whole number of rao: more than 9 decimals,
//! a fraction of a rao, zero, and more than the chain's u64 balance are refused with a message
//! that says which.

use std::fmt;

use tao_client::Rao;

/// Decimals of TAO and wTAO.
const DECIMALS: usize = 9;

/// Why an amount was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AmountError {
    /// Nothing given.
    Empty,
    /// Not a plain decimal number.
    NotANumber(String),
    /// A unit other than tao, wtao and rao.
    UnknownUnit(String),
    /// More decimals than the unit has.
    TooPrecise {
        /// Decimals given.
        given: usize,
        /// The unit.
        unit: &'static str,
        /// Decimals the unit allows.
        max: usize,
    },
    /// Zero.
    Zero,
    /// More than u64::MAX rao.
    TooLarge,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "no amount: write it like 1.5tao or 1500000000rao"),
            Self::NotANumber(n) => write!(
                f,
                "`{n}` is not a decimal number: write it like 1.5tao or 1500000000rao \
                 (digits and at most one `.`, no signs, exponents or thousands separators)"
            ),
            Self::UnknownUnit(u) => {
                write!(
                    f,
                    "unknown unit `{u}`: use tao (or wtao, 9 decimals) or rao (whole numbers)"
                )
            }
            Self::TooPrecise { given, unit: "rao", .. } => write!(
                f,
                "rao is the smallest unit and has no fraction ({given} decimals given); \
                 write whole rao, or the amount in tao"
            ),
            Self::TooPrecise { given, unit, max } => write!(
                f,
                "{unit} has {max} decimals, {given} given: the smallest amount is 0.000000001 \
                 {unit} = 1 rao"
            ),
            Self::Zero => write!(f, "the amount is zero: nothing to send"),
            Self::TooLarge => write!(
                f,
                "the amount is too large: at most 18446744073.709551615 tao \
                 (18446744073709551615 rao, the chain's balance type)"
            ),
        }
    }
}

impl std::error::Error for AmountError {}

/// Parses an amount (see the module docs) into rao.
pub(crate) fn parse_amount(text: &str) -> Result<Rao, AmountError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AmountError::Empty);
    }
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let (unit, decimals): (&'static str, usize) = match unit.as_str() {
        "" | "tao" | "τ" => ("tao", DECIMALS),
        "wtao" => ("wtao", DECIMALS),
        "rao" => ("rao", 0),
        _ if number.is_empty() || !unit.chars().all(char::is_alphabetic) => {
            return Err(AmountError::NotANumber(text.to_owned()));
        }
        other => return Err(AmountError::UnknownUnit(other.to_owned())),
    };
    let (whole, fraction) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err(AmountError::NotANumber(number.to_owned()));
    }
    // Trailing zeros of the fraction carry no precision: `1.50000000000tao` is fine.
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > decimals {
        return Err(AmountError::TooPrecise { given: fraction.len(), unit, max: decimals });
    }
    let mut scaled = String::with_capacity(whole.len() + decimals);
    scaled.push_str(whole);
    scaled.push_str(fraction);
    scaled.extend(std::iter::repeat_n('0', decimals - fraction.len()));
    let scaled = scaled.trim_start_matches('0');
    if scaled.is_empty() {
        return Err(AmountError::Zero);
    }
    scaled.parse::<u64>().map(Rao).map_err(|_| AmountError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rao(text: &str) -> u64 {
        parse_amount(text).unwrap_or_else(|e| panic!("{text}: {e}")).0
    }

    #[test]
    fn units_and_bare_numbers() {
        assert_eq!(rao("1.5tao"), 1_500_000_000);
        assert_eq!(rao("1.5 TAO"), 1_500_000_000);
        assert_eq!(rao(" 1.5Tao "), 1_500_000_000);
        assert_eq!(rao("1.5wtao"), 1_500_000_000);
        assert_eq!(rao("1.5"), 1_500_000_000, "a bare number is TAO");
        assert_eq!(rao("1500000000rao"), 1_500_000_000);
        assert_eq!(rao("1 rao"), 1);
        assert_eq!(rao("0.000000001tao"), 1);
        assert_eq!(rao(".5"), 500_000_000);
        assert_eq!(rao("2."), 2_000_000_000);
        assert_eq!(rao("007tao"), 7_000_000_000);
        assert_eq!(rao("1.500000000000tao"), 1_500_000_000, "trailing zeros are no precision");
        assert_eq!(rao("18446744073.709551615tao"), u64::MAX);
        assert_eq!(rao("18446744073709551615rao"), u64::MAX);
    }

    #[test]
    fn refusals_say_why() {
        let err = |text: &str| parse_amount(text).unwrap_err();
        assert_eq!(err(""), AmountError::Empty);
        assert_eq!(err("  "), AmountError::Empty);
        assert_eq!(err("0"), AmountError::Zero);
        assert_eq!(err("0.0tao"), AmountError::Zero);
        assert_eq!(err("0rao"), AmountError::Zero);
        assert_eq!(
            err("0.0000000001tao"),
            AmountError::TooPrecise { given: 10, unit: "tao", max: 9 }
        );
        assert_eq!(err("1.5rao"), AmountError::TooPrecise { given: 1, unit: "rao", max: 0 });
        assert_eq!(err("18446744073.709551616tao"), AmountError::TooLarge);
        assert_eq!(err("18446744073709551616rao"), AmountError::TooLarge);
        assert_eq!(err("99999999999999999999999999999tao"), AmountError::TooLarge);
        assert_eq!(err("1.5eth"), AmountError::UnknownUnit("eth".into()));
        assert_eq!(err("1.5 gwei"), AmountError::UnknownUnit("gwei".into()));
        for bad in ["-1", "1.2.3", "1e9", "1,000tao", ".", "tao", "abc", "+1", "0x10", "1_000"] {
            assert!(
                matches!(err(bad), AmountError::NotANumber(_) | AmountError::UnknownUnit(_)),
                "{bad}: {:?}",
                err(bad)
            );
        }
        assert!(err("1.5rao").to_string().contains("smallest unit"));
        assert!(err("0.0000000001").to_string().contains("9 decimals"));
        assert!(err("1,000tao").to_string().contains("thousands separators"));
    }
}
