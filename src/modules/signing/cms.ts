import crypto from 'node:crypto'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'

/**
 * CAdES detached signatures (the CMS inside a PAdES PDF signature), built and checked with PKI.js.
 * The private key never has to be here: the signature is made over the digest of the signed
 * attributes by a `SigningKey`, which may be a PKCS#12 file in this process or a remote signing
 * service behind an HSM (the way Vietnamese CAs' remote signing works).
 */

const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2'
} as const

/** A key that signs: its certificate chain (the signer's first, PEM) and a SHA-256 digest signed with RSA PKCS#1 v1.5. */
export interface SigningKey {
  chain: string[]
  signDigest: (digest: Buffer) => Promise<Buffer>
}

/** The DER prefix of a SHA-256 DigestInfo: what PKCS#1 v1.5 signs around a SHA-256 digest. */
export const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex')

/** Signs a SHA-256 digest with an RSA private key (PKCS#1 v1.5), as a remote service signs a hash it is sent. */
export function signDigestWith (privateKey: crypto.KeyObject, digest: Buffer): Buffer {
  return crypto.privateEncrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]))
}

export function certificateOf (pem: string): pkijs.Certificate {
  return pkijs.Certificate.fromBER(new crypto.X509Certificate(pem).raw)
}

const arrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer

/** The detached CMS SignedData (DER) of `content`, with the PAdES baseline signed attributes. */
export async function cadesDetached (content: Buffer, key: SigningKey): Promise<Buffer> {
  const [leafPem, ...rest] = key.chain
  if (!leafPem) throw new Error('signing key without a certificate')
  const leaf = certificateOf(leafPem)
  const leafDer = new crypto.X509Certificate(leafPem).raw
  const attribute = (type: string, value: asn1js.AsnType) => new pkijs.Attribute({ type, values: [value] })
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
      attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: arrayBuffer(crypto.createHash('sha256').update(content).digest()) })),
      // ESS signing-certificate-v2 (required by PAdES): the signer's certificate by its SHA-256 hash (the default algorithm, left out).
      attribute(OID.signingCertificateV2, new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [
        new asn1js.OctetString({ valueHex: arrayBuffer(crypto.createHash('sha256').update(leafDer).digest()) })
      ] })] })] }))
    ]
  })
  // What is signed is the attributes' DER as a SET (tag 0x31), not as the [0] they are stored under.
  const encoded = Buffer.from(signedAttrs.toSchema().toBER(false))
  encoded[0] = 0x31
  const signature = await key.signDigest(crypto.createHash('sha256').update(encoded).digest())
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
    signature: new asn1js.OctetString({ valueHex: arrayBuffer(signature) })
  })
  const signed = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: [leaf, ...rest.map(certificateOf)],
    signerInfos: [signerInfo]
  })
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) })
  return Buffer.from(info.toSchema().toBER(false))
}

/** A certificate revocation list (DER or PEM) as PKI.js reads it. */
export function crlOf (data: Buffer): pkijs.CertificateRevocationList {
  const text = data.toString('latin1')
  const der = text.includes('-----BEGIN X509 CRL-----') ? Buffer.from(text.replace(/-----(BEGIN|END) X509 CRL-----|\s/g, ''), 'base64') : data
  return pkijs.CertificateRevocationList.fromBER(arrayBuffer(der))
}

/**
 * What the configured revocation lists say of the signer: null when none was issued by its issuer (not
 * checked), else whether it is listed and when the list was made. A list whose signature does not
 * verify with the issuer's key is ignored.
 */
async function revocationOf (crls: pkijs.CertificateRevocationList[], signer: pkijs.Certificate, chain: pkijs.Certificate[]): Promise<{ revoked: boolean, listedAt: Date } | null> {
  for (const crl of crls) {
    if (!crl.issuer.isEqual(signer.issuer)) continue
    const issuer = chain.find(c => c.subject.isEqual(signer.issuer))
    if (!issuer || !(await crl.verify({ issuerCertificate: issuer }).catch(() => false))) continue
    return { revoked: crl.isCertificateRevoked(signer), listedAt: crl.thisUpdate.value }
  }
  return null
}

export interface CmsCheck {
  /** The signature matches the content and the signer's certificate. */
  signatureValid: boolean
  /** The signer's certificate chains to one of the trusted roots (and is within its dates at `at`). */
  trusted: boolean
  signer: { subject: string, issuer: string, serial: string, notBefore: Date, notAfter: Date, pem: string } | null
  /** The configured revocation lists' word on the signer's certificate (null: no list of its issuer is configured). */
  revocation?: { revoked: boolean, listedAt: Date } | null
}

/** Checks a detached CMS over `content` against the trusted roots (PEM). */
export async function verifyCades (cms: Buffer, content: Buffer, roots: string[], at: Date = new Date(), crls: pkijs.CertificateRevocationList[] = []): Promise<CmsCheck> {
  let signed: pkijs.SignedData
  try {
    const info = pkijs.ContentInfo.fromBER(arrayBuffer(cms))
    if (info.contentType !== OID.signedData) return { signatureValid: false, trusted: false, signer: null }
    signed = new pkijs.SignedData({ schema: info.content })
  } catch {
    return { signatureValid: false, trusted: false, signer: null }
  }
  const base = { signer: 0, data: arrayBuffer(content), extendedMode: true as const, checkDate: at }
  const trustedCerts = roots.map(certificateOf)
  // With the chain checked first: a chain that reaches a root is the common case and needs one pass; a
  // chain that does not stops PKI.js before the signature, which is then checked on its own.
  const chained = trustedCerts.length > 0 ? await signed.verify({ ...base, checkChain: true, trustedCerts }).catch((err: pkijs.SignedDataVerifyError) => err) : undefined
  const alone = chained?.signatureVerified === true ? chained : await signed.verify({ ...base, checkChain: false }).catch((err: pkijs.SignedDataVerifyError) => err)
  const signerCert = alone.signerCertificate ?? null
  let signer: CmsCheck['signer'] = null
  if (signerCert) {
    const x = new crypto.X509Certificate(Buffer.from(signerCert.toSchema().toBER(false)))
    signer = { subject: x.subject, issuer: x.issuer, serial: x.serialNumber, notBefore: new Date(x.validFrom), notAfter: new Date(x.validTo), pem: x.toString() }
  }
  const signatureValid = alone.signatureVerified === true
  if (!signatureValid || !chained) return { signatureValid, trusted: false, signer }
  const chain = [...(signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate), ...trustedCerts]
  const revocation = signerCert && crls.length > 0 ? await revocationOf(crls, signerCert, chain) : null
  const trusted = chained.signatureVerified === true && chained.signerCertificateVerified === true && revocation?.revoked !== true
  return { signatureValid, trusted, signer, revocation }
}

/** Whether a chain (the signer's first, PEM) reaches one of the roots: each certificate signed by the next, or by a root. */
export function chainsToTrusted (chain: string[], roots: string[]): boolean {
  const certs = chain.map(pem => new crypto.X509Certificate(pem))
  const trusted = roots.map(pem => new crypto.X509Certificate(pem))
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i]!
    const root = trusted.find(r => cert.checkIssued(r) && cert.verify(r.publicKey))
    if (root) return true
    const next = certs[i + 1]
    if (!next || !cert.checkIssued(next) || !cert.verify(next.publicKey)) return false
  }
  return false
}
