import assert from 'node:assert/strict'
import net from 'node:net'
import { test } from 'node:test'
import { useTestApp } from '../../../test/app.js'

const t = useTestApp({ listen: true, config: { REQUEST_TIMEOUT_MS: '1000' } })

/** What the server answers a client that sends its headers and a tenth of the body it announced, then nothing. */
async function trickle (): Promise<{ answer: string, ms: number }> {
  const { port } = new URL(t.url)
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write('POST /dang-nhap HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=1')
    })
    let answer = ''
    socket.on('data', (c: Buffer) => { answer += c.toString('utf8') })
    socket.on('close', () => resolve({ answer, ms: Date.now() - started }))
    socket.on('error', reject)
    socket.setTimeout(10_000, () => { socket.destroy(); reject(new Error('the server kept the connection open')) })
  })
}

test('a request that takes longer than REQUEST_TIMEOUT_MS to arrive is answered 408 and its connection closed', async () => {
  const { answer, ms } = await trickle()
  assert.match(answer, /^HTTP\/1\.1 408/)
  assert.ok(ms >= 900 && ms < 8000, `closed after ${ms} ms`)
})

test('a request body over the limit is refused without being read to the end', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/dang-nhap', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'x='.padEnd(2 * 1024 * 1024, 'a') })
  assert.equal(res.statusCode, 413)
})
