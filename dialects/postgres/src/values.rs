//! Binary result values turned into the text the server would print for them.
//!
//! tokio-postgres always asks for results in the binary format when a query has
//! parameters; the host wants text. Common types are decoded here; any other
//! type comes back as its bytes when they are UTF-8, else as NULL. Never panics.

use tokio_postgres::types::Type;

/// Decodes one non-NULL value of type `ty`.
pub(crate) fn decode(ty: &Type, raw: &[u8]) -> Option<String> {
    match *ty {
        Type::BOOL => raw.first().map(|b| if *b != 0 { "true" } else { "false" }.to_string()),
        Type::INT2 => Some(i16::from_be_bytes(raw.try_into().ok()?).to_string()),
        Type::INT4 => Some(i32::from_be_bytes(raw.try_into().ok()?).to_string()),
        Type::INT8 => Some(i64::from_be_bytes(raw.try_into().ok()?).to_string()),
        Type::OID | Type::XID | Type::CID | Type::REGCLASS | Type::REGPROC | Type::REGTYPE => {
            Some(u32::from_be_bytes(raw.try_into().ok()?).to_string())
        }
        Type::FLOAT4 => Some(f32::from_be_bytes(raw.try_into().ok()?).to_string()),
        Type::FLOAT8 => Some(f64::from_be_bytes(raw.try_into().ok()?).to_string()),
        Type::NUMERIC => numeric(raw),
        Type::JSONB => raw.split_first().and_then(|(_, rest)| String::from_utf8(rest.to_vec()).ok()),
        Type::TIMESTAMP => timestamp(i64::from_be_bytes(raw.try_into().ok()?), ""),
        Type::TIMESTAMPTZ => timestamp(i64::from_be_bytes(raw.try_into().ok()?), "+00"),
        Type::DATE => {
            let days = i32::from_be_bytes(raw.try_into().ok()?);
            let (y, m, d) = civil(i64::from(days) + DAYS_1970_TO_2000);
            Some(format!("{y:04}-{m:02}-{d:02}"))
        }
        Type::UUID if raw.len() == 16 => {
            let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
            Some(format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]))
        }
        Type::BYTEA => Some(format!("\\x{}", raw.iter().map(|b| format!("{b:02x}")).collect::<String>())),
        _ => String::from_utf8(raw.to_vec()).ok(),
    }
}

/// Days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for dates and timestamps.
const DAYS_1970_TO_2000: i64 = 10_957;

/// Microseconds since 2000-01-01 as `YYYY-MM-DD HH:MM:SS[.ffffff]` plus `zone`.
fn timestamp(micros: i64, zone: &str) -> Option<String> {
    if micros == i64::MAX {
        return Some("infinity".into());
    }
    if micros == i64::MIN {
        return Some("-infinity".into());
    }
    let days = micros.div_euclid(86_400_000_000);
    let rest = micros.rem_euclid(86_400_000_000);
    let (y, m, d) = civil(days + DAYS_1970_TO_2000);
    let secs = rest / 1_000_000;
    let frac = rest % 1_000_000;
    let mut out = format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if frac != 0 {
        out.push_str(format!(".{frac:06}").trim_end_matches('0'));
    }
    out.push_str(zone);
    Some(out)
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The binary `numeric`: ndigits, weight, sign, dscale, then base-10000 digits.
fn numeric(raw: &[u8]) -> Option<String> {
    let word = |i: usize| raw.get(i * 2..i * 2 + 2).map(|b| i16::from_be_bytes([b[0], b[1]]));
    let ndigits = usize::try_from(word(0)?).ok()?;
    let weight = i64::from(word(1)?);
    let sign = word(2)? as u16;
    let dscale = usize::try_from(word(3)?).ok()?;
    match sign {
        0xC000 => return Some("NaN".into()),
        0xD000 => return Some("Infinity".into()),
        0xF000 => return Some("-Infinity".into()),
        _ => {}
    }
    let digits: Vec<i64> = (0..ndigits).map(|i| word(4 + i).map(i64::from)).collect::<Option<_>>()?;
    let mut int_part = String::new();
    for i in 0..=weight.max(-1) {
        let d = usize::try_from(i).ok().and_then(|i| digits.get(i)).copied().unwrap_or(0);
        if int_part.is_empty() {
            int_part = d.to_string();
        } else {
            int_part.push_str(&format!("{d:04}"));
        }
    }
    if int_part.is_empty() {
        int_part.push('0');
    }
    let mut frac = String::new();
    let mut i = weight + 1;
    while frac.len() < dscale {
        let d = if i < 0 { 0 } else { usize::try_from(i).ok().and_then(|i| digits.get(i)).copied().unwrap_or(0) };
        frac.push_str(&format!("{d:04}"));
        i += 1;
    }
    frac.truncate(dscale);
    let sign = if sign == 0x4000 { "-" } else { "" };
    Some(if dscale > 0 { format!("{sign}{int_part}.{frac}") } else { format!("{sign}{int_part}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers() {
        assert_eq!(timestamp(0, "+00").as_deref(), Some("2000-01-01 00:00:00+00"));
        assert_eq!(timestamp(86_400_000_000 + 1_500_000, "").as_deref(), Some("2000-01-02 00:00:01.5"));
        assert_eq!(civil(0), (1970, 1, 1));
        // 12345.678: ndigits 3, weight 1, sign 0, dscale 3, digits 1 2345 6780.
        let raw: Vec<u8> = [3i16, 1, 0, 3, 1, 2345, 6780].iter().flat_map(|w| w.to_be_bytes()).collect();
        assert_eq!(numeric(&raw).as_deref(), Some("12345.678"));
        let raw: Vec<u8> = [1i16, -1, 0x4000, 2, 500].iter().flat_map(|w| w.to_be_bytes()).collect();
        assert_eq!(numeric(&raw).as_deref(), Some("-0.05"));
        assert_eq!(decode(&Type::BOOL, &[1]).as_deref(), Some("true"));
        assert_eq!(decode(&Type::INT8, &[0; 3]), None);
    }
}
