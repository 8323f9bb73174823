import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { pino } from 'pino'
import { loggerOptions, maskUrl } from './log.js'

function capture () {
  const lines: string[] = []
  const stream = new Writable({ write (chunk, _enc, cb) { lines.push(chunk.toString()); cb() } })
  const log = pino(loggerOptions({ LOG_LEVEL: 'info', LOG_PRETTY: false }), stream)
  return { log, lines }
}

test('personal data and secrets never reach the log', () => {
  const { log, lines } = capture()
  log.info({
    password: 'Hunter2!pass', idNumber: '062099001234', phone: '0912345678',
    applicant: { fullName: 'Nguyễn Văn An', email: 'an@example.vn', address: '12 Trần Phú', dateOfBirth: '1999-01-02' },
    req: { headers: { cookie: 'mc_session=abc', authorization: 'Bearer xyz' } },
    dossier: { code: '000.00.03.H34-220622-0001' }
  }, 'submitted')
  const out = lines.join('')
  for (const secret of ['Hunter2', '062099001234', '0912345678', 'Nguyễn Văn An', 'an@example.vn', 'Trần Phú', '1999-01-02', 'mc_session=abc', 'Bearer xyz']) {
    assert.ok(!out.includes(secret), `${secret} leaked: ${out}`)
  }
  assert.ok(out.includes('000.00.03.H34-220622-0001'), 'non-personal data is kept')
  assert.ok(out.includes('[redacted]'))
})

test('query strings are logged without their values (lookups carry ID numbers)', () => {
  assert.equal(maskUrl('/tra-cuu-ho-so?ma=000.00.03.H34-220622-0001&cccd=062099001234'), '/tra-cuu-ho-so?ma=*&cccd=*')
  assert.equal(maskUrl('/thu-tuc'), '/thu-tuc')
})
