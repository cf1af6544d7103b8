"""pyHanko signs a one-page PDF (PAdES, ETSI.CAdES.detached) with the motcua sandbox provider as
its remote signer (each raw signature comes from POST /sandbox/signing/try, i.e. the Worker's
provider::certificate and provider::sign_digest over the SmartCA sandbox), then validates it with
/sandbox/ca.pem as the only trust root: INTACT:TRUSTED expected, and INVALID after one byte of
the page changes. A manual check of the sandbox CA against an independent validator (the PDF
signing itself is the signing Worker's).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pyhanko==0.38.0
    /tmp/venv/bin/python tests/signing/pyhanko_remote_check.py http://127.0.0.1:8787 000.10.51.H27

Exits non-zero (AssertionError) when a check fails."""
import base64, io, json, sys, urllib.request
from asn1crypto import x509, algos
from pyhanko.sign import signers, fields
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

BASE, AGENCY = sys.argv[1], sys.argv[2]

def call(msg):
    req = urllib.request.Request(BASE + "/sandbox/signing/try", data=json.dumps({"agency": AGENCY, "message": base64.b64encode(msg).decode(), "description": "pyHanko check"}).encode(), headers={"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req))

first = call(b"probe")
chain = [base64.b64decode(c) for c in first["chain"]]
cert = x509.Certificate.load(chain[0])
ca = x509.Certificate.load(chain[1])
ca_pem = urllib.request.urlopen(BASE + "/sandbox/ca.pem").read()

class Remote(Signer):
    def __init__(self):
        super().__init__(signing_cert=cert, cert_registry=SimpleCertificateStore.from_certs([ca]),
                         signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}))
    async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
        if dry_run:
            return bytes(256)
        r = call(data)
        assert base64.b64decode(r["chain"][0]) == chain[0]
        return base64.b64decode(r["signature"])

# A one-page PDF, offsets computed.
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>"]
stream = b"BT ET"
objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
out = b"%PDF-1.7\n"
offsets = []
for i, o in enumerate(objs, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % off for off in offsets)
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
w = IncrementalPdfFileWriter(io.BytesIO(out))
meta = signers.PdfSignatureMetadata(field_name="Sig1", subfilter=fields.SigSeedSubFilter.PADES)
signed = signers.sign_pdf(w, meta, signer=Remote())

from asn1crypto import pem
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def status(pdf: bytes):
    _, _, der = pem.unarmor(ca_pem)
    vc = ValidationContext(trust_roots=[x509.Certificate.load(der)], allow_fetching=False)
    return validate_pdf_signature(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0], vc)


good = status(signed.getvalue())
print("signed by", first["subject"], "->", good.summary())
assert good.intact and good.valid and good.trusted, good.pretty_print_details()
tampered = bytearray(signed.getvalue())
tampered[tampered.find(b"BT ET")] = ord("X")
bad = status(bytes(tampered))
print("one byte changed ->", bad.summary())
assert not bad.intact
