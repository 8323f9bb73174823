import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import PDFDocument from 'pdfkit'
import { pdfBytes } from '../../platform/pdf/bytes.js'
import { pdfsig, pdfText, tampered } from '../../../test/pdf.js'
import { signingServer } from '../../../test/signing-server.js'
import { crlOf } from './cms.js'
import { createDemoCa, issueDemoCrl, issueDemoP12, KeyError, p12Key, remoteChain, remoteKey } from './keys.js'
import { checkPdfSignature, NotAPdf, signPdf } from './pdf-sign.js'

async function aResult (): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' })
  const bytes = pdfBytes(doc)
  doc.fontSize(14).text('GIAY PHEP LAI XE', { align: 'center' }).text('So: 123/GPLX')
  doc.end()
  return bytes
}

describe('PAdES signing', () => {
  const ca = createDemoCa()
  const agency = p12Key(issueDemoP12(ca, { commonName: 'Sở Giao thông vận tải tỉnh Kon Tum', organization: 'UBND tỉnh Kon Tum' }, 'mật khẩu'), 'mật khẩu')
  const url = 'https://dichvucong.example.vn/xac-thuc/4f1c2a'
  const options = { verifyUrl: url, signerName: 'Sở Giao thông vận tải tỉnh Kon Tum', reason: 'Ban hành kết quả giải quyết thủ tục hành chính', location: 'Kon Tum' }

  it('signs a PDF that pdfsig verifies, with the verification link stamped on it, and one changed byte breaks it', async () => {
    const signed = await signPdf(await aResult(), agency, options)
    const said = pdfsig(signed)
    assert.match(said, /Signature Validation: Signature is Valid/, said)
    assert.match(said, /Signature Type: ETSI\.CAdES\.detached/, said)
    assert.match(said, /Signer Certificate Common Name: Sở Giao thông vận tải tỉnh Kon Tum/, said)
    assert.match(said, /Total document signed/, said)
    const text = await pdfText(signed)
    assert.match(text, /Văn bản điện tử đã được ký số/)
    assert.ok(text.includes(url), text)

    const ours = await checkPdfSignature(signed, [ca.certificate])
    assert.deepEqual([ours.signed, ours.signatureValid, ours.wholeFile, ours.trusted], [true, true, true, true])
    assert.match(ours.signer!.subject, /CN=Sở Giao thông vận tải tỉnh Kon Tum/)

    const broken = tampered(signed)
    assert.match(pdfsig(broken), /Signature Validation: Digest Mismatch/)
    const ourBroken = await checkPdfSignature(broken, [ca.certificate])
    assert.equal(ourBroken.signed, true)
    assert.equal(ourBroken.signatureValid, false)
  })

  it('a signature whose chain does not reach a configured root is valid but not trusted; an unsigned PDF is not signed', async () => {
    const signed = await signPdf(await aResult(), agency, options)
    const other = createDemoCa('Một CA khác')
    const check = await checkPdfSignature(signed, [other.certificate])
    assert.deepEqual([check.signatureValid, check.trusted], [true, false])
    const plain = await checkPdfSignature(await aResult(), [ca.certificate])
    assert.deepEqual([plain.signed, plain.signatureValid], [false, false])
  })

  it('a revocation list of the signer\'s CA that lists it makes the signature untrusted; one that does not, or one the CA did not sign, leaves it trusted', async () => {
    const signed = await signPdf(await aResult(), agency, options)
    const listed = await checkPdfSignature(signed, [ca.certificate], undefined, [crlOf(await issueDemoCrl(ca, [agency.chain[0]!]))])
    assert.deepEqual([listed.signatureValid, listed.trusted, listed.revocation?.revoked], [true, false, true])
    const clean = await checkPdfSignature(signed, [ca.certificate], undefined, [crlOf(await issueDemoCrl(ca, []))])
    assert.deepEqual([clean.trusted, clean.revocation?.revoked], [true, false])
    const forged = await checkPdfSignature(signed, [ca.certificate], undefined, [crlOf(await issueDemoCrl({ ...createDemoCa(), certificate: ca.certificate }, [agency.chain[0]!]))])
    assert.deepEqual([forged.trusted, forged.revocation], [true, null])
  })

  it('a byte added after the signature is seen: the signature no longer covers the whole file', async () => {
    const signed = await signPdf(await aResult(), agency, options)
    const check = await checkPdfSignature(Buffer.concat([signed, Buffer.from('\n% added\n')]), [ca.certificate])
    assert.deepEqual([check.signatureValid, check.wholeFile], [true, false])
  })

  it('refuses what is not a PDF, and a PKCS#12 file opened with the wrong passphrase', async () => {
    await assert.rejects(signPdf(Buffer.from('%PDF-1.4 not really'), agency, options), NotAPdf)
    assert.throws(() => p12Key(issueDemoP12(ca, { commonName: 'A', organization: 'B' }, 'right'), 'wrong'), KeyError)
  })

  describe('through a remote signing service (a stand-in server over HTTP)', () => {
    let server: Awaited<ReturnType<typeof signingServer>>
    before(async () => { server = await signingServer(ca, { token: 'token-1', keys: { 'seal-1': { commonName: 'UBND tỉnh Kon Tum', organization: 'UBND tỉnh Kon Tum' } } }) })
    after(async () => { await server.close() })

    it('signs with a key it never sees: pdfsig verifies the result and the service saw only a hash', async () => {
      const chain = await remoteChain({ url: server.url, keyId: 'seal-1', token: 'token-1' })
      const signed = await signPdf(await aResult(), remoteKey({ url: server.url, keyId: 'seal-1', token: 'token-1', chain }), { ...options, signerName: 'UBND tỉnh Kon Tum' })
      assert.match(pdfsig(signed), /Signature Validation: Signature is Valid/)
      assert.equal((await checkPdfSignature(signed, [ca.certificate])).trusted, true)
      assert.equal(server.signed.length, 1)
      assert.equal(Buffer.from(server.signed[0]!.hash, 'base64').length, 32)
    })

    it('a wrong token or an unknown key is a clear error', async () => {
      await assert.rejects(remoteChain({ url: server.url, keyId: 'seal-1', token: 'wrong' }), /từ chối yêu cầu \(HTTP 401\)/)
      await assert.rejects(remoteChain({ url: server.url, keyId: 'none', token: 'token-1' }), /HTTP 404/)
    })
  })
})
