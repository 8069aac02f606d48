//! Which instruction sets the tagger's kernels use: the widest this CPU supports, chosen
//! once per process, unless the environment variable `WHOSAID_CPU` caps it.
//!
//! The levels compute the same network in different arithmetic, so their label scores
//! differ by rounding (and, rarely, a borderline label with them):
//!
//! | level | recurrent products | input sums | output |
//! |---|---|---|---|
//! | `avx512` | 8-bit integers, 512-bit registers | 16-bit integers, 512-bit | identical to `avx2-vnni` |
//! | `avx2-vnni` | 8-bit integers, 256-bit registers | 16-bit integers, 256-bit | |
//! | `avx2` | 16-bit integers, 256-bit | 16-bit integers, 256-bit | on PolNeAR, identical to the `f32` recurrence it replaced |
//! | `portable` | `f32`, no SIMD intrinsics | `f32` | |
//!
//! Setting `WHOSAID_CPU` to a lower level on every machine of a cluster (`avx2` where all
//! are x86-64 with AVX2, `portable` where some are not) makes the output the same on
//! machines whose widest levels differ, and lets a benchmark compare two levels on the
//! same machine. A cap above what the CPU supports
//! changes nothing; an unknown value is ignored here (the CLI rejects it: see
//! [`Level::from_env`]).

use std::sync::LazyLock;

/// The name of the environment variable that caps the kernels' level.
pub const ENV: &str = "WHOSAID_CPU";

/// A set of instructions the kernels may use, from the narrowest to the widest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Plain Rust, on any CPU.
    Portable,
    /// AVX2 and FMA.
    Avx2,
    /// AVX2, FMA and AVX-VNNI (byte dot products in 256-bit registers).
    Avx2Vnni,
    /// AVX-512 (F, BW) with AVX512-VNNI, and AVX2 and FMA.
    Avx512,
}

impl Level {
    /// Every level, narrowest first.
    pub const ALL: [Level; 4] = [Level::Portable, Level::Avx2, Level::Avx2Vnni, Level::Avx512];

    /// The level's name, as `WHOSAID_CPU` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Portable => "portable",
            Level::Avx2 => "avx2",
            Level::Avx2Vnni => "avx2-vnni",
            Level::Avx512 => "avx512",
        }
    }

    /// The level named `name` (case-insensitive), if any.
    pub fn parse(name: &str) -> Option<Level> {
        Level::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether this CPU can run the level's kernels.
    pub fn available(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            let avx2 = has!("avx2") && has!("fma");
            match self {
                Level::Portable => true,
                Level::Avx2 => avx2,
                Level::Avx2Vnni => avx2 && has!("avxvnni"),
                Level::Avx512 => avx2 && has!("avx512f") && has!("avx512bw") && has!("avx512vnni"),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            self == Level::Portable
        }
    }

    /// The widest available level at or below `cap`.
    pub fn best_up_to(cap: Level) -> Level {
        Level::ALL
            .into_iter()
            .rev()
            .find(|l| *l <= cap && l.available())
            .unwrap_or(Level::Portable)
    }

    /// The cap `WHOSAID_CPU` sets: `Ok(None)` when it is unset or empty, an error naming
    /// the accepted values when it names no level.
    ///
    /// # Errors
    /// An unknown level name.
    pub fn from_env() -> Result<Option<Level>, String> {
        match std::env::var(ENV) {
            Ok(v) if !v.trim().is_empty() => Level::parse(&v).map(Some).ok_or_else(|| {
                let names: Vec<&str> = Level::ALL.iter().map(|l| l.name()).collect();
                format!(
                    "{ENV}={v:?} names no level (use one of: {})",
                    names.join(", ")
                )
            }),
            _ => Ok(None),
        }
    }

    /// The level this process's kernels use: the widest the CPU supports, capped by
    /// `WHOSAID_CPU` (read once, on first use).
    pub fn current() -> Level {
        static CURRENT: LazyLock<Level> = LazyLock::new(|| {
            Level::best_up_to(Level::from_env().ok().flatten().unwrap_or(Level::Avx512))
        });
        *CURRENT
    }

    /// What the kernels of this level compute in, for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Level::Portable => "f32 recurrence and input sums, no SIMD intrinsics",
            Level::Avx2 => "16-bit recurrence (AVX2), 16-bit input sums",
            Level::Avx2Vnni => "8-bit recurrence (AVX-VNNI), 16-bit input sums, 256-bit registers",
            Level::Avx512 => "8-bit recurrence (AVX512-VNNI), 16-bit input sums, 512-bit registers",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_order_from_narrow_to_wide() {
        for (i, l) in Level::ALL.into_iter().enumerate() {
            assert_eq!(Level::parse(l.name()), Some(l));
            assert_eq!(
                Level::parse(&format!(" {} ", l.name().to_uppercase())),
                Some(l)
            );
            assert!(Level::ALL[..i].iter().all(|narrower| *narrower < l));
        }
        assert_eq!(Level::parse("sse2"), None);
        assert_eq!(Level::parse(""), None);
    }

    #[test]
    fn a_cap_never_raises_the_level() {
        assert!(Level::Portable.available());
        assert_eq!(Level::best_up_to(Level::Portable), Level::Portable);
        for cap in Level::ALL {
            let l = Level::best_up_to(cap);
            assert!(l <= cap && l.available(), "{cap:?} gave {l:?}");
            // Nothing between the chosen level and the cap is available.
            assert!(
                Level::ALL
                    .iter()
                    .all(|m| *m <= l || *m > cap || !m.available())
            );
        }
        assert!(Level::current().available());
    }
}
