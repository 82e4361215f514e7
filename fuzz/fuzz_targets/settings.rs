//! The settings file (`zhnorm.toml`) parser on arbitrary text: no panic
//! (its error messages find the line, column and key of a TOML error).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhnorm::settings::Settings;

fuzz_target!(|text: &str| {
    let _ = Settings::parse(text);
});
