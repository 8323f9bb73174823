import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import forge from 'node-forge'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { signDigestWith, type SigningKey } from './cms.js'

/**
 * Where signing keys come from: a PKCS#12 file (an official's or an agency's seal certificate with its
 * private key, protected by a passphrase), or a remote signing service that holds the key in its HSM
 * and signs the hashes it is sent. The demo CA issues PKCS#12 files for the demo.
 */

export class KeyError extends Error {}

/** A PKCS#12 file opened with its passphrase: the key and the chain it carries (the certificate matching the key first). */
export function p12Key (p12: Buffer, passphrase: string): SigningKey & { privateKey: crypto.KeyObject } {
  let bags: ReturnType<forge.pkcs12.Pkcs12Pfx['getBags']>
  let keyBags: ReturnType<forge.pkcs12.Pkcs12Pfx['getBags']>
  try {
    const pfx = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))), passphrase)
    bags = pfx.getBags({ bagType: forge.pki.oids.certBag! })
    keyBags = pfx.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })
  } catch {
    throw new KeyError('Không mở được tệp PKCS#12: sai mật khẩu hoặc tệp không đúng định dạng (.p12, .pfx)')
  }
  const forgeKey = keyBags[forge.pki.oids.pkcs8ShroudedKeyBag!]?.[0]?.key
  if (!forgeKey) throw new KeyError('Tệp PKCS#12 không có khóa bí mật')
  const privateKey = crypto.createPrivateKey(forge.pki.privateKeyToPem(forgeKey))
  const certs = (bags[forge.pki.oids.certBag!] ?? []).flatMap(b => b.cert ? [forge.pki.certificateToPem(b.cert)] : [])
  const publicDer = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' })
  const leaf = certs.find(pem => new crypto.X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }).equals(publicDer))
  if (!leaf) throw new KeyError('Tệp PKCS#12 không có chứng thư số của khóa bí mật')
  return { privateKey, chain: [leaf, ...certs.filter(c => c !== leaf)], signDigest: async (digest) => signDigestWith(privateKey, digest) }
}

/**
 * A remote signing service (HTTP): `POST {url}/sign` with `{ keyId, hashAlgorithm: 'SHA-256', hash }`
 * (base64) and a bearer token answers `{ signature }` (base64, RSA PKCS#1 v1.5 over the hash);
 * `GET {url}/certificates?keyId=` answers `{ chain: [PEM, …] }` (the signer's first).
 */
export function remoteKey (options: { url: string, keyId: string, token?: string | null, chain: string[], timeoutMs?: number }): SigningKey {
  return {
    chain: options.chain,
    async signDigest (digest) {
      const body = await remoteCall(options, '/sign', { method: 'POST', body: JSON.stringify({ keyId: options.keyId, hashAlgorithm: 'SHA-256', hash: digest.toString('base64') }) }) as { signature?: unknown }
      if (typeof body.signature !== 'string') throw new KeyError('Dịch vụ ký số từ xa trả lời không có chữ ký')
      return Buffer.from(body.signature, 'base64')
    }
  }
}

/** The chain a remote signing service holds for a key (read when the key is configured). */
export async function remoteChain (options: { url: string, keyId: string, token?: string | null, timeoutMs?: number }): Promise<string[]> {
  const body = await remoteCall(options, `/certificates?keyId=${encodeURIComponent(options.keyId)}`, { method: 'GET' }) as { chain?: unknown }
  if (!Array.isArray(body.chain) || body.chain.length === 0 || !body.chain.every(c => typeof c === 'string')) throw new KeyError('Dịch vụ ký số từ xa không trả về chứng thư số của khóa')
  for (const pem of body.chain as string[]) new crypto.X509Certificate(pem) // eslint-disable-line no-new
  return body.chain as string[]
}

async function remoteCall (options: { url: string, token?: string | null, timeoutMs?: number }, pathAndQuery: string, init: RequestInit): Promise<unknown> {
  let res: Response
  try {
    res = await fetch(`${options.url.replace(/\/+$/, '')}${pathAndQuery}`, {
      ...init,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000)
    })
  } catch (err) {
    throw new KeyError(`Không kết nối được dịch vụ ký số từ xa (${err instanceof Error ? err.message : String(err)})`)
  }
  if (!res.ok) throw new KeyError(`Dịch vụ ký số từ xa từ chối yêu cầu (HTTP ${res.status})`)
  return res.json()
}

function forgeName (commonName: string, organization: string) {
  return [{ shortName: 'C', value: 'VN' }, { shortName: 'O', value: organization }, { shortName: 'CN', value: commonName }]
    .map(a => ({ ...a, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class }))
}

function newRsa (): { privatePem: string, publicPem: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string }
}

function issue (options: { subject: { cn: string, o: string }, issuer?: { cert: forge.pki.Certificate, keyPem: string }, publicPem: string, selfKeyPem?: string, ca: boolean, years: number }): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(options.publicPem)
  cert.serialNumber = `01${crypto.randomBytes(15).toString('hex')}`
  cert.validity.notBefore = new Date(Date.now() - 3600_000)
  cert.validity.notAfter = new Date(Date.now() + options.years * 365 * 86_400_000)
  cert.setSubject(forgeName(options.subject.cn, options.subject.o))
  // forge encodes a UTF8String's text when it writes it, and keeps the bytes when it reads one: decoded before it is written again.
  cert.setIssuer(options.issuer
    ? options.issuer.cert.subject.attributes.map(a => ({ ...a, value: a.valueTagClass === (forge.asn1.Type.UTF8 as unknown) ? forge.util.decodeUtf8(String(a.value)) : a.value }))
    : forgeName(options.subject.cn, options.subject.o))
  cert.setExtensions(options.ca
    ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }, { name: 'subjectKeyIdentifier' }]
    : [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true }, { name: 'subjectKeyIdentifier' }])
  cert.sign(forge.pki.privateKeyFromPem(options.issuer?.keyPem ?? options.selfKeyPem!), forge.md.sha256.create())
  return cert
}

/** A demo certification authority (never for production): its root certificate and key, PEM. */
export interface DemoCa { certificate: string, privateKey: string }

export function createDemoCa (name = 'CA thử nghiệm Một Cửa (không dùng thật)'): DemoCa {
  const k = newRsa()
  const cert = issue({ subject: { cn: name, o: 'Một Cửa – môi trường thử nghiệm' }, publicPem: k.publicPem, selfKeyPem: k.privatePem, ca: true, years: 10 })
  return { certificate: forge.pki.certificateToPem(cert), privateKey: k.privatePem }
}

/** A PKCS#12 file the demo CA issues to a signer (an agency's seal or an official), with the CA in its chain. */
export function issueDemoP12 (ca: DemoCa, subject: { commonName: string, organization: string }, passphrase: string): Buffer {
  const k = newRsa()
  const cert = issue({ subject: { cn: subject.commonName, o: subject.organization }, issuer: { cert: forge.pki.certificateFromPem(ca.certificate), keyPem: ca.privateKey }, publicPem: k.publicPem, ca: false, years: 3 })
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(k.privatePem), [cert, forge.pki.certificateFromPem(ca.certificate)], passphrase, { algorithm: '3des', friendlyName: subject.commonName })
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary')
}

/** The demo CA kept in `dir` (created on first use, readable by this user only). */
export function demoCaIn (dir: string): DemoCa {
  const file = path.join(dir, 'demo-ca.json')
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoCa
  } catch {
    const ca = createDemoCa()
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(file, JSON.stringify(ca), { mode: 0o600 })
    return ca
  }
}

/** A revocation list the demo CA signs, listing these certificates (PEM) as revoked now (DER). */
export async function issueDemoCrl (ca: DemoCa, revoked: string[], at = new Date()): Promise<Buffer> {
  const caCert = pkijs.Certificate.fromBER(new Uint8Array(new crypto.X509Certificate(ca.certificate).raw))
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    issuer: caCert.subject,
    thisUpdate: new pkijs.Time({ type: 0, value: at }),
    nextUpdate: new pkijs.Time({ type: 0, value: new Date(at.getTime() + 7 * 86_400_000) }),
    revokedCertificates: revoked.map(pem => new pkijs.RevokedCertificate({
      userCertificate: new asn1js.Integer({ valueHex: new Uint8Array(Buffer.from(new crypto.X509Certificate(pem).serialNumber, 'hex')).buffer }),
      revocationDate: new pkijs.Time({ type: 0, value: at })
    }))
  })
  const key = await crypto.webcrypto.subtle.importKey('pkcs8', crypto.createPrivateKey(ca.privateKey).export({ type: 'pkcs8', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
  await crl.sign(key, 'SHA-256')
  return Buffer.from(crl.toSchema(true).toBER(false))
}
