//! A scanned JPEG as a one-page A4 PDF, so that scans photographed or scanned to JPEG are signed
//! like any PDF. The image is embedded as it is (DCTDecode, never re-encoded), scaled to fit the
//! page with its aspect kept; a landscape image gets a landscape page. The EXIF orientation is
//! not applied: scanners write upright images.

use motcua_domain::pdf_write;

use crate::error::SignError;

pub struct JpegInfo {
    pub width: u16,
    pub height: u16,
    pub components: u8,
    /// An Adobe APP14 marker: CMYK data from Adobe software is stored inverted.
    pub adobe: bool,
}

/// Reads the frame header; refuses anything that is not a baseline, extended or progressive
/// Huffman JPEG (what every PDF reader's DCTDecode draws).
pub fn info(data: &[u8]) -> Result<JpegInfo, SignError> {
    if !data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Err(SignError::NotJpeg);
    }
    let mut at = 2;
    let mut adobe = false;
    while at + 4 <= data.len() {
        if data[at] != 0xFF {
            return Err(SignError::NotJpeg);
        }
        let marker = data[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let len = u16::from_be_bytes([data[at + 2], data[at + 3]]) as usize;
        let segment = data.get(at + 4..at + 2 + len).ok_or(SignError::NotJpeg)?;
        match marker {
            0xEE if segment.starts_with(b"Adobe") => adobe = true,
            0xC0..=0xC2 => {
                if segment.len() < 6 {
                    return Err(SignError::NotJpeg);
                }
                let height = u16::from_be_bytes([segment[1], segment[2]]);
                let width = u16::from_be_bytes([segment[3], segment[4]]);
                let components = segment[5];
                if width == 0 || height == 0 || ![1, 3, 4].contains(&components) || segment[0] != 8 {
                    return Err(SignError::NotJpeg);
                }
                return Ok(JpegInfo { width, height, components, adobe });
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xD9 | 0xDA => return Err(SignError::NotJpeg),
            _ => {}
        }
        if len < 2 {
            return Err(SignError::NotJpeg);
        }
        at += 2 + len;
    }
    Err(SignError::NotJpeg)
}

/// A PDF (classic cross-reference table) with one A4 page showing the image.
pub fn wrap(data: &[u8]) -> Result<Vec<u8>, SignError> {
    let img = info(data)?;
    let (w, h) = (img.width as f32, img.height as f32);
    let (pw, ph) = if w > h { (842.0f32, 595.0f32) } else { (595.0, 842.0) };
    let scale = (pw / w).min(ph / h);
    let (dw, dh) = (w * scale, h * scale);
    let content = format!("q {dw:.3} 0 0 {dh:.3} {:.3} {:.3} cm /Im1 Do Q\n", (pw - dw) / 2.0, (ph - dh) / 2.0);
    let (space, decode) = match (img.components, img.adobe) {
        (1, _) => ("/DeviceGray", ""),
        (3, _) => ("/DeviceRGB", ""),
        (_, true) => ("/DeviceCMYK", " /Decode [1 0 1 0 1 0 1 0]"),
        _ => ("/DeviceCMYK", ""),
    };
    let image = pdf_write::stream(
        &format!(
            " /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace {space} /BitsPerComponent 8{decode} /Filter /DCTDecode",
            img.width, img.height
        ),
        data,
    );
    let page_content = pdf_write::stream("", content.as_bytes());
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw} {ph}] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>")
            .into_bytes(),
        image,
        page_content,
    ];
    Ok(pdf_write::file(&objects))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_jpeg_is_refused() {
        assert_eq!(info(b"%PDF-1.7").err(), Some(SignError::NotJpeg));
        assert_eq!(info(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00]).err(), Some(SignError::NotJpeg));
        assert_eq!(info(&[]).err(), Some(SignError::NotJpeg));
        // A frame header of a lossless JPEG (SOF3), which DCTDecode does not draw.
        assert_eq!(info(&[0xFF, 0xD8, 0xFF, 0xC3, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]).err(), Some(SignError::NotJpeg));
    }
}
