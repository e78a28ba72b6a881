//! Security: after a whole session (sign in, pull, moderate, push, export,
//! sign out) no token and no password is in the library folder, the
//! export, the configuration and cache folders, or anything Klikt printed.
//! Runs with the real keyring (a D-Bus session with an unlocked Secret
//! Service, as `./dev test` provides).

mod common;

use std::path::Path;
use std::process::Output;

use common::remote::{few_photos, files_under, fixture, stderr, EMAIL, PASSWORD};
use common::{klikt, run};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_token_or_password_is_left_anywhere_after_sign_in_pull_push_export_and_sign_out() {
    let photos = few_photos();
    let fx = fixture(photos.path());
    let home = tempfile::tempdir().unwrap();
    let export = tempfile::tempdir().unwrap();
    // Everything Klikt writes outside the library goes under this home.
    let in_home = |args: &[&str]| -> Output {
        run(klikt(fx.lib())
            .args(args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .env("XDG_CACHE_HOME", home.path().join(".cache"))
            .env("XDG_STATE_HOME", home.path().join(".local/state")))
    };
    let mut printed: Vec<u8> = Vec::new();
    let event = fx.event.as_str().to_owned();
    let mut step = |args: &[&str]| {
        let out = in_home(args);
        assert!(out.status.success(), "klikt {args:?}: {}", stderr(&out));
        printed.extend_from_slice(&out.stdout);
        printed.extend_from_slice(&out.stderr);
    };
    step(&["pull", &event, "--json"]);
    step(&["moderate", &event, "--hide", "1", "--json"]);
    step(&["push", &event, "--json"]);
    let to = export.path().join("out");
    let to = to.to_str().expect("utf-8 temp path");
    step(&["export", &event, "--to", to, "--json"]);

    // The tokens as the keyring holds them, read before sign-out removes them.
    let entry = keyring::Entry::new("Klikt Desktop", &format!("{EMAIL} on {}", fx.server.url()))
        .expect("keyring entry");
    let stored: serde_json::Value =
        serde_json::from_str(&entry.get_password().expect("tokens are in the keyring")).unwrap();
    let secrets: Vec<String> = ["access_token", "refresh_token"]
        .iter()
        .map(|k| stored[k].as_str().expect("a token").to_owned())
        .chain([PASSWORD.to_owned()])
        .collect();
    step(&["logout"]);

    let places: [&Path; 3] = [fx.lib(), export.path(), home.path()];
    for secret in &secrets {
        for place in places {
            for file in files_under(place) {
                let bytes = std::fs::read(&file).unwrap_or_default();
                assert!(
                    !contains(&bytes, secret.as_bytes()),
                    "a secret is in {}",
                    file.display()
                );
            }
        }
        assert!(
            !contains(&printed, secret.as_bytes()),
            "a secret was printed"
        );
    }
    assert!(
        matches!(entry.get_password(), Err(keyring::Error::NoEntry)),
        "sign-out empties the keyring"
    );
}
