//! Exact amounts: strict parsing of export numbers and of TOML money values.
//!
//! Money never passes through `f64` arithmetic. Export cells are parsed from their bytes against
//! the declared decimal mark into a [`Decimal`]; TOML floats are taken through their shortest
//! decimal form (`12000.1` stays `12000.1`). Rounding happens only when a figure is rendered, with
//! [`ROUNDING`], the one rounding strategy of kam.

use rust_decimal::prelude::*;
use serde::{Deserialize, Deserializer};
use std::fmt;

pub use rust_decimal::Decimal;

/// The rounding kam uses when it shows a figure: half away from zero ("kaufmännisch").
pub const ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// A human name of [`ROUNDING`], stated in report footers.
pub const ROUNDING_NAME: &str = "half away from zero (kaufmännische Rundung)";

/// Rounds money for output: 2 places.
pub fn round_money(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, ROUNDING)
}

/// Rounds a rate (a fraction, not percent) for output: 4 places.
pub fn round_rate(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(4, ROUNDING)
}

/// Powers of ten up to 10^38, the largest that fits in a `u128`.
const POW10: [u128; 39] = {
    let mut p = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// `value` rounded to `places` places with [`ROUNDING`], as a whole number of units of
/// 10^-`places` (2.345 to 2 places is 235, −2.345 is −235): the mantissa of
/// `value.round_dp_with_strategy(places, ROUNDING)` at scale `places`, computed without building
/// that decimal. `None` only when the units do not fit (never for `places` up to 9).
pub fn rounded_units(value: Decimal, places: u32) -> Option<i128> {
    let magnitude = value.mantissa().unsigned_abs();
    let scale = value.scale();
    let units = if scale <= places {
        magnitude.checked_mul(*POW10.get((places - scale) as usize)?)?
    } else {
        let divisor = *POW10.get((scale - places) as usize)?;
        // Most amounts fit in 64 bits, where division is several times faster.
        let (quotient, remainder) = match (u64::try_from(magnitude), u64::try_from(divisor)) {
            (Ok(m), Ok(d)) => (u128::from(m / d), u128::from(m % d)),
            _ => (magnitude / divisor, magnitude % divisor),
        };
        // Half away from zero: up when the remainder is at least half the divisor.
        if remainder >= divisor - remainder { quotient + 1 } else { quotient }
    };
    let units = i128::try_from(units).ok()?;
    Some(if value.is_sign_negative() { -units } else { units })
}

/// [`rounded_units`] in 64 bits, as a sign and a magnitude: whether the rounded value is below
/// zero, and its units. `None` where the mantissa or the units do not fit in 64 bits. The
/// division by a power of ten is by a constant (a multiplication), picked by the number of
/// places dropped; this is the path of every number written to CSV.
#[inline]
pub fn rounded_units_u64(value: Decimal, places: u32) -> Option<(bool, u64)> {
    let magnitude = u64::try_from(value.mantissa().unsigned_abs()).ok()?;
    let scale = value.scale();
    let units = if scale <= places {
        magnitude.checked_mul(u64::try_from(*POW10.get((places - scale) as usize)?).ok()?)?
    } else {
        div_pow10_rounded(magnitude, scale - places)
    };
    Some((value.is_sign_negative() && units != 0, units))
}

/// `n` × 10^-`k` (k ≥ 1) rounded half away from zero, each arm dividing by a constant. For `k`
/// of 20 or more, every `u64` is less than half of 10^k: 0.
#[inline]
fn div_pow10_rounded(n: u64, k: u32) -> u64 {
    macro_rules! by {
        ($($k:literal)*) => {
            match k {
                $($k => {
                    const D: u64 = POW10[$k] as u64;
                    let (quotient, remainder) = (n / D, n % D);
                    if remainder >= D - remainder { quotient + 1 } else { quotient }
                })*
                _ => 0,
            }
        };
    }
    by!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19)
}

/// Every amount kam reads is less than 10^15 in magnitude (a thousand trillion, with any number
/// of decimals): an export cell, a line's quantity × price, a dossier amount, a setting. An amount
/// beyond is an error naming its place. With every addend below 10^15, a sum of up to 79 trillion
/// of them stays below the largest decimal (about 7.9 × 10^28), so summing rows cannot overflow,
/// and products of a sum with a rate of at most 10 stay in range for some 7 trillion rows.
pub const LIMIT_DIGITS: u32 = 15;

/// The limit as text, for messages.
pub const LIMIT_TEXT: &str = "10^15 (a thousand trillion)";

/// [`LIMIT_TEXT`] as a message.
pub fn limit_text() -> crate::messages::Message {
    crate::msg!("10^15 (a thousand trillion)")
}

/// Whether `value` is below 10^15 in magnitude (see [`LIMIT_DIGITS`]).
pub fn within_limit(value: Decimal) -> bool {
    let places = (value.scale() + LIMIT_DIGITS) as usize;
    // A mantissa (below 2^96) is always below 10^39.
    places > 38 || value.mantissa().unsigned_abs() < POW10[places]
}

/// `a × b` when the product is within [`within_limit`].
pub fn checked_product(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_mul(b).filter(|&p| within_limit(p))
}

/// `x / y`, `None` when `y` is zero or the quotient is beyond the range of a decimal (a tiny
/// divisor): such a figure is shown as unknown instead of ending the command.
pub fn quotient(x: Decimal, y: Decimal) -> Option<Decimal> {
    x.checked_div(y)
}

/// The places of a [`ratio`].
pub const RATIO_PLACES: u32 = 18;

/// `x / y` to [`RATIO_PLACES`] places, `None` when `y` is zero: the quotient cut after 18
/// places, its last digit made 1 where it is 0 and digits were cut off. Rounded to 16 places or
/// fewer it therefore gives what rounding the exact quotient gives (no value between the cut
/// quotient and the exact one is a rounding step). Where the digits do not fit, the decimal's
/// own division is used.
pub fn ratio(x: Decimal, y: Decimal) -> Option<Decimal> {
    if y.is_zero() {
        return None;
    }
    // x / y = mx·10^-sx / (my·10^-sy); the quotient in units of 10^-18 is mx·10^(sy−sx+18) / my.
    let exponent = i64::from(y.scale()) - i64::from(x.scale()) + i64::from(RATIO_PLACES);
    let (mx, my) = (x.mantissa().unsigned_abs(), y.mantissa().unsigned_abs());
    let fast = || -> Option<Decimal> {
        let power = *POW10.get(exponent.unsigned_abs() as usize)?;
        let (num, den) =
            if exponent >= 0 { (mx.checked_mul(power)?, my) } else { (mx, my.checked_mul(power)?) };
        let mut units = num / den;
        if num % den != 0 && units % 10 == 0 {
            units += 1;
        }
        let units = i128::try_from(units).ok()?;
        let negative = x.is_sign_negative() != y.is_sign_negative() && units != 0;
        Decimal::try_from_i128_with_scale(if negative { -units } else { units }, RATIO_PLACES).ok()
    };
    fast().or_else(|| x.checked_div(y))
}

/// The decimal mark of an export; the other of `.` and `,` is then the thousands separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecimalMark {
    #[default]
    Point,
    Comma,
}

impl DecimalMark {
    pub fn mark(self) -> u8 {
        match self {
            DecimalMark::Point => b'.',
            DecimalMark::Comma => b',',
        }
    }

    pub fn separator(self) -> u8 {
        match self {
            DecimalMark::Point => b',',
            DecimalMark::Comma => b'.',
        }
    }

    /// An example amount in this notation, for messages.
    pub fn example(self) -> &'static str {
        match self {
            DecimalMark::Point => "1,234.56",
            DecimalMark::Comma => "1.234,56",
        }
    }
}

/// Why an export cell is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    Empty,
    Malformed,
    Grouping,
    TooLong,
    /// 10^15 or more in magnitude.
    TooLarge,
}

impl AmountError {
    /// What was expected, for a message that also shows the raw value.
    pub fn expected(self, mark: DecimalMark) -> crate::messages::Message {
        let m = mark.mark() as char;
        let s = mark.separator() as char;
        match self {
            AmountError::Empty => crate::msg!("expected an amount, found an empty cell"),
            AmountError::Malformed => crate::msg!(
                "expected digits with \"{m}\" as decimal mark and an optional sign, like {example}",
                m = m,
                example = mark.example()
            ),
            AmountError::Grouping => crate::msg!(
                "\"{s}\" separates groups of three digits before the decimal mark \"{m}\", like {example}",
                s = s,
                m = m,
                example = mark.example()
            ),
            AmountError::TooLong => crate::msg!("more than 28 significant digits"),
            AmountError::TooLarge => crate::msg!(
                "an amount of {limit} or more is beyond what kam reads; is this the right column?",
                limit = limit_text()
            ),
        }
    }
}

/// Parses an amount strictly: optional sign (leading, or trailing `-` as SAP writes it), digits
/// grouped in threes by the thousands separator (or `'`, the Swiss grouping) or not at all, an
/// optional decimal mark and fraction digits. Surrounding spaces are ignored. `1.234,56` is an
/// amount with a decimal comma; `1.2.3,4`, `1,234,5` and `12.34.567` are not.
///
/// An amount of 10^15 or more in magnitude is an error ([`AmountError::TooLarge`]).
pub fn parse_amount(raw: &[u8], mark: DecimalMark) -> Result<Decimal, AmountError> {
    let value = match parse_plain(raw, mark.mark()) {
        // At most 15 digits before the mark: below the limit (most cells end here).
        Some((plain, int_digits)) if int_digits <= LIMIT_DIGITS as usize => return Ok(plain),
        Some((plain, _)) => plain,
        None => parse_general(raw, mark)?,
    };
    if within_limit(value) { Ok(value) } else { Err(AmountError::TooLarge) }
}

/// [`parse_amount`] for every form it takes.
fn parse_general(raw: &[u8], mark: DecimalMark) -> Result<Decimal, AmountError> {
    let mut s = trim_ascii(raw);
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    let mut negative = false;
    if let Some((&first, rest)) = s.split_first()
        && (first == b'-' || first == b'+')
    {
        negative = first == b'-';
        s = trim_ascii(rest);
    }
    if let Some((&last, rest)) = s.split_last()
        && last == b'-'
        && !negative
    {
        negative = true;
        s = trim_ascii(rest);
    }
    if s.is_empty() {
        return Err(AmountError::Malformed);
    }
    let (int_part, frac_part) = match s.iter().position(|&b| b == mark.mark()) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let sep = mark.separator();
    let mut mantissa: i128 = 0;
    let mut digits = 0u32;
    let mut group_len = 0usize;
    let mut groups = 0usize;
    let mut push = |d: u8, mantissa: &mut i128| -> Result<(), AmountError> {
        if *mantissa != 0 || d != 0 {
            digits += 1;
        }
        if digits > 28 {
            return Err(AmountError::TooLong);
        }
        *mantissa = *mantissa * 10 + i128::from(d);
        Ok(())
    };
    for &b in int_part {
        match b {
            b'0'..=b'9' => {
                push(b - b'0', &mut mantissa)?;
                group_len += 1;
            }
            b if b == sep || b == b'\'' => {
                // The first group has 1 to 3 digits, every later one exactly 3.
                if group_len == 0 || group_len > 3 || (groups > 0 && group_len != 3) {
                    return Err(AmountError::Grouping);
                }
                groups += 1;
                group_len = 0;
            }
            _ => return Err(AmountError::Malformed),
        }
    }
    if groups > 0 && group_len != 3 {
        return Err(AmountError::Grouping);
    }
    let mut scale = 0u32;
    if let Some(frac) = frac_part {
        if frac.is_empty() && int_part.is_empty() {
            return Err(AmountError::Malformed);
        }
        for &b in frac {
            match b {
                b'0'..=b'9' => {
                    push(b - b'0', &mut mantissa)?;
                    scale += 1;
                }
                b if b == sep || b == mark.mark() => return Err(AmountError::Grouping),
                _ => return Err(AmountError::Malformed),
            }
        }
    } else if int_part.is_empty() {
        return Err(AmountError::Malformed);
    }
    if scale > 28 {
        return Err(AmountError::TooLong);
    }
    if negative {
        mantissa = -mantissa;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| AmountError::TooLong)
}

/// The common case of [`parse_amount`], quickly: an optional `-`, digits and at most one decimal
/// mark, at most 17 digits, and the number of digits before the mark; `None` for anything else.
fn parse_plain(raw: &[u8], mark: u8) -> Option<(Decimal, usize)> {
    if raw.len() > 18 {
        return None;
    }
    let (negative, bytes) = match raw.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, raw),
    };
    // The integer digits, then a decimal mark and the fraction digits, in one number.
    let mut mantissa = 0i64;
    let mut i = 0;
    while let Some(d) = bytes.get(i).map(|b| b.wrapping_sub(b'0')).filter(|&d| d <= 9) {
        mantissa = mantissa * 10 + i64::from(d);
        i += 1;
    }
    let int_digits = i;
    let mut scale = 0;
    if i < bytes.len() {
        if bytes[i] != mark {
            return None;
        }
        i += 1;
        for &b in &bytes[i..] {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            mantissa = mantissa * 10 + i64::from(d);
            scale += 1;
        }
    }
    if int_digits == 0 && scale == 0 {
        return None;
    }
    Some((decimal_of(if negative { -mantissa } else { mantissa }, scale), int_digits))
}

/// `Decimal::new(value, scale)` for a scale of at most 28, built from its parts without the
/// call and the check of the scale that `Decimal::new` makes (a property test holds the two
/// alike).
#[inline]
pub fn decimal_of(value: i64, scale: u32) -> Decimal {
    debug_assert!(scale <= 28);
    let magnitude = value.unsigned_abs();
    Decimal::from_parts(magnitude as u32, (magnitude >> 32) as u32, 0, value < 0, scale)
}

/// `units` (a count of 10^-`from`) as a count of 10^-`to`, cut towards zero, for `to` ≤ `from`
/// ≤ `to` + 6: a division by a constant power of ten (a multiplication) for each difference.
#[inline]
pub fn units_in_scale(units: i64, from: u32, to: u32) -> i64 {
    match from - to {
        0 => units,
        1 => units / 10,
        2 => units / 100,
        3 => units / 1_000,
        4 => units / 10_000,
        5 => units / 100_000,
        _ => units / 1_000_000,
    }
}

fn trim_ascii(s: &[u8]) -> &[u8] {
    let s = s.trim_ascii();
    // A non-breaking space (U+00A0, also a Windows-1252 byte) around a number is spacing too.
    let s = s.strip_prefix("\u{a0}".as_bytes()).unwrap_or(s);
    s.strip_suffix("\u{a0}".as_bytes()).unwrap_or(s).trim_ascii()
}

/// An exact amount read from TOML: a number (integer or float, taken through its shortest
/// decimal form) or a string holding a plain decimal like `"12000.50"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(pub Decimal);

impl Amount {
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Converts a float to the decimal it was written as, via its shortest round-trip form.
pub fn decimal_from_f64(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    // `Display` for f64 prints the shortest digits that read back to the same float, never in
    // exponent notation; that text is what the user wrote (`0.1`, not 0.1000000000000000055…).
    Decimal::from_str_exact(&value.to_string()).ok()
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Amount;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number like 12000.0 or a string like \"12000.50\"")
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(v)))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(v)))
            }

            fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Amount, E> {
                Decimal::try_from_i128_with_scale(v, 0).map(Amount).map_err(|_| {
                    E::custom(format!(
                        "the amount {v} is beyond what kam reads: amounts must be below {LIMIT_TEXT}"
                    ))
                })
            }

            fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Amount, E> {
                i128::try_from(v).map_or_else(
                    |_| {
                        Err(E::custom(format!(
                            "the amount {v} is beyond what kam reads: amounts must be below {LIMIT_TEXT}"
                        )))
                    },
                    |v| self.visit_i128(v),
                )
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Amount, E> {
                decimal_from_f64(v)
                    .map(Amount)
                    .ok_or_else(|| E::custom(format!("the number {v} is out of range for an exact amount")))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Amount, E> {
                let t = v.trim().replace('_', "");
                Decimal::from_str_exact(&t).map(Amount).map_err(|_| {
                    E::custom(format!(
                        "expected an amount like \"12000.50\" (\".\" as decimal mark), found \"{v}\""
                    ))
                })
            }
        }
        let amount = deserializer.deserialize_any(Visitor)?;
        if !within_limit(amount.0) {
            return Err(serde::de::Error::custom(format!(
                "the amount {} is beyond what kam reads: amounts must be below {LIMIT_TEXT}",
                amount.0
            )));
        }
        Ok(amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    proptest::proptest! {
        #[test]
        fn decimals_of_parts_are_those_of_decimal_new(value in proptest::prop_oneof![proptest::num::i64::ANY, -1000i64..1000], scale in 0u32..=28) {
            let (ours, theirs) = (decimal_of(value, scale), Decimal::new(value, scale));
            proptest::prop_assert_eq!(ours, theirs);
            proptest::prop_assert_eq!((ours.mantissa(), ours.scale(), ours.is_sign_negative()), (theirs.mantissa(), theirs.scale(), theirs.is_sign_negative()));
        }

        #[test]
        fn units_in_a_smaller_scale_are_cut_as_by_a_power(units in proptest::num::i64::ANY, to in 0u32..10, by in 0u32..=6) {
            proptest::prop_assert_eq!(units_in_scale(units, to + by, to), units / 10i64.pow(by));
        }
    }

    proptest::proptest! {
        /// The quick path reads what the general one reads, to the digit and the scale.
        #[test]
        fn plain_amounts_read_as_by_the_general_rules(raw in "(-?[0-9]{0,10}[.,]?[0-9]{0,8})|([-+ 0-9.,']{0,20})", comma in proptest::bool::ANY) {
            let mark = if comma { DecimalMark::Comma } else { DecimalMark::Point };
            if let Some((plain, int_digits)) = parse_plain(raw.as_bytes(), mark.mark()) {
                let general = parse_general(raw.as_bytes(), mark).unwrap();
                proptest::prop_assert_eq!((plain, plain.scale()), (general, general.scale()));
                // The digits before the mark, leading zeros and the sign aside.
                let int_part = raw.trim_start_matches('-').split(mark.mark() as char).next().unwrap_or("");
                proptest::prop_assert_eq!(int_digits, int_part.len());
            }
        }
    }

    #[test]
    fn amounts_with_decimal_comma() {
        let c = DecimalMark::Comma;
        assert_eq!(parse_amount(b"1.234,56", c), Ok(d("1234.56")));
        assert_eq!(parse_amount(b"1234,56", c), Ok(d("1234.56")));
        assert_eq!(parse_amount(b"-12,5", c), Ok(d("-12.5")));
        assert_eq!(parse_amount(b"12,50-", c), Ok(d("-12.50")));
        assert_eq!(parse_amount(b" 1.000.000 ", c), Ok(d("1000000")));
        assert_eq!(parse_amount(b"0", c), Ok(d("0")));
        assert_eq!(parse_amount(b"1'234,50", c), Ok(d("1234.50")));
        assert_eq!(parse_amount(b"1.2.3,4", c), Err(AmountError::Grouping));
        assert_eq!(parse_amount(b"12.34", c), Err(AmountError::Grouping));
        assert_eq!(parse_amount(b"1,2,3", c), Err(AmountError::Grouping));
        assert_eq!(parse_amount(b"", c), Err(AmountError::Empty));
        assert_eq!(parse_amount(b"abc", c), Err(AmountError::Malformed));
        assert_eq!(parse_amount(b"-", c), Err(AmountError::Malformed));
        assert_eq!(parse_amount(b"12 EUR", c), Err(AmountError::Malformed));
    }

    #[test]
    fn amounts_with_decimal_point() {
        let p = DecimalMark::Point;
        assert_eq!(parse_amount(b"1,234.56", p), Ok(d("1234.56")));
        assert_eq!(parse_amount(b"0.001", p), Ok(d("0.001")));
        assert_eq!(parse_amount(b"+7", p), Ok(d("7")));
        assert_eq!(parse_amount(b".5", p), Ok(d("0.5")));
        assert_eq!(parse_amount(b"$1,400,00.00", p), Err(AmountError::Malformed));
        assert_eq!(parse_amount(b"1,400,00.00", p), Err(AmountError::Grouping));
        assert_eq!(parse_amount(b"1.5.0", p), Err(AmountError::Grouping));
        assert_eq!(parse_amount(b"1e5", p), Err(AmountError::Malformed));
        assert_eq!(parse_amount(b"12345678901234567890123456789", p), Err(AmountError::TooLong));
    }

    #[test]
    fn toml_floats_keep_their_written_digits() {
        assert_eq!(decimal_from_f64(0.1), Some(d("0.1")));
        assert_eq!(decimal_from_f64(12000.5), Some(d("12000.5")));
        assert_eq!(decimal_from_f64(9.95), Some(d("9.95")));
        assert_eq!(decimal_from_f64(f64::NAN), None);
    }

    #[test]
    fn amounts_beyond_the_limit_are_errors() {
        let comma = DecimalMark::Comma;
        assert_eq!(parse_amount(b"999999999999999,99", comma), Ok(d("999999999999999.99")));
        assert_eq!(parse_amount(b"-999.999.999.999.999,99", comma), Ok(d("-999999999999999.99")));
        assert_eq!(parse_amount(b"1000000000000000", comma), Err(AmountError::TooLarge));
        assert_eq!(parse_amount(b"-1.000.000.000.000.000,00", comma), Err(AmountError::TooLarge));
        assert_eq!(parse_amount(b"79228162514264337593543950335", comma), Err(AmountError::TooLong));
        assert_eq!(parse_amount(b"7922816251426433759354395033", comma), Err(AmountError::TooLarge));
        assert!(within_limit(d("0.0000000000000000000000000001")));
        assert!(!within_limit(d("1000000000000000.0000000000001")));
        assert_eq!(checked_product(d("1000000"), d("1000000000")), None);
        assert_eq!(checked_product(d("1000"), d("12.5")), Some(d("12500")));
    }

    proptest::proptest! {
        #[test]
        fn the_limit_is_a_magnitude_below_ten_to_the_fifteenth(m in proptest::num::i128::ANY, scale in 0u32..=28) {
            let m = m % (1i128 << 96);
            let v = Decimal::from_i128_with_scale(m, scale);
            let limit = Decimal::from(1_000_000_000_000_000i64);
            proptest::prop_assert_eq!(within_limit(v), v.abs() < limit);
        }
    }

    #[test]
    fn rounding_is_commercial() {
        assert_eq!(round_money(d("2.345")), d("2.35"));
        assert_eq!(round_money(d("-2.345")), d("-2.35"));
        assert_eq!(round_rate(d("0.47825")), d("0.4783"));
    }

    /// The units of the slow way: round the decimal, then read its mantissa at `places`.
    fn units_by_rounding(value: Decimal, places: u32) -> i128 {
        let r = value.round_dp_with_strategy(places, ROUNDING);
        r.mantissa() * 10i128.pow(places - r.scale())
    }

    #[test]
    fn rounded_units_round_half_away_from_zero() {
        assert_eq!(rounded_units(d("2.345"), 2), Some(235));
        assert_eq!(rounded_units(d("-2.345"), 2), Some(-235));
        assert_eq!(rounded_units(d("2.3449999"), 2), Some(234));
        assert_eq!(rounded_units(d("-0.004"), 2), Some(0));
        assert_eq!(rounded_units(d("-0.005"), 2), Some(-1));
        assert_eq!(rounded_units(d("0.47825"), 4), Some(4783));
        assert_eq!(rounded_units(d("12"), 2), Some(1200));
        assert_eq!(rounded_units(d("-7.5"), 0), Some(-8));
        assert_eq!(rounded_units(Decimal::MAX, 2), Some(Decimal::MAX.mantissa() * 100));
        assert_eq!(rounded_units(Decimal::MIN, 4), Some(Decimal::MIN.mantissa() * 10_000));
        assert_eq!(rounded_units(Decimal::MAX, 30), None);
        let tiny = Decimal::from_i128_with_scale(5, 28);
        assert_eq!(rounded_units(tiny, 27), Some(1));
        assert_eq!(rounded_units(-tiny, 27), Some(-1));
        assert_eq!(rounded_units(tiny, 26), Some(0));
        for value in ["0", "0.005", "-0.015", "99.995", "-99.994999", "1234567.891", "0.00005", "-0.00015"] {
            for places in 0..6 {
                assert_eq!(rounded_units(d(value), places), Some(units_by_rounding(d(value), places)));
            }
        }
    }

    #[test]
    fn ratios_round_like_the_exact_quotient() {
        assert_eq!(ratio(d("1"), d("0")), None);
        assert_eq!(ratio(d("0"), d("-5")), Some(Decimal::ZERO));
        assert_eq!(ratio(d("1"), d("4")), Some(d("0.25")));
        assert_eq!(ratio(d("-1"), d("4")), Some(d("-0.25")));
        // 1/3 is cut after 18 places.
        assert_eq!(ratio(d("1"), d("3")), Some(d("0.333333333333333333")));
        // 1/80000000000000000000 = 0.0000000000000000000125: cut to zero digits, marked inexact.
        assert_eq!(ratio(d("1"), d("80000000000000000000")), Some(d("0.000000000000000001")));
        // Half a unit of the fourth place exactly, and just below it.
        assert_eq!(rounded_units(ratio(d("1"), d("8")).unwrap(), 2), Some(13));
        assert_eq!(rounded_units(ratio(d("124999999"), d("1000000000000")).unwrap(), 4), Some(1));
        // Too many digits for the quick way: the decimal's division.
        assert_eq!(ratio(Decimal::MAX, d("0.5")), Decimal::MAX.checked_div(d("0.5")));
    }

    proptest::proptest! {
        #[test]
        fn rounded_units_match_rust_decimal(
            lo in proptest::num::u32::ANY,
            mid in proptest::num::u32::ANY,
            hi in proptest::num::u32::ANY,
            negative in proptest::bool::ANY,
            scale in 0u32..=28,
            places in 0u32..=9,
            small in proptest::bool::ANY,
        ) {
            // Half the cases are amounts of everyday size, half use all 96 bits.
            let (mid, hi) = if small { (mid % 1000, 0) } else { (mid, hi) };
            let value = Decimal::from_parts(lo, mid, hi, negative, scale);
            proptest::prop_assert_eq!(rounded_units(value, places), Some(units_by_rounding(value, places)));
        }

        #[test]
        fn ratios_round_as_the_exact_quotient_does(
            x in -1_000_000_000_000_000i64..1_000_000_000_000_000,
            y in -1_000_000_000_000_000i64..1_000_000_000_000_000,
            sx in 0u32..=6,
            sy in 0u32..=6,
            places in 0u32..=6,
        ) {
            // The exact quotient x·10^sy / (y·10^sx), rounded half away from zero in integers.
            let exact = (y != 0).then(|| {
                let num = i128::from(x).unsigned_abs() * 10u128.pow(sy + places);
                let den = i128::from(y).unsigned_abs() * 10u128.pow(sx);
                let (q, r) = (num / den, num % den);
                let units = (if r >= den - r { q + 1 } else { q }) as i128;
                if (x < 0) != (y < 0) { -units } else { units }
            });
            let ratio = ratio(Decimal::new(x, sx), Decimal::new(y, sy));
            proptest::prop_assert_eq!(ratio.map(|r| units_by_rounding(r, places)), exact);
        }

        #[test]
        fn ratios_at_rounding_steps(units in -1_000_000i64..1_000_000, y in 1i64..1_000_000_000, places in 0u32..=4) {
            // x / y exactly half a unit of `places` away from a step, and the nearest values
            // on either side.
            let half = Decimal::new(units * 10 + 5, places + 1);
            let x = half * Decimal::from(y);
            let cent = Decimal::new(1, 2);
            for x in [x, x + cent, x - cent] {
                let exact = x.checked_div(Decimal::from(y)).map(|q| units_by_rounding(q, places));
                proptest::prop_assert_eq!(ratio(x, Decimal::from(y)).map(|r| units_by_rounding(r, places)), exact);
            }
        }

        #[test]
        fn rounded_units_match_at_midpoints(units in -1_000_000_000_000i64..1_000_000_000_000, extra in 1u32..=10, places in 0u32..=4) {
            // Exactly half a unit away from a rounding step, and one below that.
            let half = Decimal::from_i128_with_scale(i128::from(units) * 10 + 5, places + 1);
            let below = Decimal::from_i128_with_scale((i128::from(units) * 10 + 5) * 10i128.pow(extra) - 1, places + 1 + extra);
            for value in [half, below, -half, -below] {
                proptest::prop_assert_eq!(rounded_units(value, places), Some(units_by_rounding(value, places)));
                // The 64-bit path takes mantissas of up to 64 bits and leaves the rest.
                let fits = value.mantissa().unsigned_abs() <= u128::from(u64::MAX);
                let expected = fits.then(|| sign_and_magnitude(value, places));
                proptest::prop_assert_eq!(rounded_units_u64(value, places), expected);
            }
        }

        #[test]
        fn rounded_units_in_64_bits_match_those_in_128(
            lo in proptest::num::u32::ANY,
            mid in proptest::num::u32::ANY,
            hi in 0u32..=1,
            negative in proptest::bool::ANY,
            scale in 0u32..=28,
            places in 0u32..=9,
            small in proptest::bool::ANY,
        ) {
            // Everyday amounts, and mantissas around the 64-bit limit (`hi` 1 is beyond it).
            let mid = if small { mid % 1000 } else { mid };
            let value = Decimal::from_parts(lo, mid, if small { 0 } else { hi }, negative, scale);
            let wide = rounded_units(value, places).expect("places up to 9 fit");
            let expected = (value.mantissa().unsigned_abs() <= u128::from(u64::MAX))
                .then(|| u64::try_from(wide.unsigned_abs()).ok().map(|units| (wide < 0, units)))
                .flatten();
            proptest::prop_assert_eq!(rounded_units_u64(value, places), expected);
        }
    }

    /// [`rounded_units`] as a sign and a magnitude.
    fn sign_and_magnitude(value: Decimal, places: u32) -> (bool, u64) {
        let units = rounded_units(value, places).expect("fits");
        (units < 0, u64::try_from(units.unsigned_abs()).expect("fits in 64 bits"))
    }

    #[test]
    fn rounded_units_in_64_bits_at_the_edges() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(rounded_units_u64(d("2.345"), 2), Some((false, 235)));
        assert_eq!(rounded_units_u64(d("-2.345"), 2), Some((true, 235)));
        // Rounded to zero: no sign.
        assert_eq!(rounded_units_u64(d("-0.004"), 2), Some((false, 0)));
        assert_eq!(rounded_units_u64(d("-0.005"), 2), Some((true, 1)));
        assert_eq!(rounded_units_u64(d("12"), 2), Some((false, 1200)));
        // The largest mantissa of 64 bits, with every number of places dropped, up to all 28.
        let max = Decimal::from_i128_with_scale(i128::from(u64::MAX), 0);
        for scale in 0..=28 {
            let value = Decimal::from_i128_with_scale(i128::from(u64::MAX), scale);
            assert_eq!(rounded_units_u64(value, 0), Some(sign_and_magnitude(value, 0)), "scale {scale}");
        }
        assert_eq!(rounded_units_u64(max, 1), None);
        assert_eq!(rounded_units_u64(max + Decimal::ONE, 0), None);
        assert_eq!(rounded_units_u64(Decimal::MAX, 2), None);
    }
}
