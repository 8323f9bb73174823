import crypto from 'node:crypto'
import type { Db, Executor } from '../../platform/db/db.js'
import type { Actor, AuditService } from '../audit/audit.service.js'
import { chainsToTrusted, crlOf, SHA256_DIGEST_INFO, type SigningKey } from './cms.js'
import { issueDemoP12, KeyError, p12Key, remoteChain, remoteKey, type DemoCa } from './keys.js'
import { checkPdfSignature, signPdf, type PdfSignatureCheck } from './pdf-sign.js'

/** What the public verification page says of a document. */
export interface Verification {
  /** The document as the portal's register of signed documents has it (found by its address or by the file's hash). */
  issued: { id: string, title: string, agencyName: string, signer: string, signedAt: Date, dossierCode: string | null, kind: 'result' | 'form' } | null
  /** The file checked is byte for byte the one the portal signed. */
  unchanged: boolean
  check: PdfSignatureCheck
}

/** A signature made and not yet recorded: the caller records it in the transaction that keeps the file. */
export interface PreparedSignature {
  id: string
  pdf: Buffer
  record: (trx: Executor, file: { id: string }) => Promise<void>
}

export interface SigningDeps {
  db: Db
  audit: AuditService
  /** The root certificates (PEM) a signature must chain to, to be called trusted. */
  trustedRoots: string[]
  /** The certificate revocation lists to check signers against (read at each check: the files are replaced as the CAs publish). */
  crls?: () => Buffer[]
  /** The demo CA: in the demo profile, an agency without a key gets a seal certificate from it when it first signs. */
  demoCa?: DemoCa | undefined
  /** Seals the passphrases and tokens kept in the database (32 bytes). */
  sealKey: Buffer
  publicUrl: () => string
  now?: () => Date
}

/** AES-256-GCM with the seal key: what is kept is iv, tag and text, base64. */
export function seal (key: Buffer, text: string): string {
  const iv = crypto.randomBytes(12)
  const c = crypto.createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([c.update(text, 'utf8'), c.final()])
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')
}

export function unseal (key: Buffer, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64')
  const d = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
  d.setAuthTag(raw.subarray(12, 28))
  return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')
}

const sha256Hex = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex')

/** The common name of a certificate's subject ("C=VN\nO=…\nCN=…"), else the whole subject. */
export const cnOf = (subject: string) => /(?:^|\n|,\s*)CN=([^\n,]+)/.exec(subject)?.[1] ?? subject

/**
 * Electronic results with a digital signature (issue 23): each agency signs with its key in use, the
 * signed documents are registered, and anyone can check a document from its QR code or by uploading it.
 */
export function createSigningService (deps: SigningDeps) {
  const { db } = deps
  const clock = deps.now ?? (() => new Date())
  type KeyRow = { id: number, kind: 'p12' | 'remote' | 'demo', p12: Buffer | Uint8Array | null, sealedSecret: string | null, remoteUrl: string | null, remoteKeyId: string | null, certificates: string, subject: string }

  // A key row never changes (a new key is a new row): opened once per process. Opening a PKCS#12 file
  // (its key derivation and 3DES) costs more than the signature itself.
  const opened = new Map<number, SigningKey>()
  function open (row: KeyRow): SigningKey {
    let key = opened.get(row.id)
    if (!key) opened.set(row.id, key = openRow(row))
    return key
  }
  function openRow (row: KeyRow): SigningKey {
    const secret = row.sealedSecret ? unseal(deps.sealKey, row.sealedSecret) : ''
    if (row.kind === 'remote') return remoteKey({ url: row.remoteUrl!, keyId: row.remoteKeyId!, token: secret || null, chain: splitPem(row.certificates) })
    return p12Key(Buffer.from(row.p12!), secret)
  }

  async function keyRow (agencyCode: string): Promise<KeyRow | undefined> {
    return db.kysely.selectFrom('signingKeys').select(['id', 'kind', 'p12', 'sealedSecret', 'remoteUrl', 'remoteKeyId', 'certificates', 'subject'])
      .where('agencyCode', '=', agencyCode).where('revokedAt', 'is', null).executeTakeFirst()
  }

  /** The agency's key in use; in the demo, one the demo CA issues on first use. */
  async function keyFor (agency: { code: string, name: string }): Promise<KeyRow | undefined> {
    const row = await keyRow(agency.code)
    if (row || !deps.demoCa) return row
    const passphrase = crypto.randomBytes(18).toString('base64url')
    const p12 = issueDemoP12(deps.demoCa, { commonName: agency.name, organization: agency.name }, passphrase)
    const key = p12Key(p12, passphrase)
    const x = new crypto.X509Certificate(key.chain[0]!)
    // Two processes may issue at once: the unique index keeps one, and both then read it.
    await db.kysely.insertInto('signingKeys').values({
      agencyCode: agency.code, kind: 'demo', p12, sealedSecret: seal(deps.sealKey, passphrase),
      certificates: key.chain.join(''), subject: x.subject, notAfter: new Date(x.validTo), createdBy: 'Cổng (CA thử nghiệm)'
    }).onConflict(oc => oc.column('agencyCode').where('revokedAt', 'is', null).doNothing()).execute()
    return keyRow(agency.code)
  }

  // A list that cannot be read is left out (the page then says revocation was not checked for that issuer).
  const crls = () => (deps.crls?.() ?? []).flatMap(data => { try { return [crlOf(data)] } catch { return [] } })
  const verifyUrl = (id: string) => `${deps.publicUrl()}/xac-thuc/${id}`

  const service = {
    /**
     * Signs a result (or a form) the agency issues, with the QR code of its verification page. Undefined
     * when the agency has no key. The signature is recorded by `record`, in the caller's transaction.
     */
    async sign (input: { agency: { code: string, name: string }, dossierId: string | null, kind: 'result' | 'form', title: string, pdf: Buffer, location: string, formKey?: string }): Promise<PreparedSignature | undefined> {
      const row = await keyFor(input.agency)
      if (!row) return undefined
      const id = crypto.randomUUID()
      const signer = cnOf(row.subject)
      const pdf = await signPdf(input.pdf, open(row), { verifyUrl: verifyUrl(id), signerName: signer, reason: input.title, location: input.location, at: clock() })
      const sha256 = sha256Hex(pdf)
      return {
        id,
        pdf,
        record: async (trx, file) => {
          await trx.insertInto('signedDocuments').values({ id, dossierId: input.dossierId, fileId: file.id, kind: input.kind, title: input.title, agencyName: input.agency.name, signer, keyId: row.id, sha256, formKey: input.formKey ?? null }).execute()
        }
      }
    },

    /** The document at a verification address, checked again from its stored bytes. */
    async verifyIssued (id: string, read: (fileId: string) => Promise<Buffer>): Promise<Verification | undefined> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined
      const doc = await issuedQuery().where('sd.id', '=', id).executeTakeFirst()
      if (!doc) return undefined
      const pdf = await read(doc.fileId)
      return { issued: issuedOf(doc), unchanged: sha256Hex(pdf) === doc.sha256, check: await checkPdfSignature(pdf, deps.trustedRoots, undefined, crls()) }
    },

    /** A PDF someone was given, checked: its signature, and whether the portal issued exactly this file. */
    async verifyUpload (pdf: Buffer): Promise<Verification> {
      const doc = await issuedQuery().where('sd.sha256', '=', sha256Hex(pdf)).executeTakeFirst()
      return { issued: doc ? issuedOf(doc) : null, unchanged: Boolean(doc), check: await checkPdfSignature(pdf, deps.trustedRoots, undefined, crls()) }
    },

    /**
     * A system administrator gives an agency its seal certificate: a PKCS#12 file and its passphrase, or
     * a key of a remote signing service (its address, key id and token; the chain is read from it). The
     * certificate must chain to a trusted root and be valid; the key replaces the one in use. Audited.
     */
    async configure (actor: Actor & { name: string }, agencyCode: string, input: { p12: Buffer, passphrase: string } | { url: string, keyId: string, token: string }): Promise<{ subject: string, notAfter: Date }> {
      let key: SigningKey
      if ('p12' in input) key = p12Key(input.p12, input.passphrase)
      else key = remoteKey({ url: input.url, keyId: input.keyId, token: input.token, chain: await remoteChain(input) })
      const leaf = new crypto.X509Certificate(key.chain[0]!)
      const at = clock()
      if (new Date(leaf.validTo) <= at || new Date(leaf.validFrom) > at) throw new KeyError('Chứng thư số đã hết hạn hoặc chưa có hiệu lực')
      if (!chainsToTrusted(key.chain, deps.trustedRoots)) throw new KeyError('Chứng thư số không do tổ chức cung cấp dịch vụ chứng thực được tin cậy cấp (xem SIGNING_TRUSTED_ROOTS)')
      // A key that cannot sign is found now, not at the first approval.
      const probe = crypto.randomBytes(32)
      let answer: Buffer
      try { answer = crypto.publicDecrypt({ key: leaf.publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, await key.signDigest(probe)) } catch { answer = Buffer.alloc(0) }
      if (!answer.equals(Buffer.concat([SHA256_DIGEST_INFO, probe]))) throw new KeyError('Khóa không khớp với chứng thư số')
      await db.transaction(async (trx) => {
        await service.revoke(actor, agencyCode, trx)
        const row = await trx.insertInto('signingKeys').values({
          agencyCode,
          ...('p12' in input
            ? { kind: 'p12' as const, p12: input.p12, sealedSecret: seal(deps.sealKey, input.passphrase) }
            : { kind: 'remote' as const, remoteUrl: input.url, remoteKeyId: input.keyId, sealedSecret: input.token ? seal(deps.sealKey, input.token) : null }),
          certificates: key.chain.join(''), subject: leaf.subject, notAfter: new Date(leaf.validTo), createdBy: actor.name
        }).returning('id').executeTakeFirstOrThrow()
        await deps.audit.record(trx, { actor, action: 'signing.key.configure', targetType: 'signing_key', targetId: String(row.id), details: { agencyCode, kind: 'p12' in input ? 'p12' : 'remote', subject: leaf.subject, serial: leaf.serialNumber } })
      })
      return { subject: leaf.subject, notAfter: new Date(leaf.validTo) }
    },

    /** The keys in use of these agencies (what the administrators' page lists), by agency code. */
    async keysOf (agencyCodes: string[]): Promise<Map<string, { kind: 'p12' | 'remote' | 'demo', subject: string, notAfter: Date, createdBy: string, createdAt: Date }>> {
      if (agencyCodes.length === 0) return new Map()
      const rows = await db.kysely.selectFrom('signingKeys').select(['agencyCode', 'kind', 'subject', 'notAfter', 'createdBy', 'createdAt'])
        .where('agencyCode', 'in', agencyCodes).where('revokedAt', 'is', null).execute()
      return new Map(rows.map(r => [r.agencyCode, { kind: r.kind, subject: r.subject, notAfter: new Date(r.notAfter), createdBy: r.createdBy, createdAt: new Date(r.createdAt) }]))
    },

    /** Withdraws an agency's key (a new one may then be configured); audited. */
    async revoke (actor: Actor, agencyCode: string, trx: Executor = db.kysely): Promise<void> {
      const r = await trx.updateTable('signingKeys').set({ revokedAt: clock() }).where('agencyCode', '=', agencyCode).where('revokedAt', 'is', null).returning('id').executeTakeFirst()
      if (r) await deps.audit.record(trx, { actor, action: 'signing.key.revoke', targetType: 'signing_key', targetId: String(r.id), details: { agencyCode } })
    }
  }

  function issuedQuery () {
    return db.kysely.selectFrom('signedDocuments as sd').leftJoin('dossiers as d', 'd.id', 'sd.dossierId')
      .select(['sd.id', 'sd.fileId', 'sd.title', 'sd.agencyName', 'sd.signer', 'sd.signedAt', 'sd.sha256', 'sd.kind', 'd.code as dossierCode'])
  }
  function issuedOf (doc: { id: string, title: string, agencyName: string, signer: string, signedAt: Date | string, kind: 'result' | 'form', dossierCode: string | null }): NonNullable<Verification['issued']> {
    return { id: doc.id, title: doc.title, agencyName: doc.agencyName, signer: doc.signer, signedAt: new Date(doc.signedAt), kind: doc.kind, dossierCode: doc.dossierCode }
  }

  return service
}

/** The certificates of a PEM bundle, each with its armour. */
export function splitPem (bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\r?\n?/g) ?? []
}

export type SigningService = ReturnType<typeof createSigningService>
