import type { ColumnType, Generated } from 'kysely'

/** Table types, written by hand next to the migrations that create them. */
export interface JobsTable {
  id: Generated<number>
  name: string
  payload: ColumnType<unknown, string | undefined, string>
  dedupeKey: string | null
  state: Generated<'pending' | 'running' | 'done' | 'failed'>
  attempts: Generated<number>
  maxAttempts: Generated<number>
  runAt: Generated<Date>
  lockedBy: string | null
  lockedAt: Date | null
  lastError: string | null
  createdAt: Generated<Date>
  finishedAt: Date | null
}

export interface AuditLogTable {
  id: Generated<number>
  at: Generated<Date>
  actorType: 'citizen' | 'official' | 'system' | 'cli' | 'anonymous'
  actorId: string | null
  action: string
  targetType: string | null
  targetId: string | null
  details: ColumnType<Record<string, unknown>, string | undefined, string>
  requestId: string | null
}

export interface SiteProfileTable {
  id: Generated<boolean>
  portalName: string
  provinceName: string
  provinceCode: string
  operatorName: string
  hotline: string
  email: string | null
  address: string
  updatedAt: Generated<Date>
}

export interface SchemaMigrationsTable {
  name: string
  checksum: string
  appliedAt: Generated<Date>
}

export interface Database {
  jobs: JobsTable
  auditLog: AuditLogTable
  siteProfile: SiteProfileTable
  schemaMigrations: SchemaMigrationsTable
}
