import assert from 'node:assert/strict'
import { test } from 'node:test'
import zlib from 'node:zlib'
import { useTestApp } from '../../../test/app.js'
import { loadCatalog } from '../../../test/catalog.js'

const t = useTestApp({ setup: ctx => loadCatalog(ctx.services) })

test('pages, styles and JSON are compressed for browsers that ask; the bytes are the same once unpacked', async () => {
  for (const [url, encoding] of [['/thu-tuc', 'br'], ['/thu-tuc', 'gzip'], ['/assets/styles.css', 'br'], ['/api/v1/procedures', 'gzip']] as const) {
    const plain = await t.app.inject(url)
    const packed = await t.app.inject({ url, headers: { 'accept-encoding': encoding } })
    assert.equal(packed.headers['content-encoding'], encoding, url)
    assert.match(String(packed.headers['vary'] ?? ''), /accept-encoding/i)
    const body = encoding === 'br' ? zlib.brotliDecompressSync(packed.rawPayload) : zlib.gunzipSync(packed.rawPayload)
    assert.ok(packed.rawPayload.length < plain.rawPayload.length / 3, `${url}: ${packed.rawPayload.length} of ${plain.rawPayload.length} bytes`)
    assert.equal(body.toString('utf8'), plain.body, `${url}: unpacked, the same bytes`)
  }
  assert.equal((await t.app.inject('/thu-tuc')).headers['content-encoding'], undefined, 'nothing asked, nothing packed')
})
