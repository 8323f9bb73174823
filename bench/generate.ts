/**
 * A realistic back-office database for benchmarks (issue 7): dossiers over three years in 50 agencies,
 * every status, each with its processing log (tasks) and timeline (events), in set-based SQL so a
 * million dossiers take minutes, not hours. PostgreSQL only (PGlite would hold it all in memory).
 * Expects the migrated schema with the demo catalog loaded (procedures and the Kon Tum agencies).
 */
import { sql } from 'kysely'
import type { Db } from '../src/platform/db/db.js'

export interface Generated { dossiers: number, tasks: number, events: number, agencies: number, seconds: number }

const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'A', 'Y', 'Rơ Châm', 'Siu']
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Ngọc', 'Thanh', 'Quốc', 'Thu', 'Xuân', 'Hoài', 'Kim']
const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hạnh', 'Hiếu', 'Hoa', 'Hùng', 'Hương', 'Khánh', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Nga', 'Nhung', 'Phong', 'Phúc', 'Quân', 'Quỳnh', 'Sơn', 'Tâm', 'Thảo', 'Thắng', 'Trang', 'Tuấn', 'Vân', 'Việt', 'Yến', 'Blơng', 'H\'Nơ']

/** Adds agencies up to `agencies` (district people's committees under the province), then the rows. */
export async function generateDossiers (db: Db, opts: { count: number, agencies?: number, years?: number, log?: (line: string) => void }): Promise<Generated> {
  const started = performance.now()
  const k = db.kysely
  const log = opts.log ?? (() => {})
  const wanted = opts.agencies ?? 50
  const years = opts.years ?? 3
  const province = await k.selectFrom('agencies').select(['id', 'code']).where('kind', '=', 'province').orderBy('id').executeTakeFirstOrThrow()
  const have = (await k.selectFrom('agencies').select('code').where('kind', 'in', ['department', 'unit', 'district', 'province']).execute()).length
  for (let i = 0; have + i < wanted; i++) {
    const code = `000.${String(30 + i).padStart(2, '0')}.99.${province.code.split('.').pop()}`
    await k.insertInto('agencies').values({ code, name: `Ủy ban nhân dân huyện Thử ${i + 1}`, kind: 'district', parentId: province.id, aliases: '[]' }).onConflict(oc => oc.column('code').doNothing()).execute()
  }
  const agencies = (await k.selectFrom('agencies').select('code').where('kind', 'in', ['department', 'unit', 'district', 'province']).orderBy('id').execute()).map(a => a.code)
  const versions = await k.selectFrom('procedures as p').innerJoin('procedureVersions as v', 'v.procedureId', 'p.id').select(['p.id as procedureId', 'v.id as versionId'])
    .where('v.id', '=', sql<number>`(select max(v2.id) from procedure_versions v2 where v2.procedure_id = p.id)`).execute()
  if (versions.length === 0) throw new Error('load the catalog first')

  // A pool of applicant accounts, with ids derived from their number so dossiers can point at them.
  await sql`
    insert into accounts (id, kind, full_name, citizen_id, address, password_hash, status, consent_at)
    select md5('bench-account-' || i)::uuid, 'individual', 'Công dân thử ' || i, '099' || lpad(i::text, 9, '0'),
           'Kon Tum', 'x', 'active', now()
    from generate_series(0, 1999) i
    on conflict do nothing`.execute(k)

  const text = (a: string[]) => sql`(array[${sql.join(a.map(x => sql`${x}::text`))}])`
  const ints = (a: number[]) => sql.raw(`(array[${a.map(x => Math.trunc(x)).join(',')}]::int[])`)
  log(`generating ${opts.count} dossiers in ${agencies.length} agencies over ${years} years`)
  // Every random choice of a row is made once, in `r`; the status follows the dossier's age as it
  // would in a working office: old ones are mostly returned, the recent ones spread over the queues.
  const batch = 200_000
  for (let from = 0; from < opts.count; from += batch) {
    const to = Math.min(opts.count, from + batch) - 1
    await sql`
      insert into dossiers (id, code, status, procedure_id, procedure_version_id, account_id, agency_code, processing_agency_code,
                            channel, applicant, submitter, delivery, submitted_at, received_at, due_at, finished_at, returned_at, closed_at, created_at, updated_at)
      select md5('bench-dossier-' || n)::uuid,
             ag || '-' || to_char(submitted at time zone 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-' || lpad(n::text, 7, '0'),
             status, pid, vid, md5('bench-account-' || (n % 2000))::uuid, ag,
             case when status not in (1, 3) then ag end,
             case when r4 < 0.7 then 'online' when r4 < 0.95 then 'counter' else 'postal' end,
             jsonb_build_object('kind', 'individual', 'fullName', name, 'idNumber', idn, 'dateOfBirth', '1985-06-15', 'phone', '09' || lpad((n % 100000000)::text, 8, '0'),
                                'email', null, 'address', 'Kon Tum', 'idIssuedBy', null, 'nationality', 'Việt Nam', 'representative', null),
             jsonb_build_object('kind', 'individual', 'fullName', name, 'idNumber', idn, 'dateOfBirth', '1985-06-15', 'phone', '09' || lpad((n % 100000000)::text, 8, '0'),
                                'email', null, 'address', 'Kon Tum', 'idIssuedBy', null, 'nationality', 'Việt Nam', 'representative', null),
             '{"submission":"online","result":"office"}'::jsonb,
             submitted,
             case when status not in (1, 3) then submitted + interval '3 hours' end,
             case when status not in (1, 3) then submitted + make_interval(days => 3 + (r5 * 12)::int) end,
             case when status in (9, 10) then submitted + make_interval(days => 2 + (r5 * 12)::int) end,
             case when status = 10 then submitted + make_interval(days => 3 + (r5 * 12)::int) end,
             case when status in (7, 8) then submitted + make_interval(days => 1 + (r5 * 6)::int) end,
             submitted, submitted
      from (
        select n, r4, r5, pi,
               ${text(agencies)}[1 + (r1 * ${agencies.length})::int % ${agencies.length}] as ag,
               ${ints(versions.map(v => v.procedureId))}[pi] as pid, ${ints(versions.map(v => v.versionId))}[pi] as vid,
               now() - make_interval(secs => age * 86400) as submitted,
               ${text(SURNAMES)}[1 + (r7 * ${SURNAMES.length})::int % ${SURNAMES.length}] || ' ' || ${text(MIDDLE)}[1 + (r8 * ${MIDDLE.length})::int % ${MIDDLE.length}] || ' ' || ${text(GIVEN)}[1 + (r9 * ${GIVEN.length})::int % ${GIVEN.length}] as name,
               '0' || lpad((62000000000 + n)::text, 11, '0') as idn,
               case
                 when age > 45 then case when r2 < 0.86 then 10 when r2 < 0.9 then 3 when r2 < 0.94 then 7 when r2 < 0.97 then 8 else 9 end
                 when r2 < 0.12 then 1 when r2 < 0.24 then 2 when r2 < 0.5 then 4 when r2 < 0.57 then 5 when r2 < 0.6 then 6
                 when r2 < 0.7 then 9 when r2 < 0.92 then 10 when r2 < 0.95 then 3 when r2 < 0.98 then 7 else 8 end as status
        from (
          select n, 1 + floor(random() * ${versions.length})::int as pi, random() r1, random() r2, random() r4, random() r5, random() r7, random() r8, random() r9,
                 -- Newer dossiers are more numerous (use of the portal grows), and a tenth are recent.
                 case when random() < 0.1 then random() * 45 else power(random(), 0.8) * ${years * 365} end as age
          from generate_series(${from}::int, ${to}::int) n
        ) r
      ) x`.execute(k)
    log(`  dossiers ${to + 1}`)
  }

  // The processing log: the default four steps; finished steps have their outcome, the current one is open.
  await sql`
    insert into dossier_tasks (dossier_id, step, kind, name, role, agency_code, started_at, due_at, finished_at, finished_by_name, outcome)
    select d.id, s.step, (array['work', 'work', 'approve', 'return'])[s.step + 1],
           (array['Thẩm định hồ sơ', 'Xem xét, trình ký', 'Phê duyệt', 'Trả kết quả'])[s.step + 1],
           (array['specialist', 'department_head', 'agency_leader', 'receptionist'])[s.step + 1],
           d.agency_code,
           d.received_at + make_interval(days => s.step),
           case when s.step < 3 then least(d.due_at, d.received_at + make_interval(days => s.step + 2)) end,
           case when s.step < s.current or d.status in (7, 8, 10) then d.received_at + make_interval(days => s.step + 1) end,
           case when s.step < s.current or d.status in (7, 8, 10) then 'Cán bộ thử' end,
           case when s.step < s.current then (array['forwarded', 'forwarded', 'approved', 'returned'])[s.step + 1]
                when d.status = 10 then 'returned' when d.status = 7 then 'withdrawn' when d.status = 8 then 'stopped' end
    from dossiers d
    cross join lateral (
      select g as step, c as current from (select case d.status when 2 then 0 when 4 then 1 when 5 then 1 when 6 then 1 when 9 then 3 when 10 then 3 else 0 end as c) cc,
      generate_series(0, cc.c) g
    ) s
    where d.received_at is not null and d.code like '%-_______'`.execute(k)
  log('  tasks')

  // The timeline: submission, reception, and the closing event of each dossier.
  await sql`
    insert into dossier_events (dossier_id, at, action, from_status, to_status, actor_type, actor_name, agency_code)
    select d.id, e.at, e.action, e.from_status, e.to_status, e.actor_type, e.actor_name, d.agency_code
    from dossiers d
    cross join lateral (values
      (d.submitted_at, 'submit', 0, 1, 'citizen', (d.applicant ->> 'fullName')),
      (d.received_at, case when d.status = 3 then 'refuse' else 'receive' end, 1, case when d.status = 3 then 3 else 2 end, 'official', 'Cán bộ thử'),
      (d.finished_at, 'finish', 4, 9, 'official', 'Cán bộ thử'),
      (d.returned_at, 'return-result', 9, 10, 'official', 'Cán bộ thử')
    ) e(at, action, from_status, to_status, actor_type, actor_name)
    where e.at is not null and d.code like '%-_______'`.execute(k)
  log('  events')
  // As a database in service would be: vacuumed (visibility maps, so index-only scans work) and analysed.
  await sql`vacuum analyze`.execute(k)
  const count = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(k)).rows[0]!.n)
  return { dossiers: await count('dossiers'), tasks: await count('dossier_tasks'), events: await count('dossier_events'), agencies: agencies.length, seconds: (performance.now() - started) / 1000 }
}
