import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/db.js'
import { toLocal } from '../../../platform/vn-time.js'
import { AppError } from '../../../platform/http/errors.js'
import { words } from '../../catalog/search/normalize.js'
import type { DossierContext } from '../context.js'
import { INTERNAL_COMPONENT, MANDATE_KEY, MANDATE_NAME, type ComponentSlot } from '../model.js'

/** A document of the citizen's store: a result issued to the account, or a component file officials accepted. */
export interface StoreDocument {
  /** The attachment (dossier_files row) it is: what reuse and sharing name. */
  entryId: number
  kind: 'result' | 'component'
  /** The component's name, or the procedure's result. */
  name: string
  procedure: { code: string, name: string }
  dossierCode: string
  /** When it was issued (a result: the decision) or accepted (a component: the reception). */
  issuedAt: Date
  file: { id: string, name: string, size: number, mediaType: string }
  /** The verification page's id, when the portal signed it. */
  signedId: string | null
  /** How it came into its dossier: 1 uploaded or scanned, 2 reused from a component, 3 reused from a result. */
  digitisation: number
  /** The last day it is valid (yyyy-mm-dd, Vietnam), when its issuer said; null: no end stated. */
  validUntil: string | null
  /** Past its last valid day: shown as such, never offered for reuse. */
  expired: boolean
}

/** How long a shared link opens the document, at most. */
export const SHARE_DAYS_MAX = 30

const folded = (text: string) => words(text).join(' ')

/** A procedure's result as a document's name: its first clause ("Giấy chứng nhận…; …" → "Giấy chứng nhận…"). */
export const resultName = (result: string | null | undefined) => result?.split(/[.;]/)[0]?.trim() ?? ''

/**
 * The citizen's electronic document store (Kho quản lý dữ liệu điện tử, Decree 45/2020 art. 16): what
 * the account was issued and what it submitted that officials accepted, reused in a new dossier instead
 * of uploaded again (the attachment then says where it came from), shared by a link that expires, and
 * removed from the store (the dossier keeps its file: records are kept as the law says).
 */
export function storeUseCases (ctx: DossierContext) {
  const { db, files, audit, citizen, clock, deps } = ctx

  function storeQuery (ex: Executor, accountId: string) {
    return ex.selectFrom('dossierFiles as df')
      .innerJoin('dossiers as d', 'd.id', 'df.dossierId')
      .innerJoin('files as f', 'f.id', 'df.fileId')
      .innerJoin('procedures as p', 'p.id', 'd.procedureId')
      .innerJoin('procedureVersions as v', 'v.id', 'd.procedureVersionId')
      .leftJoin('signedDocuments as sd', 'sd.fileId', 'f.id')
      .select([
        'df.id as entryId', 'df.component', 'df.digitisation', 'd.code as dossierCode', 'd.finishedAt', 'd.receivedAt', 'p.code as procedureCode', 'v.name as procedureName',
        'f.id as fileId', 'f.name as fileName', 'f.size', 'f.mediaType', 'sd.id as signedId', sql<string | null>`to_char(df.valid_until, 'YYYY-MM-DD')`.as('validUntil'),
        sql<string | null>`v.content ->> 'result'`.as('result'),
        sql<string | null>`case when df.component ~ '^c[0-9]+$' then v.content -> 'components' -> (substring(df.component from 2))::int ->> 'name' end`.as('componentName')
      ])
      .where('d.accountId', '=', accountId).where('df.supersededAt', 'is', null).where('f.state', '=', 'clean').where('df.component', '!=', INTERNAL_COMPONENT)
      .where(eb => eb.or([
        eb.and([eb('df.component', '=', 'result'), eb('d.status', 'in', [9, 10])]),
        eb.and([eb('df.component', '!=', 'result'), eb('d.receivedAt', 'is not', null), eb('d.status', 'not in', [3])])
      ]))
      .where(eb => eb.not(eb.exists(eb.selectFrom('storeRemoved as sr').select('sr.dossierFileId').whereRef('sr.dossierFileId', '=', 'df.id').where('sr.accountId', '=', accountId))))
  }
  type Row = Awaited<ReturnType<ReturnType<typeof storeQuery>['execute']>>[number]
  const toDocument = (r: Row): StoreDocument => ({
    entryId: r.entryId,
    kind: r.component === 'result' ? 'result' : 'component',
    name: r.component === 'result' ? `Kết quả: ${resultName(r.result) || r.procedureName}` : r.component === MANDATE_KEY ? MANDATE_NAME : r.componentName ?? r.component,
    procedure: { code: r.procedureCode, name: r.procedureName },
    dossierCode: r.dossierCode ?? '',
    issuedAt: new Date((r.component === 'result' ? r.finishedAt : r.receivedAt) ?? 0),
    file: { id: r.fileId, name: r.fileName, size: Number(r.size), mediaType: r.mediaType },
    signedId: r.signedId,
    digitisation: r.digitisation,
    validUntil: r.validUntil,
    expired: r.validUntil !== null && r.validUntil < toLocal(clock()).date
  })

  const shareKey = crypto.createHash('sha256').update(`document-share:${deps.shareSecret ?? ''}`).digest()
  const shareMac = (entryId: number, until: number) => crypto.createHmac('sha256', shareKey).update(`${entryId}.${until}`).digest('base64url').slice(0, 32)

  const useCases = {
    /** The table of results that stand in for components (catalog administrators keep it). */
    async listEquivalences () {
      const rows = await db.kysely.selectFrom('resultEquivalences as e').leftJoin('procedures as p', 'p.code', 'e.resultProcedureCode').leftJoin('procedureVersions as v', 'v.id', 'p.currentVersionId')
        .select(['e.id', 'e.resultProcedureCode', 'e.componentPhrase', 'e.createdBy', 'e.createdAt', 'v.name as procedureName', sql<string | null>`v.content ->> 'result'`.as('result')])
        .orderBy('e.resultProcedureCode').orderBy('e.componentPhrase').execute()
      return rows.map(r => ({ ...r, createdAt: new Date(r.createdAt) }))
    },

    /** A catalog administrator says a procedure's result stands in for components named by a phrase; VALIDATION names the field; audited. */
    async addEquivalence (actor: { type: 'official', id: string, name: string }, input: { procedure?: string, phrase?: string }): Promise<void> {
      const code = (input.procedure ?? '').trim()
      const phrase = (input.phrase ?? '').replace(/\s+/g, ' ').trim()
      const errors: Array<{ field: string, message: string }> = []
      const known = code && await db.kysely.selectFrom('procedures').select('id').where('code', '=', code).executeTakeFirst()
      if (!known) errors.push({ field: 'procedure', message: 'Nhập mã một thủ tục trong danh mục, ví dụ 1.004325.000.00.00.H34' })
      if (words(phrase).length < 2) errors.push({ field: 'phrase', message: 'Nhập tên giấy tờ (ít nhất hai từ) mà kết quả này thay thế, ví dụ: giấy chứng nhận lưu hành' })
      else if (phrase.length > 200) errors.push({ field: 'phrase', message: 'Tên giấy tờ dài tối đa 200 ký tự' })
      if (errors.length > 0) throw new AppError('VALIDATION', 'invalid equivalence', errors)
      await db.transaction(async (trx) => {
        const r = await trx.insertInto('resultEquivalences').values({ resultProcedureCode: code, componentPhrase: phrase, createdBy: actor.name })
          .onConflict(oc => oc.columns(['resultProcedureCode', 'componentPhrase']).doNothing()).returning('id').executeTakeFirst()
        if (!r) throw new AppError('VALIDATION', 'duplicate', [{ field: 'phrase', message: 'Cặp thủ tục và giấy tờ này đã có' }])
        await audit.record(trx, { actor, action: 'store.equivalence.add', targetType: 'result_equivalence', targetId: String(r.id), details: { procedure: code, phrase } })
      })
    },

    async removeEquivalence (actor: { type: 'official', id: string }, id: number): Promise<void> {
      if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('NOT_FOUND', 'no such equivalence')
      await db.transaction(async (trx) => {
        const r = await trx.deleteFrom('resultEquivalences').where('id', '=', id).returning(['resultProcedureCode', 'componentPhrase']).executeTakeFirst()
        if (!r) throw new AppError('NOT_FOUND', 'no such equivalence')
        await audit.record(trx, { actor, action: 'store.equivalence.remove', targetType: 'result_equivalence', targetId: String(id), details: r })
      })
    },

    /** Every document of the account's store, newest first. */
    async storeDocuments (accountId: string): Promise<StoreDocument[]> {
      const rows = await storeQuery(db.kysely, accountId).orderBy('df.createdAt', 'desc').orderBy('df.id', 'desc').limit(500).execute()
      return rows.map(toDocument)
    },

    /**
     * The store's documents for each component of a dossier, the ones that fit first: a component of
     * the same name, or a result that stands in for it by the catalog administrators' table of
     * equivalences (a name alone is not enough: "Giấy chứng nhận" is many papers).
     */
    async storeOffers (accountId: string, slots: ComponentSlot[]): Promise<Map<string, { fitting: StoreDocument[], others: StoreDocument[] }>> {
      const docs = await useCases.storeDocuments(accountId)
      const offers = new Map<string, { fitting: StoreDocument[], others: StoreDocument[] }>()
      if (docs.length === 0) return offers
      const equivalences = await db.kysely.selectFrom('resultEquivalences').select(['resultProcedureCode', 'componentPhrase']).execute()
      for (const slot of slots) {
        const name = folded(slot.name)
        const fits = (doc: StoreDocument) => doc.kind === 'component'
          ? folded(doc.name) === name
          : equivalences.some(e => e.resultProcedureCode === doc.procedure.code && name.includes(folded(e.componentPhrase)))
        // A document past its validity is not offered at all: reusing it would only bring a supplement request.
        const valid = docs.filter(d => !d.expired)
        offers.set(slot.key, { fitting: valid.filter(fits), others: valid.filter(d => !fits(d)) })
      }
      return offers
    },

    /** A document of the account's store, or NOT_FOUND. */
    async storeDocument (accountId: string, entryId: number): Promise<StoreDocument> {
      if (!Number.isSafeInteger(entryId) || entryId <= 0) throw new AppError('NOT_FOUND', 'no such document')
      const r = await storeQuery(db.kysely, accountId).where('df.id', '=', entryId).executeTakeFirst()
      if (!r) throw new AppError('NOT_FOUND', 'no such document')
      return toDocument(r)
    },

    /** Opens a document of the store (the account's own download). */
    async readStoreDocument (accountId: string, entryId: number) {
      const doc = await useCases.storeDocument(accountId, entryId)
      return files.read(doc.file.id)
    },

    /** Removes a document from the store (its dossier keeps it); audited. */
    async removeFromStore (accountId: string, entryId: number): Promise<StoreDocument> {
      const doc = await useCases.storeDocument(accountId, entryId)
      await db.transaction(async (trx) => {
        await trx.insertInto('storeRemoved').values({ accountId, dossierFileId: entryId, removedAt: clock() }).onConflict(oc => oc.doNothing()).execute()
        await audit.record(trx, { actor: citizen(accountId), action: 'store.remove', targetType: 'dossier_file', targetId: String(entryId), details: { file: doc.file.id } })
      })
      return doc
    },

    /** A link that opens the document without signing in, for `days` days (1 to 30); audited. */
    async shareStoreDocument (accountId: string, entryId: number, days: number): Promise<{ token: string, until: Date, doc: StoreDocument }> {
      if (!Number.isInteger(days) || days < 1 || days > SHARE_DAYS_MAX) throw new AppError('VALIDATION', 'share days', [{ field: 'days', message: `Chọn thời hạn từ 1 đến ${SHARE_DAYS_MAX} ngày` }])
      const doc = await useCases.storeDocument(accountId, entryId)
      const until = Math.floor(clock().getTime() / 1000) + days * 86_400
      await audit.record(db.kysely, { actor: citizen(accountId), action: 'store.share', targetType: 'dossier_file', targetId: String(entryId), details: { file: doc.file.id, until: new Date(until * 1000).toISOString() } })
      return { token: `${entryId}.${until}.${shareMac(entryId, until)}`, until: new Date(until * 1000), doc }
    },

    /** The document a shared link opens: only while the link is unexpired and the document still in its owner's store. */
    async openShared (token: string) {
      const m = /^(\d{1,15})\.(\d{1,12})\.([A-Za-z0-9_-]{32})$/.exec(token)
      if (!m) throw new AppError('NOT_FOUND', 'no such link')
      const entryId = Number(m[1])
      const until = Number(m[2])
      const given = Buffer.from(m[3]!)
      const expected = Buffer.from(shareMac(entryId, until))
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new AppError('NOT_FOUND', 'no such link')
      if (until * 1000 < clock().getTime()) throw new AppError('NOT_FOUND', 'link expired')
      const owner = await db.kysely.selectFrom('dossierFiles as df').innerJoin('dossiers as d', 'd.id', 'df.dossierId').select('d.accountId').where('df.id', '=', entryId).executeTakeFirst()
      if (!owner?.accountId) throw new AppError('NOT_FOUND', 'no such link')
      return useCases.readStoreDocument(owner.accountId, entryId)
    }
  }
  return useCases
}
