import crypto from 'node:crypto'
import type { Db, Executor } from '../../platform/db/db.js'
import { AppError } from '../../platform/http/errors.js'
import type { JobQueue } from '../../platform/jobs/queue.js'
import { clamdScan, type ClamdAddress } from './clamav.js'
import { ACCEPTED_LABEL, sniff } from './sniff.js'
import { chunksOf, sizeOf, type FileInput } from './bytes.js'
import type { Storage } from './storage.js'

export interface StoredFile { id: string, name: string, mediaType: string, size: number, sha256: string | null, state: FileState, createdAt: Date }
export type FileState = 'uploading' | 'quarantine' | 'clean' | 'infected'

export const SCAN_JOB = 'files.scan'
/** When a file's scan job runs if the scan at upload did not settle it (scanner away, process dead). */
export const SCAN_JOB_DELAY_MS = 10_000
export const CLEANUP_JOB = 'files.cleanup'

/** A row still 'uploading' this long after it was made belongs to a process that died mid-upload. */
const ABANDONED_MS = 60 * 60 * 1000

/**
 * A name safe to show and to send in Content-Disposition: no path; no control or formatting characters
 * (the right-to-left override that turns "evil\u202Efdp.exe" into "evilexe.pdf" on screen, zero-width
 * marks); none of the characters file systems refuse; not too long.
 */
export function cleanFileName (name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  const clean = base.normalize('NFC').replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"<>|*?:]/gu, '').replace(/\s+/g, ' ').trim().slice(-200)
  return clean || 'tep-khong-ten'
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'application/msword': 'doc', 'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx'
}

/**
 * The clean name with the extension of the type read from the content (an HTML+PDF polyglot named
 * poly.html is kept and served as poly.pdf), so what a browser or an official's computer does with the
 * file follows what it is, never what it was called.
 */
export function nameForType (name: string, mediaType: string): string {
  // Trailing dots and spaces, which Windows drops, would hide the real extension ("a.html." → "a.html").
  const clean = cleanFileName(name).replace(/[. ]+$/, '') || 'tep'
  const ext = EXTENSIONS[mediaType]
  if (!ext) return clean
  const current = /\.([A-Za-z0-9]{1,8})$/.exec(clean)?.[1]
  if (current?.toLowerCase() === ext || (ext === 'jpg' && current?.toLowerCase() === 'jpeg')) return clean
  const stem = current ? clean.slice(0, -(current.length + 1)) || 'tep' : clean
  return `${stem}.${ext}`
}

/** Whether a type is shown in the browser's own viewer (PDF, images); anything else is downloaded. */
export const shownInline = (mediaType: string) => /^(application\/pdf|image\/(jpeg|png))$/.test(mediaType)

/** The headers that serve a citizen's file: its safe name, inline only for the viewer's types, sandboxed, never cached. */
export function downloadHeaders (file: { name: string, mediaType: string }): Record<string, string> {
  const name = nameForType(file.name, file.mediaType)
  const ascii = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').replace(/[^A-Za-z0-9._ -]/g, '_')
  return {
    'content-type': file.mediaType,
    'content-disposition': `${shownInline(file.mediaType) ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    'cache-control': 'private, no-store'
  }
}

/**
 * Uploaded files. Bytes are checked in memory (size, type by content, virus scan when configured)
 * before anything is kept; a row is written before its object and marked clean after, so a process
 * that dies between the two leaves a row the cleanup job finds, never an object nobody knows of.
 */
export function createFilesService (deps: { db: Db, storage: Storage, jobs: JobQueue, clamd?: ClamdAddress | undefined, maxFileBytes: number }) {
  const { db, storage, jobs } = deps

  const fields = ['id', 'name', 'mediaType', 'size', 'sha256', 'state', 'createdAt'] as const
  const toFile = (r: { id: string, name: string, mediaType: string, size: number | string | bigint, sha256: string | null, state: FileState, createdAt: Date }): StoredFile => ({ ...r, size: Number(r.size) })

  /** Scans a quarantined file; marks it clean, or infected (and removes its bytes). */
  async function scan (id: string, data: Buffer | readonly Buffer[]): Promise<FileState> {
    const result = await clamdScan(deps.clamd!, data)
    if (result.clean) {
      await db.kysely.updateTable('files').set({ state: 'clean' }).where('id', '=', id).where('state', '=', 'quarantine').execute()
      return 'clean'
    }
    const row = await db.kysely.updateTable('files').set({ state: 'infected' }).where('id', '=', id).returning('storageKey').executeTakeFirst()
    if (row) await storage.delete(row.storageKey)
    return 'infected'
  }

  jobs.register<{ fileId: string }>(SCAN_JOB, async (job) => {
    const row = await db.kysely.selectFrom('files').select(['storageKey', 'state']).where('id', '=', job.payload.fileId).executeTakeFirst()
    if (!row || row.state !== 'quarantine') return
    const data = await storage.get(row.storageKey)
    if (data) await scan(job.payload.fileId, data)
  })

  jobs.registerPeriodic(CLEANUP_JOB, 60 * 60 * 1000, async (_job, { log }) => {
    const removed = await service.cleanup()
    if (removed > 0) log.info({ removed }, 'removed abandoned and unused files')
  })

  const service = {
    storageKind: storage.kind,
    /** Checks an upload without keeping anything: throws VALIDATION (field `field`) naming the file. */
    check (upload: FileInput, field = 'file'): { name: string, mediaType: string } {
      const name = cleanFileName(upload.name)
      const refuse = (message: string) => new AppError('VALIDATION', `file refused: ${message}`, [{ field, message }])
      if (upload.truncated || sizeOf(upload) > deps.maxFileBytes) throw refuse(`Tệp “${name}” lớn hơn ${Math.round(deps.maxFileBytes / 1024 / 1024)} MB, giới hạn cho mỗi tệp.`)
      if (sizeOf(upload) === 0) throw refuse(`Tệp “${name}” trống (0 byte).`)
      const type = sniff(chunksOf(upload))
      if (!type) throw refuse(`Tệp “${name}” không phải là tệp ${ACCEPTED_LABEL} (hệ thống kiểm tra nội dung tệp, không dựa vào tên tệp).`)
      return { name: nameForType(name, type.mediaType), mediaType: type.mediaType }
    },

    /**
     * Checks and keeps one upload for an account. Throws VALIDATION (field `field`) with a message
     * naming the file when it is empty, too large, of a type not accepted, or infected; then nothing is kept.
     */
    async store (ownerAccountId: string | null, upload: FileInput, field = 'file'): Promise<StoredFile> {
      return (await this.storeMany(ownerAccountId, [upload], field))[0]!
    },

    /**
     * Keeps several uploads at once: every file is checked first; rows are written in one statement,
     * objects side by side, states in one statement. If any file is refused (or infected), none is kept.
     */
    async storeMany (ownerAccountId: string | null, uploads: FileInput[], field = 'file', options: { leaveUploading?: boolean, generated?: boolean } = {}): Promise<StoredFile[]> {
      const checked = uploads.map(u => ({ ...this.check(u, field), data: chunksOf(u), size: sizeOf(u) }))
      if (checked.length === 0) return []
      const now = new Date()
      const prefix = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`
      const hashOf = (chunks: readonly Buffer[]) => { const h = crypto.createHash('sha256'); for (const c of chunks) h.update(c); return h.digest('hex') }
      const items = checked.map(c => ({ ...c, sha256: hashOf(c.data), storageKey: `${prefix}/${crypto.randomUUID()}` }))
      const rows = await db.kysely.insertInto('files').values(items.map(i => ({
        ownerAccountId, storageKey: i.storageKey, name: i.name, mediaType: i.mediaType, size: i.size, sha256: i.sha256, state: 'uploading' as const
      }))).returning(['id', 'storageKey']).execute()
      const idOf = new Map(rows.map(r => [r.storageKey, r.id]))
      const stored = items.map(i => ({ id: idOf.get(i.storageKey)!, name: i.name, mediaType: i.mediaType, size: i.size, sha256: i.sha256, state: (deps.clamd ? 'quarantine' : 'clean') as FileState, createdAt: now }))
      try {
        await Promise.all(items.map(i => storage.put(i.storageKey, i.data, i.mediaType))).catch((err: unknown) => {
          // The disk is full or the object storage does not answer: nothing is kept, and the sender is told to try again shortly.
          throw new AppError('UPSTREAM_UNAVAILABLE', `file storage: ${err instanceof Error ? err.message : String(err)}`, [{ field, message: 'Chưa lưu được tệp vì kho lưu trữ tệp đang tạm thời gặp sự cố. Vui lòng gửi lại tệp sau ít phút.' }], { cause: err })
        })
        // The caller marks the rows in the statement that attaches them (one round trip less); if it
        // never does (refused, or the process died), they stay 'uploading' and the cleanup removes them.
        // (Only without a virus scanner: a scanned file's state is the scan's.) They come back 'uploading'.
        if (options.leaveUploading && !deps.clamd && !options.generated) return stored.map(f => ({ ...f, state: 'uploading' as const }))
        // A file the portal made itself (a signed form) is not scanned: nothing of it came from outside.
        if (!deps.clamd || options.generated) {
          await db.kysely.updateTable('files').set({ state: 'clean' }).where('id', 'in', stored.map(f => f.id)).execute()
          for (const f of stored) f.state = 'clean'
        }
        else {
          // Quarantined with its scan job in one transaction: the scan below normally comes first (the job then
          // finds nothing to do); if the scanner is unreachable, or this process dies before the scan, the job
          // scans it later. (A quarantined file with no job would block its dossier for good: the fault battery found one.)
          await db.transaction(async (trx) => {
            await trx.updateTable('files').set({ state: 'quarantine' }).where('id', 'in', stored.map(f => f.id)).execute()
            for (const f of stored) await jobs.enqueue(trx, SCAN_JOB, { fileId: f.id }, { dedupeKey: `scan:${f.id}`, maxAttempts: 20, runAt: new Date(Date.now() + SCAN_JOB_DELAY_MS) })
          })
          for (const [n, f] of stored.entries()) {
            try {
              f.state = await scan(f.id, items[n]!.data)
            } catch {
              // The scanner is unreachable: the file waits in quarantine and its job scans it later.
            }
            if (f.state === 'infected') throw new AppError('VALIDATION', 'file refused: infected', [{ field, message: `Tệp “${f.name}” chứa mã độc và đã bị từ chối.` }])
          }
        }
      } catch (err) {
        // Nothing of a refused upload is kept.
        await this.discard(stored.map(f => f.id))
        throw err
      }
      return stored
    },

    async get (db_: Executor, id: string): Promise<StoredFile | undefined> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return undefined
      const r = await db_.selectFrom('files').select(fields).where('id', '=', id).executeTakeFirst()
      return r ? toFile(r) : undefined
    },

    /** The bytes of a clean file. Callers check the reader's right first. */
    async read (id: string): Promise<{ file: StoredFile, data: Buffer }> {
      const r = await db.kysely.selectFrom('files').select([...fields, 'storageKey']).where('id', '=', id).executeTakeFirst()
      if (!r || r.state !== 'clean') throw new AppError('NOT_FOUND', 'file not available')
      const data = await storage.get(r.storageKey)
      if (!data) throw new AppError('NOT_FOUND', 'file bytes missing')
      return { file: toFile(r), data }
    },

    /**
     * Removes what nobody can use: rows a dead process left 'uploading' (with any object written),
     * files never attached to a dossier after a day, infected rows. Returns how many went.
     */
    async cleanup (): Promise<number> {
      const rows = await db.kysely.selectFrom('files').select(['id', 'storageKey'])
        .where(eb => eb.or([
          eb.and([eb('state', '=', 'uploading'), eb('createdAt', '<', new Date(Date.now() - ABANDONED_MS))]),
          eb('state', '=', 'infected'),
          eb.and([
            eb('createdAt', '<', new Date(Date.now() - 24 * ABANDONED_MS)),
            eb.not(eb.exists(eb.selectFrom('dossierFiles').select('dossierFiles.id').whereRef('dossierFiles.fileId', '=', 'files.id'))),
            eb.not(eb.exists(eb.selectFrom('feedbackFiles').select('feedbackFiles.fileId').whereRef('feedbackFiles.fileId', '=', 'files.id')))
          ])
        ])).limit(1000).execute()
      for (const r of rows) await this.deleteIfUnused(r.id)
      return rows.length
    },

    /**
     * Removes files no dossier refers to (a draft's file removed, an upload whose action failed); one the
     * storage cannot remove now keeps its row, unusable or unattached, and the cleanup job removes it later.
     */
    async discard (ids: readonly string[]): Promise<void> {
      for (const id of ids) await this.deleteIfUnused(id).catch(() => undefined)
    },

    /** Deletes a file no dossier (and no feedback) refers to any more, with its object. */
    async deleteIfUnused (id: string): Promise<void> {
      // The row goes only with its object: if the storage fails, the row stays (and the cleanup tries again), never an object no row names.
      await db.transaction(async (trx) => {
        const r = await trx.deleteFrom('files').where('id', '=', id)
          .where(eb => eb.not(eb.exists(eb.selectFrom('dossierFiles').select('dossierFiles.id').whereRef('dossierFiles.fileId', '=', 'files.id'))))
          .where(eb => eb.not(eb.exists(eb.selectFrom('feedbackFiles').select('feedbackFiles.fileId').whereRef('feedbackFiles.fileId', '=', 'files.id'))))
          .returning('storageKey').executeTakeFirst()
        if (r) await storage.delete(r.storageKey)
      })
    }
  }
  return service
}

export type FilesService = ReturnType<typeof createFilesService>
