//! The protocol's JSON as a server (or something pretending to be one) might
//! send it: decoding arbitrary bytes into the wire types must fail cleanly,
//! and whatever decodes must encode again.
#![no_main]

use klikt_wire::{ChangesPage, Event, EventList, Media, ModerationResponse, Problem, Session, UploadResponse};
use libfuzzer_sys::fuzz_target;

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(bytes: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(bytes) {
        let again = serde_json::to_vec(&value).expect("what decodes encodes");
        serde_json::from_slice::<T>(&again).expect("and decodes again");
    }
}

fuzz_target!(|bytes: &[u8]| {
    round_trip::<Session>(bytes);
    round_trip::<Event>(bytes);
    round_trip::<EventList>(bytes);
    round_trip::<Media>(bytes);
    round_trip::<ChangesPage>(bytes);
    round_trip::<ModerationResponse>(bytes);
    round_trip::<UploadResponse>(bytes);
    round_trip::<Problem>(bytes);
});
