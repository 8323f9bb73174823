/**
 * A remote signing service at the process edge (the way Vietnamese CAs' remote signing works: the key
 * stays in the provider's HSM, the portal sends a hash and gets a signature): a real HTTP server with
 * keys issued by a demo CA. `GET /certificates?keyId=` gives a key's chain; `POST /sign` signs a
 * SHA-256 hash with RSA PKCS#1 v1.5. A bearer token is required; every hash signed is kept.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { signDigestWith } from '../src/modules/signing/cms.js'
import { issueDemoP12, p12Key, type DemoCa } from '../src/modules/signing/keys.js'
import { freePort } from './net.js'

export async function signingServer (ca: DemoCa, options: { token: string, keys: Record<string, { commonName: string, organization: string }> }) {
  const keys = new Map(Object.entries(options.keys).map(([id, subject]) => [id, p12Key(issueDemoP12(ca, subject, 'x'), 'x')]))
  const signed: Array<{ keyId: string, hash: string }> = []
  const port = await freePort()
  const json = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { error: 'unauthorized' })
      const url = new URL(req.url ?? '/', 'http://x')
      if (req.method === 'GET' && url.pathname === '/certificates') {
        const key = keys.get(url.searchParams.get('keyId') ?? '')
        return key ? json(res, 200, { chain: key.chain }) : json(res, 404, { error: 'no such key' })
      }
      if (req.method === 'POST' && url.pathname === '/sign') {
        let body: { keyId?: string, hashAlgorithm?: string, hash?: string }
        try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body } catch { return json(res, 400, { error: 'bad json' }) }
        const key = keys.get(body.keyId ?? '')
        const hash = Buffer.from(body.hash ?? '', 'base64')
        if (!key) return json(res, 404, { error: 'no such key' })
        if (body.hashAlgorithm !== 'SHA-256' || hash.length !== 32) return json(res, 400, { error: 'SHA-256 hash expected' })
        signed.push({ keyId: body.keyId!, hash: body.hash! })
        return json(res, 200, { signature: signDigestWith(key.privateKey, hash).toString('base64') })
      }
      json(res, 404, { error: 'not found' })
    })
  })
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${port}`, signed, close: () => new Promise<void>(resolve => server.close(() => resolve())) }
}

/** The configuration that trusts `ca` (its root written where SIGNING_TRUSTED_ROOTS points), with more settings. */
export function trustingConfig (ca: DemoCa, extra: Record<string, string> = {}): Record<string, string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-roots-')), 'roots.pem')
  fs.writeFileSync(file, ca.certificate)
  return { SIGNING_TRUSTED_ROOTS: file, ...extra }
}
