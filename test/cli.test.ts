import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { openProcessDb, processDatabase, run } from './processes.js'

// The admin CLI as its own process (apart from processes.test.ts, so that each file stays well under
// the runner's time per file on a loaded machine).

test('the CLI sets the site profile through the service, with an audit row; bad input is refused', async () => {
  const db = await processDatabase({ migrated: true })
  try {
    if (!db.url) {
      const migrated = await run('src/cli.ts', ['migrate'], db.env)
      assert.equal(migrated.code, 0, migrated.stderr)
      assert.match(migrated.stdout, /applied 0001_platform\.sql/)
    }
    const status = await run('src/cli.ts', ['migrate', '--status'], db.env)
    assert.match(status.stdout, /pending: 0/)

    const set = await run('src/cli.ts', ['site', 'set', 'kon-tum'], db.env)
    assert.equal(set.code, 0, set.stderr)
    assert.match(set.stdout, /site profile set: .* – Tỉnh Kon Tum/)
    const show = await run('src/cli.ts', ['site', 'show'], db.env)
    assert.equal(JSON.parse(show.stdout).provinceCode, 'H34')

    const badFile = path.join(db.dataDir, 'bad.json')
    fs.writeFileSync(badFile, JSON.stringify({ portalName: 'X', provinceName: 'Y', provinceCode: 'kontum', operatorName: 'Z', hotline: 'abc', email: null, address: 'A' }))
    const bad = await run('src/cli.ts', ['site', 'set', badFile], db.env)
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /provinceCode/)
    assert.match(bad.stderr, /hotline/)

    const unknown = await run('src/cli.ts', ['nonsense'], db.env)
    assert.equal(unknown.code, 1)
    assert.match(unknown.stdout, /usage: npm run cli/)

    const conn = await openProcessDb(db.env)
    try {
      const rows = await conn.kysely.selectFrom('auditLog').selectAll().where('action', '=', 'site.profile.set').execute()
      assert.equal(rows.length, 1, 'one audited change (the refused one left none)')
      assert.equal(rows[0]!.actorType, 'cli')
      assert.equal((await conn.kysely.selectFrom('siteProfile').select('provinceName').executeTakeFirst())?.provinceName, 'Tỉnh Kon Tum')
    } finally { await conn.close() }
  } finally { await db.cleanup() }
})

test('catalog import on the command line: a summary per sector, and a broken file exits 1 naming its lines', async () => {
  const db = await processDatabase({ migrated: true })
  try {
    if (!db.url) assert.equal((await run('src/cli.ts', ['migrate'], db.env)).code, 0)
    const agencies = await run('src/cli.ts', ['catalog', 'agencies', 'seed/kon-tum/agencies.json'], db.env)
    assert.equal(agencies.code, 0, agencies.stderr)
    const ok = await run('src/cli.ts', ['catalog', 'import', 'seed/kon-tum/catalog/213-QD-UBND-2021-giao-thong-van-tai.txt'], db.env)
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /Quyết định 213\/QĐ-UBND ngày 2021-04-22/)
    assert.match(ok.stdout, /Đăng kiểm: 6\n {2}Đường bộ: 55\n {2}Đường thủy nội địa: 11/)
    assert.match(ok.stdout, /total: 72 \(created 72/)
    assert.match(ok.stdout, /warnings: \d+/)

    const broken = path.join(db.dataDir, 'broken.txt')
    fs.writeFileSync(broken, fs.readFileSync('seed/kon-tum/catalog/213-QD-UBND-2021-giao-thong-van-tai.txt', 'utf8').replace('| 24 | 1.001735.000<br>.00.00.H34 |', '| 24 | |'))
    const bad = await run('src/cli.ts', ['catalog', 'import', broken], db.env)
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /broken\.txt cannot be imported\n {2}line 129: procedure 24 of "Đường bộ" has no valid code/)
  } finally { await db.cleanup() }
})

test('the calendar on the command line: a due date with its explanation, a year\'s days off, an exception', async () => {
  const db = await processDatabase({ migrated: true })
  try {
    if (!db.url) assert.equal((await run('src/cli.ts', ['migrate'], db.env)).code, 0)
    const due = await run('src/cli.ts', ['calendar', 'due', '2025-01-24 10:00', '3', 'working_days'], db.env)
    assert.equal(due.code, 0, due.stderr)
    assert.equal(due.stdout.trim(), '3 ngày làm việc từ 10:00 ngày 24/01/2025; bỏ qua 25/01–02/02 (cuối tuần, nghỉ theo thông báo, Tết Nguyên đán) → 10:00 ngày 05/02/2025')
    const set = await run('src/cli.ts', ['calendar', 'set', '2027-05-04', 'off', 'Nghỉ', 'thêm', '(thử)'], db.env)
    assert.equal(set.code, 0, set.stderr)
    const days = await run('src/cli.ts', ['calendar', 'days-off', '2027'], db.env)
    assert.match(days.stdout, /04\/05\/2027 {2}nghỉ theo thông báo {2}Nghỉ thêm \(thử\)/)
    assert.match(days.stdout, /03\/05\/2027 {2}nghỉ bù {2}nghỉ bù Ngày Quốc tế Lao động/)
    const bad = await run('src/cli.ts', ['calendar', 'set', '2027-02-30x', 'off', 'x'], db.env)
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /date: Ngày phải có dạng YYYY-MM-DD/)
  } finally { await db.cleanup() }
})

test('the first system administrator comes from the CLI', async () => {
  const db = await processDatabase({ migrated: true })
  try {
    if (!db.url) assert.equal((await run('src/cli.ts', ['migrate'], db.env)).code, 0)
    assert.equal((await run('src/cli.ts', ['catalog', 'agencies', 'seed/kon-tum/agencies.json'], db.env)).code, 0)
    const made = await run('src/cli.ts', ['user', 'create', '--username', 'admin', '--name', 'Quản trị hệ thống', '--agency', '000.00.00.H34', '--role', 'system_admin', '--email', 'admin@example.vn'], db.env)
    assert.equal(made.code, 0, made.stderr)
    assert.match(made.stdout, /created admin with password \S{12,} \(hand it over once; it is not stored\)/)
    const bad = await run('src/cli.ts', ['user', 'create', '--username', 'a', '--agency', 'nowhere', '--role', 'king'], db.env)
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /username: Tên đăng nhập[\s\S]*roles: Vai trò phải là[\s\S]*agency: Không có cơ quan mã nowhere/)
    const lock = await run('src/cli.ts', ['user', 'lock', 'admin'], db.env)
    assert.equal(lock.code, 0, lock.stderr)
  } finally { await db.cleanup() }
})

test('backup and restore on the command line: an empty database gets the catalog back; a second restore is refused', async () => {
  const source = await processDatabase({ migrated: true })
  const target = await processDatabase({ migrated: false })
  try {
    if (!source.url) assert.equal((await run('src/cli.ts', ['migrate'], source.env)).code, 0)
    assert.equal((await run('src/cli.ts', ['catalog', 'agencies', 'seed/kon-tum/agencies.json'], source.env)).code, 0)
    assert.equal((await run('src/cli.ts', ['catalog', 'import', 'seed/kon-tum/catalog/213-QD-UBND-2021-giao-thong-van-tai.txt'], source.env)).code, 0)
    const dir = path.join(source.dataDir, 'sao-luu')
    const made = await run('src/cli.ts', ['backup', dir], source.env)
    assert.equal(made.code, 0, made.stderr)
    assert.match(made.stdout, /procedures: 72 rows/)
    assert.match((await run('src/cli.ts', ['backup', '--verify', dir], source.env)).stdout, /all match the manifest/)
    const restored = await run('src/cli.ts', ['restore', dir], target.env)
    assert.equal(restored.code, 0, restored.stderr)
    assert.match(restored.stdout, /restored the backup of/)
    const again = await run('src/cli.ts', ['restore', dir], target.env)
    assert.equal(again.code, 1)
    assert.match(again.stderr, /already holds procedures/)
    const conn = await openProcessDb(target.env)
    try {
      assert.equal((await conn.kysely.selectFrom('procedures').select(conn.kysely.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n, 72)
    } finally { await conn.close() }
  } finally { await source.cleanup(); await target.cleanup() }
})
