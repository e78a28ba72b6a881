//! The decoder-bomb set: files built to exhaust a decoder's memory or time
//! (huge declared dimensions, deflate bombs in pixels, profiles and ZIP
//! entries, truncated files) go through `klikt import` under an address-space
//! cap. Each one is refused by name with the reason, or imported without
//! blowing the cap; the good photo beside them still lands.

mod common;

use common::{assert_consistent, corpus, json, klikt};

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use flate2::{Compress, Compression, FlushCompress};

const MIB: usize = 1 << 20;

/// Enough for the debug binary importing one photo (it needs under
/// 256 MiB), far below what any of the bombs would take if unpacked.
const ADDRESS_SPACE_CAP: u64 = 512 << 20;

/// A raw deflate stream that inflates to `mebibytes` MiB of zeros in about
/// 1 KB per MiB: one sync-flushed block of a MiB of zeros repeated (its
/// back-references never reach before itself), then an empty final block.
fn deflated_zeros(mebibytes: usize) -> Vec<u8> {
    let mut compress = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(64 * 1024);
    compress
        .compress_vec(&vec![0u8; MIB], &mut block, FlushCompress::Sync)
        .unwrap();
    assert_eq!(compress.total_in(), MIB as u64, "one call takes the MiB");
    let mut stream = block.repeat(mebibytes);
    // A fixed-Huffman final block holding only end-of-block.
    stream.extend_from_slice(&[0x03, 0x00]);
    stream
}

fn zlib_zeros(bytes: usize) -> Vec<u8> {
    assert_eq!(bytes % MIB, 0);
    let mut out = vec![0x78, 0xDA];
    out.extend(deflated_zeros(bytes / MIB));
    // Adler-32 of zeros: a stays 1, b gains 1 per byte.
    let adler = (((bytes % 65521) as u32) << 16) | 1;
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// An 8-bit greyscale PNG of `width` × `height` with the given chunks
/// between the header and the pixels.
fn png(width: u32, height: u32, extra: &[(&[u8; 4], Vec<u8>)], idat: &[u8]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    for (kind, data) in extra {
        png_chunk(&mut out, kind, data);
    }
    png_chunk(&mut out, b"IDAT", idat);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A small real PNG (noise, so it does not compress away).
fn noise_png() -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let image = image::GrayImage::from_fn(256, 256, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        image::Luma([state as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// A ZIP of one deflated entry whose headers declare `declared_size`
/// unpacked bytes (honest or not) for `data`.
fn zip_one(name: &str, data: &[u8], declared_size: u32, crc: u32) -> Vec<u8> {
    let compressed = data.len() as u32;
    let mut out = Vec::new();
    let header = |out: &mut Vec<u8>| {
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&8u16.to_le_bytes()); // deflate
        out.extend_from_slice(&0u32.to_le_bytes()); // DOS time and date
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&compressed.to_le_bytes());
        out.extend_from_slice(&declared_size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra length
    };
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    header(&mut out);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(data);
    let directory_at = out.len() as u32;
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&20u16.to_le_bytes()); // version made by
    header(&mut out);
    out.extend_from_slice(&[0; 8]); // comment length, disk, attributes
    out.extend_from_slice(&0u32.to_le_bytes()); // external attributes
    out.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    out.extend_from_slice(name.as_bytes());
    let directory_size = out.len() as u32 - directory_at;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&directory_size.to_le_bytes());
    out.extend_from_slice(&directory_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    out
}

/// CRC-32 of `mebibytes` MiB of zeros, by doubling one MiB's.
fn crc_of_zeros(mebibytes: usize) -> u32 {
    assert!(mebibytes.is_power_of_two());
    let mut crc = crc32fast::Hasher::new();
    crc.update(&vec![0u8; MIB]);
    let mut have = 1;
    while have < mebibytes {
        let copy = crc.clone();
        crc.combine(&copy);
        have *= 2;
    }
    crc.finalize()
}

/// `photo` with its frame header claiming `side` × `side` pixels.
fn jpeg_claiming(photo: &[u8], side: u16) -> Vec<u8> {
    let mut bytes = photo.to_vec();
    let mut at = 2;
    while at + 9 < bytes.len() && bytes[at] == 0xFF {
        let marker = bytes[at + 1];
        let length = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        if matches!(marker, 0xC0..=0xC2) {
            bytes[at + 5..at + 7].copy_from_slice(&side.to_be_bytes());
            bytes[at + 7..at + 9].copy_from_slice(&side.to_be_bytes());
            return bytes;
        }
        at += 2 + length;
    }
    panic!("no frame header in the corpus photo");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::File::create(dir.join(name))
        .and_then(|mut file| file.write_all(bytes))
        .unwrap();
}

#[test]
fn a_decoder_bomb_set_is_refused_item_by_item_under_a_memory_cap() {
    let bombs = tempfile::tempdir().unwrap();
    let dir = bombs.path();
    let photo = std::fs::read(corpus().join("jpg/orientation/landscape_1.jpg")).unwrap();
    let good_png = noise_png();

    write(dir, "good.jpg", &photo);
    write(
        dir,
        "huge-dimensions.png",
        &png(60_000, 60_000, &[], &zlib_zeros(MIB)),
    );
    write(dir, "huge-dimensions.jpg", &jpeg_claiming(&photo, 65_000));
    // 400 MP of zeros in 400 KB.
    let side = 20_000;
    write(
        dir,
        "deflate-bomb.png",
        &png(side, side, &[], &zlib_zeros(400 * MIB)),
    );
    // A 1 GiB colour profile in 1 MB around a 1 × 1 picture.
    let mut profile = b"bomb\0\0".to_vec();
    profile.extend(zlib_zeros(1024 * MIB));
    write(
        dir,
        "profile-bomb.png",
        &png(1, 1, &[(b"iCCP", profile)], &zlib_zeros(MIB)[..]),
    );
    let two_gib = 2048 * MIB;
    write(
        dir,
        "honest-bomb.zip",
        &zip_one(
            "party/photo.jpg",
            &deflated_zeros(2048),
            two_gib as u32,
            crc_of_zeros(2048),
        ),
    );
    write(
        dir,
        "lying-bomb.zip",
        &zip_one(
            "party/photo.jpg",
            &deflated_zeros(2048),
            64 * 1024,
            crc_of_zeros(2048),
        ),
    );
    write(dir, "truncated.jpg", &photo[..photo.len() / 2]);
    write(dir, "truncated.png", &good_png[..good_png.len() / 2]);
    let heic = std::fs::read(corpus().join("heic/IMG_5195.HEIC")).unwrap();
    write(dir, "truncated.heic", &heic[..heic.len() / 3]);
    write(dir, "empty.jpg", &[]);

    let library = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut import = std::process::Command::new("prlimit");
    import
        .arg(format!("--as={ADDRESS_SPACE_CAP}"))
        .arg(env!("CARGO_BIN_EXE_klikt"))
        .args(klikt(library.path()).get_args())
        .args(["import", "--event", "Bombs", "--json"])
        .arg(dir)
        .env_remove("KLIKT_LIBRARY");
    let output = import.output().expect("prlimit (util-linux) runs");
    println!(
        "{} files imported under a {} MiB address-space cap in {:.2} s",
        std::fs::read_dir(dir).unwrap().count(),
        ADDRESS_SPACE_CAP >> 20,
        started.elapsed().as_secs_f64()
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "some files were refused, none crashed the import: {stderr}"
    );
    let report = json(&output);
    let rejected: Vec<(String, String)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let name = r["name"].as_str().unwrap();
            let file = Path::new(name.split(" › ").next().unwrap());
            (
                file.file_name().unwrap().to_string_lossy().into_owned(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let reason = |file: &str| {
        rejected
            .iter()
            .find(|(name, _)| name == file)
            .map(|(_, reason)| reason.as_str())
            .unwrap_or_else(|| panic!("{file} is refused; refused: {rejected:?}"))
    };
    assert!(reason("huge-dimensions.png").contains("60000×60000 pixels"));
    assert!(reason("huge-dimensions.jpg").contains("65000×65000 pixels"));
    assert!(reason("deflate-bomb.png").contains("20000×20000 pixels"));
    assert!(reason("honest-bomb.zip").contains("decompression bomb"));
    assert!(reason("lying-bomb.zip").contains("larger than its declared"));
    assert!(reason("truncated.jpg").contains("premature end"));
    assert!(!reason("truncated.png").is_empty());
    assert!(reason("truncated.heic").to_lowercase().contains("heif"));
    assert!(reason("empty.jpg").contains("not a photo or video"));
    assert_eq!(rejected.len(), 9, "{rejected:?}");

    // The good photo, and the picture whose profile was the bomb, are in.
    assert_eq!(report["imported"], 2, "{report}");
    assert_consistent(library.path(), true);
    let listed = json(
        &klikt(library.path())
            .args(["ls", "Bombs", "--json"])
            .output()
            .unwrap(),
    );
    let mut names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["original_name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["good.jpg", "profile-bomb.png"]);
}
