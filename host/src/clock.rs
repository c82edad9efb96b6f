//! Wall-clock formatting without a date library: UTC timestamps for file
//! versions and revision rows, and Go-style durations for Atlas-shaped output.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Civil date (y, m, d) from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn parts(t: SystemTime) -> (i64, u32, u32, u64, u64, u64, u32) {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or_default());
    let rem = secs % 86_400;
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60, since.subsec_micros())
}

/// `YYYYMMDDhhmmss` in UTC: Atlas's version format for new files.
pub fn version_stamp(t: SystemTime) -> String {
    let (y, m, d, hh, mm, ss, _) = parts(t);
    format!("{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}")
}

/// `YYYY-MM-DD hh:mm:ss.ffffff+00:00`, accepted by every supported database.
pub fn timestamp(t: SystemTime) -> String {
    let (y, m, d, hh, mm, ss, us) = parts(t);
    format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}.{us:06}+00:00")
}

/// RFC 3339 in UTC, for JSON output.
pub fn rfc3339(t: SystemTime) -> String {
    let (y, m, d, hh, mm, ss, us) = parts(t);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{us:06}Z")
}

/// A duration the way Go prints it (`5.412737ms`, `624.004µs`, `1.5s`), as Atlas does.
pub fn go_duration(d: Duration) -> String {
    // In integers, as Go does: exact digits, and no float formatting (a
    // run prints one per statement).
    let ns = d.as_nanos();
    if ns < 1_000 {
        return if ns == 0 { "0s".into() } else { format!("{ns}ns") };
    }
    if ns < 1_000_000 {
        return format!("{}µs", decimal(ns / 1_000, ns % 1_000, 3));
    }
    if ns < 1_000_000_000 {
        return format!("{}ms", decimal(ns / 1_000_000, ns % 1_000_000, 6));
    }
    let secs = ns / 1_000_000_000;
    let (h, m) = (secs / 3600, secs % 3600 / 60);
    let s = decimal(secs % 60, ns % 1_000_000_000, 9);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

/// `whole.fraction` with the fraction's `digits` digits, trailing zeros (and
/// a bare point) dropped.
fn decimal(whole: u128, fraction: u128, digits: usize) -> String {
    if fraction == 0 {
        return whole.to_string();
    }
    let fraction = format!("{fraction:0digits$}");
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let t = UNIX_EPOCH + Duration::from_secs(1_664_097_497);
        assert_eq!(version_stamp(t), "20220925091817");
        assert_eq!(timestamp(t), "2022-09-25 09:18:17.000000+00:00");
        assert_eq!(go_duration(Duration::from_nanos(5_412_737)), "5.412737ms");
        assert_eq!(go_duration(Duration::from_nanos(624_004)), "624.004µs");
        assert_eq!(go_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(go_duration(Duration::from_secs(61)), "1m1s");
        assert_eq!(go_duration(Duration::ZERO), "0s");
        assert_eq!(go_duration(Duration::from_nanos(999)), "999ns");
        assert_eq!(go_duration(Duration::from_nanos(1_000)), "1µs");
        assert_eq!(go_duration(Duration::from_nanos(1_000_050)), "1.00005ms");
        assert_eq!(go_duration(Duration::from_nanos(3_600_000_000_001)), "1h0m0.000000001s");
        assert_eq!(go_duration(Duration::from_nanos(125_250_000_000)), "2m5.25s");
    }
}
