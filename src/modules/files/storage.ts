import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'

/**
 * Where file bytes live. Keys are opaque ("2026/11/<uuid>"); metadata and access rights are in the
 * database, never in the store, and nothing in it is served directly.
 */
export interface Storage {
  readonly kind: 'local' | 's3'
  /** Writes an object: one buffer, or chunks in order (written as they are, never joined locally). */
  put (key: string, data: Buffer | readonly Buffer[], mediaType: string): Promise<void>
  /** The bytes, or undefined when the object does not exist. */
  get (key: string): Promise<Buffer | undefined>
  /** Removes the object; removing one that does not exist is not an error. */
  delete (key: string): Promise<void>
}

/**
 * A directory under DATA_DIR. An object is written straight to its key: its row says 'uploading'
 * until the write has finished, so nobody reads half a file, and the cleanup job removes what a
 * dead process left under that key.
 */
export function localStorage (root: string): Storage {
  const resolve = (key: string) => {
    if (!/^[A-Za-z0-9/_-]+$/.test(key) || key.includes('..')) throw new Error(`invalid storage key ${key}`)
    return path.join(root, key)
  }
  const made = new Set<string>()
  return {
    kind: 'local',
    async put (key, data) {
      const file = resolve(key)
      const dir = path.dirname(file)
      if (!made.has(dir)) { await fs.mkdir(dir, { recursive: true }); made.add(dir) }
      if (Buffer.isBuffer(data)) { await fs.writeFile(file, data, { mode: 0o600 }); return }
      const handle = await fs.open(file, 'w', 0o600)
      try {
        // libuv finishes a partial write itself: the chunks are written whole, in order.
        await handle.writev([...data])
      } finally { await handle.close() }
    },
    async get (key) {
      try { return await fs.readFile(resolve(key)) } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw err
      }
    },
    async delete (key) {
      await fs.rm(resolve(key), { force: true })
    }
  }
}

export interface S3Options { endpoint: string, bucket: string, accessKeyId: string, secretAccessKey: string, region: string }

/**
 * S3-compatible object storage (AWS S3, MinIO, Ceph, Viettel/VNPT/FPT object storage) over plain
 * HTTPS with AWS Signature Version 4, path-style addressing.
 */
export function s3Storage (o: S3Options): Storage {
  const base = o.endpoint.replace(/\/+$/, '')
  const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/')

  async function request (method: 'PUT' | 'GET' | 'DELETE', key: string, body?: Buffer, mediaType?: string): Promise<Response> {
    const url = new URL(`${base}/${encodeURIComponent(o.bucket)}/${encodeKey(key)}`)
    const headers: Record<string, string> = {
      host: url.host,
      'x-amz-content-sha256': sha256Hex(body ?? ''),
      'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''),
      ...(mediaType ? { 'content-type': mediaType } : {})
    }
    const authorization = signV4({ method, path: url.pathname, query: '', headers, region: o.region, accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey })
    const { host: _host, ...sent } = headers
    return fetch(url, {
      method,
      headers: { ...sent, authorization },
      ...(body ? { body: new Blob([new Uint8Array(body)]) } : {}),
      signal: AbortSignal.timeout(60_000)
    })
  }

  const fail = async (what: string, res: Response) => new Error(`S3 ${what} answered ${res.status}: ${(await res.text()).slice(0, 300)}`)

  return {
    kind: 's3',
    async put (key, data, mediaType) {
      // Signature V4 signs the payload's hash and the request needs its length: one buffer.
      const res = await request('PUT', key, Buffer.isBuffer(data) ? data : Buffer.concat(data), mediaType)
      if (!res.ok) throw await fail('PUT', res)
      await res.arrayBuffer()
    },
    async get (key) {
      const res = await request('GET', key)
      if (res.status === 404) { await res.arrayBuffer(); return undefined }
      if (!res.ok) throw await fail('GET', res)
      return Buffer.from(await res.arrayBuffer())
    },
    async delete (key) {
      const res = await request('DELETE', key)
      if (!res.ok && res.status !== 404) throw await fail('DELETE', res)
      await res.arrayBuffer()
    }
  }
}

const sha256Hex = (data: Buffer | string) => crypto.createHash('sha256').update(data).digest('hex')
const hmac = (key: crypto.BinaryLike, data: string) => crypto.createHmac('sha256', key).update(data).digest()

/**
 * The Authorization header of AWS Signature Version 4 for S3: every given header is signed (names
 * lower-case; `x-amz-date` and `x-amz-content-sha256` must be among them). Pure, so it is checked
 * against AWS's published example.
 */
export function signV4 (r: { method: string, path: string, query: string, headers: Record<string, string>, region: string, accessKeyId: string, secretAccessKey: string }): string {
  const amzDate = r.headers['x-amz-date']!
  const day = amzDate.slice(0, 8)
  const names = Object.keys(r.headers).map(n => n.toLowerCase()).sort()
  const value = (n: string) => String(Object.entries(r.headers).find(([k]) => k.toLowerCase() === n)![1]).trim().replace(/\s+/g, ' ')
  const canonical = [r.method, r.path, r.query, ...names.map(n => `${n}:${value(n)}`), '', names.join(';'), value('x-amz-content-sha256')].join('\n')
  const scope = `${day}/${r.region}/s3/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n')
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${r.secretAccessKey}`, day), r.region), 's3'), 'aws4_request')
  const signature = crypto.createHmac('sha256', signingKey).update(toSign).digest('hex')
  return `AWS4-HMAC-SHA256 Credential=${r.accessKeyId}/${scope},SignedHeaders=${names.join(';')},Signature=${signature}`
}
