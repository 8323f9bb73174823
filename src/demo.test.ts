import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../test/app.js'
import { prepareDemo } from './demo.js'

const t = useTestApp({ config: { DEMO: 'true' } })

test('the demo profile loads the site, the catalog, the accounts, and the demo citizen\'s dossiers waiting for reception, in processing and waiting for fees', async () => {
  const lines = await prepareDemo(t.services)
  const m = /Hồ sơ demo của công dân: (\S+) \(chờ tiếp nhận\), (\S+) \(đang xử lý\), (\S+) \(chờ nộp phí/.exec(lines.join('\n'))
  assert.ok(m, lines.join('\n'))
  const status = async (code: string) => (await t.services.dossiers.lookup(code, undefined, '127.0.0.1'))!.status
  assert.equal(await status(m[1]!), 1)
  assert.ok([2, 4].includes(await status(m[2]!)))
  assert.equal(await status(m[3]!), 6)
  // A second start on the same database adds nothing.
  assert.doesNotMatch((await prepareDemo(t.services)).join('\n'), /Hồ sơ demo/)
})
