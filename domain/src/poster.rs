//! The printable A4 poster of an agency (seed 003, Phụ lục 1–2: posters at the desk): its name,
//! a QR code to its procedures in the citizen app with the short address printed under it, the
//! three steps, and the ways to pay that agency accepts. Pure: the Worker gives the facts
//! (`functions/src/poster.rs`) and serves the page.

use crate::gateway::{vietqr, Provider};
use crate::html::escape;

/// How the citizen app's address for an agency is written: `{base}/?agency={code}` (the home
/// page with that agency chosen).
pub fn agency_url(base: &str, code: &str) -> String {
    format!("{}/?agency={code}", base.trim_end_matches('/'))
}

/// The name of a way to pay, as the poster says it.
pub fn method_vi(p: Provider) -> &'static str {
    match p {
        Provider::Vnpay => "Thẻ ngân hàng, ứng dụng ngân hàng (VNPAY)",
        Provider::Momo => "Ví MoMo",
        Provider::Zalopay => "Ví ZaloPay",
        Provider::Vietqr => "Chuyển khoản bằng mã VietQR",
        Provider::Paygov => "Nền tảng thanh toán của Cổng Dịch vụ công quốc gia",
    }
}


/// The whole page. `methods`: the providers this agency accepts online (cash at the desk is
/// always listed).
pub fn html(agency_name: &str, url: &str, methods: &[Provider]) -> String {
    // The payment QR's drawing, named for what this one is.
    let label = format!("aria-label=\"Mã QR dẫn tới các thủ tục của {}\"", escape(agency_name));
    let qr = vietqr::svg(url).unwrap_or_default().replacen("aria-label=\"Mã VietQR\"", &label, 1);
    let shown_url = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    let mut ways: String = methods.iter().map(|m| format!("<li>{}</li>", escape(method_vi(*m)))).collect();
    ways.push_str("<li>Tiền mặt tại Bộ phận Một cửa</li>");
    format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Áp phích dịch vụ công trực tuyến — {name}</title>
<style>
@page {{ size: A4; margin: 12mm; }}
*{{box-sizing:border-box}}
body{{margin:0;font-family:"Be Vietnam Pro",Arial,sans-serif;color:#1a1a1a;background:#fff}}
.sheet{{width:186mm;min-height:0;margin:0 auto;padding:6mm 0;display:flex;flex-direction:column;gap:5mm}}
header{{border-bottom:3px solid #b3261e;padding-bottom:3mm;text-align:center}}
header p{{margin:0;font-size:13pt;text-transform:uppercase;letter-spacing:.04em}}
h1{{margin:2mm 0 0;font-size:26pt;line-height:1.2;color:#b3261e}}
.qr{{text-align:center}}
.qr svg{{width:88mm;height:88mm;display:block;margin:0 auto}}
.url{{font-size:15pt;font-weight:700;word-break:break-all;margin:2mm 0 0}}
h2{{font-size:16pt;margin:0 0 2mm}}
ol.steps{{margin:0;padding:0;list-style:none;display:grid;grid-template-columns:repeat(3,1fr);gap:4mm}}
ol.steps li{{border:1px solid #ccc;border-radius:3mm;padding:3mm;font-size:12.5pt}}
ol.steps b{{display:block;font-size:20pt;color:#b3261e}}
ul.ways{{margin:0;padding-left:6mm;font-size:13pt;columns:2;column-gap:8mm}}
footer{{font-size:10pt;color:#444;text-align:center;border-top:1px solid #ccc;padding-top:2mm}}
.print{{position:fixed;right:1rem;bottom:1rem;padding:.6rem 1rem;font-size:1rem}}
@media print{{.print{{display:none}}}}
@media screen and (max-width:200mm){{.sheet{{width:auto;padding:1rem}}ol.steps{{grid-template-columns:1fr}}ul.ways{{columns:1}}}}
</style></head><body>
<main class="sheet">
<header><p>Dịch vụ công trực tuyến</p><h1>{name}</h1></header>
<section class="qr" aria-label="Mã QR">{qr}
<p>Quét mã QR bằng điện thoại hoặc mở địa chỉ:</p><p class="url">{shown_url}</p></section>
<section><h2>Ba bước nộp hồ sơ</h2><ol class="steps">
<li><b>1</b>Đăng nhập bằng số điện thoại (mã xác thực gửi qua tin nhắn) hoặc tài khoản Cổng Dịch vụ công quốc gia.</li>
<li><b>2</b>Chọn thủ tục, điền tờ khai, chụp và tải giấy tờ lên, rồi nộp hồ sơ.</li>
<li><b>3</b>Nộp phí, lệ phí trực tuyến khi có thông báo và theo dõi hồ sơ đến khi nhận kết quả.</li>
</ol></section>
<section><h2>Cách nộp phí, lệ phí</h2><ul class="ways">{ways}</ul></section>
<footer>Hướng dẫn chi tiết: {guide} · Cần hỗ trợ, vui lòng liên hệ Bộ phận Một cửa.</footer>
</main>
<button class="print" type="button" onclick="window.print()">In áp phích</button>
</body></html>"#,
        name = escape(agency_name),
        qr = qr,
        shown_url = escape(shown_url),
        ways = ways,
        guide = escape(&format!("{}/huong-dan", url.split("/?").next().unwrap_or(url).split_once("://").map(|(_, r)| r).unwrap_or(""))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_poster_has_the_name_a_qr_of_the_url_the_steps_and_the_ways_to_pay() {
        let url = agency_url("https://dichvucong.example.vn/", "000.10.51.H27");
        assert_eq!(url, "https://dichvucong.example.vn/?agency=000.10.51.H27");
        let page = html("UBND xã <Sơn Tây>", &url, &[Provider::Vnpay, Provider::Vietqr]);
        assert!(page.contains("UBND xã &lt;Sơn Tây&gt;") && !page.contains("<Sơn Tây>"));
        assert!(page.contains("<svg") && page.contains("size: A4"));
        assert!(page.contains("aria-label=\"Mã QR dẫn tới các thủ tục của UBND xã &lt;Sơn Tây&gt;\"") && !page.contains("VietQR\""));
        assert!(page.contains("dichvucong.example.vn/?agency=000.10.51.H27"));
        assert!(page.contains("dichvucong.example.vn/huong-dan"));
        assert!(page.contains("VNPAY") && page.contains("VietQR") && !page.contains("MoMo") && page.contains("Tiền mặt"));
        assert_eq!(page.matches("<li><b>").count(), 3);
        // The matrix is the one of the agency's address (vietqr::svg is tested to decode back).
        let matrix = vietqr::svg(&url).unwrap();
        assert!(page.contains(matrix.split("<rect").nth(1).unwrap()));
    }
}
