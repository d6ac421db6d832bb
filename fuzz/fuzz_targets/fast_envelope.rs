//! The envelope's fast reader against the general one: on every input the fast reader
//! takes, both must read the same event.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        assert!(kafka_core::fuzzing::fast_reader_agrees(text));
    }
});
