//! JPEG decode and encode through libjpeg-turbo's TurboJPEG API.
//!
//! Decoding scales in the DCT (1/8 … 7/8): a 12 MP photo is decoded straight
//! to ~2000 px, skipping most of the IDCT, colour conversion and memory
//! traffic a full decode plus resize would cost. The system library is used
//! (Debian's 2.1 series), so this binds the TurboJPEG 2 API, which 3.x keeps.
//!
//! All `unsafe` in the crate lives here; each call's contract is noted beside it.

use std::ffi::{c_int, c_ulong, CStr};
use std::ptr;

use turbojpeg_sys as tj;

use crate::raster::Rgb8;

/// A TurboJPEG handle, destroyed on drop.
struct Handle(tj::tjhandle);

impl Handle {
    fn decompressor() -> Result<Handle, String> {
        // SAFETY: no arguments; a null return is handled below.
        Handle::checked(unsafe { tj::tjInitDecompress() })
    }

    fn compressor() -> Result<Handle, String> {
        // SAFETY: as above.
        Handle::checked(unsafe { tj::tjInitCompress() })
    }

    fn checked(raw: tj::tjhandle) -> Result<Handle, String> {
        if raw.is_null() {
            Err("libjpeg-turbo could not allocate a handle".to_owned())
        } else {
            Ok(Handle(raw))
        }
    }

    /// The message of the last failed call on this handle.
    fn last_error(&self) -> String {
        // SAFETY: the handle is live; TurboJPEG returns a pointer to a
        // NUL-terminated buffer inside the handle (or a static string), valid
        // until the next call on it, and we copy it out at once.
        let message = unsafe { tj::tjGetErrorStr2(self.0) };
        if message.is_null() {
            return "unknown libjpeg-turbo error".to_owned();
        }
        // SAFETY: non-null and NUL-terminated per the TurboJPEG contract.
        unsafe { CStr::from_ptr(message) }
            .to_string_lossy()
            .into_owned()
    }

    /// True when the last failure was only a warning: the output is complete
    /// but the decoder had to skip or guess something.
    fn last_was_warning(&self) -> bool {
        // SAFETY: the handle is live.
        let code = unsafe { tj::tjGetErrorCode(self.0) };
        code == tj::TJERR_TJERR_WARNING as c_int
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: created by tjInit*, destroyed exactly once here.
        unsafe {
            tj::tjDestroy(self.0);
        }
    }
}

/// What the JPEG header declares, read without decoding pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header {
    pub(crate) width: u32,
    pub(crate) height: u32,
}

/// Why a JPEG could not be decoded here; the caller decides whether to try
/// another decoder.
#[derive(Debug)]
pub(crate) enum DecodeFailure {
    /// The header is unreadable: not worth retrying with another decoder.
    Header(String),
    /// The scaled output would exceed the caller's limits.
    Limit(LimitHit),
    /// libjpeg gave up (unsupported colour conversion, odd marker layout):
    /// another decoder may still manage.
    Fatal(String),
    /// libjpeg decoded to the end but had to skip or invent data, so part of
    /// the picture is garbage. Another decoder would only paint it differently.
    Damaged(String),
}

#[derive(Debug)]
pub(crate) enum LimitHit {
    Pixels(Header),
    Memory,
}

/// A decoded, possibly DCT-scaled image and the full-size header.
pub(crate) struct Decoded {
    pub(crate) header: Header,
    pub(crate) image: Rgb8,
}

fn read_header(handle: &Handle, data: &[u8]) -> Result<Header, String> {
    let len = c_ulong::try_from(data.len()).map_err(|_| "file too large".to_owned())?;
    let (mut width, mut height, mut subsamp, mut colorspace): (c_int, c_int, c_int, c_int) =
        (0, 0, 0, 0);
    // SAFETY: `data` is a live slice of `len` bytes; the out-pointers point to
    // locals that outlive the call.
    let rc = unsafe {
        tj::tjDecompressHeader3(
            handle.0,
            data.as_ptr(),
            len,
            &mut width,
            &mut height,
            &mut subsamp,
            &mut colorspace,
        )
    };
    if rc != 0 {
        return Err(handle.last_error());
    }
    match (u32::try_from(width), u32::try_from(height)) {
        (Ok(width), Ok(height)) if width > 0 && height > 0 => Ok(Header { width, height }),
        _ => Err(format!("invalid dimensions {width}×{height}")),
    }
}

/// DCT scaling factors at or below 1, as (numerator, denominator).
fn downscaling_factors() -> Vec<(u32, u32)> {
    let mut count: c_int = 0;
    // SAFETY: TurboJPEG returns a pointer to a static array of `count`
    // entries (or null on failure), never freed.
    let list = unsafe { tj::tjGetScalingFactors(&mut count) };
    let count = usize::try_from(count).unwrap_or(0);
    if list.is_null() || count == 0 {
        return vec![(1, 1)];
    }
    // SAFETY: non-null and `count` long per the contract above.
    let factors = unsafe { std::slice::from_raw_parts(list, count) };
    factors
        .iter()
        .filter_map(|f| Some((u32::try_from(f.num).ok()?, u32::try_from(f.denom).ok()?)))
        .filter(|&(num, denom)| num > 0 && num <= denom)
        .collect()
}

/// `TJSCALED`: the size a dimension decodes to at `num/denom`.
fn scaled(dimension: u32, (num, denom): (u32, u32)) -> u32 {
    let v = (u64::from(dimension) * u64::from(num)).div_ceil(u64::from(denom));
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The smallest factor whose output long edge still reaches
/// `min(min_long_edge, full long edge)`: every pixel decoded beyond that is
/// thrown away by the resize anyway.
fn pick_factor(header: Header, min_long_edge: u32, factors: &[(u32, u32)]) -> (u32, u32) {
    let long = header.width.max(header.height);
    let fast_needed = FAST_SCALE_MIN_EDGE.min(min_long_edge);
    let fast = FAST_SCALES
        .iter()
        .copied()
        .filter(|f| factors.contains(f))
        .find(|&f| scaled(long, f) >= fast_needed);
    if let Some(factor) = fast {
        return factor;
    }
    let needed = min_long_edge.min(long);
    factors
        .iter()
        .copied()
        .filter(|&f| scaled(long, f) >= needed)
        .min_by(|&(an, ad), &(bn, bd)| {
            (u64::from(an) * u64::from(bd)).cmp(&(u64::from(bn) * u64::from(ad)))
        })
        .unwrap_or((1, 1))
}

/// DCT scale factors libjpeg-turbo runs with SIMD IDCTs, smallest first.
const FAST_SCALES: [(u32, u32); 3] = [(1, 8), (1, 4), (1, 2)];

/// A fast scale is taken when it still lands at this long edge or more.
///
/// The other factors (3/8, 5/8, 3/4, 7/8) run libjpeg-turbo's plain C IDCT:
/// an 8 MP photo (3264 px) decoded at 5/8 to reach 2040 px costs 1.8× its
/// 1/2 decode (tjbench: 30 ms vs 17 ms), which made import 1.3× slower than
/// `vipsthumbnail` instead of 0.84× (docs/benchmarks.md). Such photos get a
/// 1632 px display rendition; 12 MP (4032 px) still get 2016 px, and sizes
/// with no fast factor above this edge (e.g. 2048 px) keep the exact rule.
const FAST_SCALE_MIN_EDGE: u32 = 1600;

/// Limits checked before any pixel memory is allocated.
pub(crate) struct DecodeLimits {
    pub(crate) max_pixels: u64,
    pub(crate) max_alloc_bytes: u64,
}

/// Libjpeg warnings that mean bytes were skipped between segments but no
/// image data was lost; anything else (truncation, bad Huffman codes) leaves
/// visibly damaged pixels and is reported as corruption.
fn warning_is_harmless(message: &str) -> bool {
    message.contains("extraneous bytes before marker")
}

/// Decodes with the coarsest DCT scaling that keeps the long edge at or
/// above `min_long_edge` (or the full size, whichever is smaller).
pub(crate) fn decode_scaled(
    data: &[u8],
    min_long_edge: u32,
    limits: &DecodeLimits,
) -> Result<Decoded, DecodeFailure> {
    let handle = Handle::decompressor().map_err(DecodeFailure::Header)?;
    let header = read_header(&handle, data).map_err(DecodeFailure::Header)?;
    if u64::from(header.width) * u64::from(header.height) > limits.max_pixels {
        return Err(DecodeFailure::Limit(LimitHit::Pixels(header)));
    }
    let factor = pick_factor(header, min_long_edge, &downscaling_factors());
    let (width, height) = (scaled(header.width, factor), scaled(header.height, factor));
    let bytes = u64::from(width) * u64::from(height) * 3;
    if bytes > limits.max_alloc_bytes {
        return Err(DecodeFailure::Limit(LimitHit::Memory));
    }
    let data_failure = DecodeFailure::Fatal;
    let len =
        c_ulong::try_from(data.len()).map_err(|_| data_failure("file too large".to_owned()))?;
    let (w, h) = match (c_int::try_from(width), c_int::try_from(height)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => return Err(data_failure("dimensions overflow".to_owned())),
    };
    let size = usize::try_from(bytes).map_err(|_| DecodeFailure::Limit(LimitHit::Memory))?;
    let mut pixels = vec![0u8; size];
    // LIMITSCANS caps progressive scans at 500, defusing JPEGs crafted to
    // take minutes to decode.
    // FASTDCT/FASTUPSAMPLE: the output is a downscaled preview, where the
    // integer IDCT and plain chroma upsampling are visually identical and
    // measurably cheaper (see docs/benchmarks.md).
    let flags = (tj::TJFLAG_LIMITSCANS | tj::TJFLAG_FASTDCT | tj::TJFLAG_FASTUPSAMPLE) as c_int;
    // SAFETY: `data` is `len` readable bytes; `pixels` holds exactly
    // `w * 3 * h` bytes (pitch 0 = w * 3), and TurboJPEG writes at most the
    // scaled size for the factor it picks, which is ≤ (w, h) by construction.
    let rc = unsafe {
        tj::tjDecompress2(
            handle.0,
            data.as_ptr(),
            len,
            pixels.as_mut_ptr(),
            w,
            0,
            h,
            tj::TJPF_TJPF_RGB,
            flags,
        )
    };
    if rc != 0 {
        let reason = handle.last_error();
        if !handle.last_was_warning() {
            return Err(data_failure(reason));
        }
        if !warning_is_harmless(&reason) {
            return Err(DecodeFailure::Damaged(reason));
        }
    }
    let image = Rgb8::new(width, height, pixels)
        .ok_or_else(|| data_failure("decoder produced a buffer of the wrong size".to_owned()))?;
    Ok(Decoded { header, image })
}

/// Encodes baseline 4:2:0 JPEG, the layout every viewer decodes fastest.
pub(crate) fn encode(image: &Rgb8, quality: u8) -> Result<Vec<u8>, String> {
    let handle = Handle::compressor()?;
    let (w, h) = match (c_int::try_from(image.width), c_int::try_from(image.height)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => return Err("rendition dimensions overflow".to_owned()),
    };
    let mut out: *mut u8 = ptr::null_mut();
    let mut out_len: c_ulong = 0;
    // SAFETY: `image.pixels` is exactly w * h * 3 bytes (Rgb8 invariant) with
    // pitch 0 = w * 3. With a null `out` and no NOREALLOC, TurboJPEG
    // allocates the output with tjAlloc, which we free below.
    let rc = unsafe {
        tj::tjCompress2(
            handle.0,
            image.pixels.as_ptr(),
            w,
            0,
            h,
            tj::TJPF_TJPF_RGB,
            &mut out,
            &mut out_len,
            tj::TJSAMP_TJSAMP_420 as c_int,
            c_int::from(quality),
            tj::TJFLAG_FASTDCT as c_int,
        )
    };
    let result = if rc != 0 || out.is_null() {
        Err(handle.last_error())
    } else {
        match usize::try_from(out_len) {
            // SAFETY: on success `out` points to `out_len` initialised bytes.
            Ok(len) => Ok(unsafe { std::slice::from_raw_parts(out, len) }.to_vec()),
            Err(_) => Err("encoded JPEG too large".to_owned()),
        }
    };
    if !out.is_null() {
        // SAFETY: allocated by TurboJPEG for this call, freed exactly once.
        unsafe { tj::tjFree(out) };
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factors() -> Vec<(u32, u32)> {
        downscaling_factors()
    }

    #[test]
    fn twelve_megapixel_decodes_at_half() {
        let header = Header {
            width: 4000,
            height: 3000,
        };
        assert_eq!(
            pick_factor(header, 1920, &factors()),
            (1, 2),
            "4000 px → 2000 px is enough"
        );
    }

    #[test]
    fn eight_megapixel_takes_the_fast_half_scale() {
        let header = Header {
            width: 3264,
            height: 2448,
        };
        assert_eq!(
            pick_factor(header, 1920, &factors()),
            (1, 2),
            "3264 px → 1632 px on the SIMD IDCT rather than 2040 px on the C one"
        );
    }

    #[test]
    fn sizes_without_a_fast_factor_above_1600_keep_the_exact_rule() {
        let at = |width, height| pick_factor(Header { width, height }, 1920, &factors());
        assert_eq!(
            at(2048, 1536),
            (1, 1),
            "1/2 would be 1024 px: decode in full"
        );
        assert_eq!(
            at(2560, 1920),
            (3, 4),
            "1920 px, the smallest factor reaching 1920"
        );
    }

    #[test]
    fn small_images_decode_at_full_size() {
        let header = Header {
            width: 640,
            height: 480,
        };
        assert_eq!(
            pick_factor(header, 1920, &factors()),
            (1, 1),
            "nothing to drop below 1920 px"
        );
    }

    #[test]
    fn encode_then_decode_round_trips_dimensions() {
        let image = Rgb8::new(64, 48, vec![128; 64 * 48 * 3]).expect("valid test buffer");
        let jpeg = encode(&image, 85).expect("encoding a plain grey image works");
        let limits = DecodeLimits {
            max_pixels: 1 << 20,
            max_alloc_bytes: 1 << 24,
        };
        let decoded = decode_scaled(&jpeg, 1920, &limits).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            (decoded.image.width, decoded.image.height),
            (64, 48),
            "a small JPEG decodes unscaled"
        );
    }
}
