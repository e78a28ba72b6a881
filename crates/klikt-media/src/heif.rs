//! Just enough of the HEIF box structure to know a photo's displayed size
//! without decoding it: used to refuse oversized files before the external
//! decoder runs, and to report a size when there is no decoder at all.

/// One ISO-BMFF box: its type and its payload (after the header).
struct Bmff<'a> {
    kind: &'a [u8],
    body: &'a [u8],
}

/// Iterates the boxes laid end to end in `data`, stopping at the first
/// malformed header rather than guessing.
fn boxes(mut data: &[u8]) -> impl Iterator<Item = Bmff<'_>> {
    std::iter::from_fn(move || {
        let size32 = u32::from_be_bytes(data.get(0..4)?.try_into().ok()?);
        let kind = data.get(4..8)?;
        let (header, size) = match size32 {
            0 => (8, data.len()),
            1 => {
                let large = u64::from_be_bytes(data.get(8..16)?.try_into().ok()?);
                (16, usize::try_from(large).ok()?)
            }
            n => (8, usize::try_from(n).ok()?),
        };
        let body = data.get(header..size)?;
        data = data.get(size..)?;
        Some(Bmff { kind, body })
    })
}

fn child<'a>(body: &'a [u8], kind: &[u8]) -> Option<&'a [u8]> {
    boxes(body).find(|b| b.kind == kind).map(|b| b.body)
}

fn be_u16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn be_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// Width × height of the primary image as displayed: its `ispe`, cropped
/// by `clap` and turned by `irot` in the order the file associates them.
/// `None` for anything unexpected; the caller then simply does not know.
pub(crate) fn primary_image_size(file: &[u8]) -> Option<(u32, u32)> {
    let meta = child(file, b"meta")?;
    // meta is a FullBox: version and flags precede its children.
    let meta = meta.get(4..)?;
    let pitm = child(meta, b"pitm")?;
    let primary = match pitm.first()? {
        0 => u32::from(be_u16(pitm, 4)?),
        _ => be_u32(pitm, 4)?,
    };
    let iprp = child(meta, b"iprp")?;
    let properties: Vec<Bmff> = boxes(child(iprp, b"ipco")?).collect();
    let indices = associations(child(iprp, b"ipma")?, primary)?;

    let mut size: Option<(u32, u32)> = None;
    for index in indices {
        let Some(property) = index.checked_sub(1).and_then(|i| properties.get(i)) else {
            continue;
        };
        match property.kind {
            b"ispe" => size = Some((be_u32(property.body, 4)?, be_u32(property.body, 8)?)),
            b"clap" => {
                let fraction = |at| {
                    let (n, d) = (be_u32(property.body, at)?, be_u32(property.body, at + 4)?);
                    (d != 0).then(|| n / d)
                };
                size = Some((fraction(0)?, fraction(8)?));
            }
            b"irot" if property.body.first()? & 1 == 1 => size = size.map(|(w, h)| (h, w)),
            _ => {}
        }
    }
    size.filter(|&(w, h)| w > 0 && h > 0)
}

/// The 1-based `ipco` indices associated with `item`, in file order.
fn associations(ipma: &[u8], item: u32) -> Option<Vec<usize>> {
    let version = *ipma.first()?;
    let wide_index = ipma.get(3)? & 1 == 1;
    let count = be_u32(ipma, 4)?;
    let mut at = 8;
    for _ in 0..count {
        let id = if version < 1 {
            let id = u32::from(be_u16(ipma, at)?);
            at += 2;
            id
        } else {
            let id = be_u32(ipma, at)?;
            at += 4;
            id
        };
        let n = usize::from(*ipma.get(at)?);
        at += 1;
        let mut indices = Vec::with_capacity(n);
        for _ in 0..n {
            // The top bit marks "essential"; the rest is the index.
            if wide_index {
                indices.push(usize::from(be_u16(ipma, at)? & 0x7fff));
                at += 2;
            } else {
                indices.push(usize::from(ipma.get(at)? & 0x7f));
                at += 1;
            }
        }
        if id == item {
            return Some(indices);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    fn heif_with(properties: &[Vec<u8>], associated: &[u8]) -> Vec<u8> {
        let ipco = bx(b"ipco", &properties.concat());
        let mut ipma = vec![0, 0, 0, 0, 0, 0, 0, 1, 0, 7, associated.len() as u8];
        ipma.extend_from_slice(associated);
        let iprp = bx(b"iprp", &[ipco, bx(b"ipma", &ipma)].concat());
        let pitm = bx(b"pitm", &[0, 0, 0, 0, 0, 7]);
        let meta = bx(b"meta", &[vec![0, 0, 0, 0], pitm, iprp].concat());
        [bx(b"ftyp", b"heic\0\0\0\0mif1heic"), meta].concat()
    }

    fn ispe(w: u32, h: u32) -> Vec<u8> {
        bx(
            b"ispe",
            &[[0u8; 4], w.to_be_bytes(), h.to_be_bytes()].concat(),
        )
    }

    #[test]
    fn primary_size_comes_from_its_ispe() {
        let file = heif_with(&[ispe(4032, 3024)], &[0x81]);
        assert_eq!(
            primary_image_size(&file),
            Some((4032, 3024)),
            "ispe of item 7"
        );
    }

    #[test]
    fn irot_by_a_quarter_turn_swaps_the_size() {
        let file = heif_with(&[ispe(4032, 3024), bx(b"irot", &[3])], &[0x81, 0x82]);
        assert_eq!(
            primary_image_size(&file),
            Some((3024, 4032)),
            "270° turns landscape to portrait"
        );
    }

    #[test]
    fn truncated_files_yield_no_size_and_no_panic() {
        let file = heif_with(&[ispe(4032, 3024)], &[0x81]);
        for len in 0..file.len() {
            let _ = primary_image_size(&file[..len]);
        }
        assert_eq!(
            primary_image_size(b"\0\0\0\x01meta"),
            None,
            "a bogus large size is not trusted"
        );
    }
}
