import type { DossiersService } from './dossiers.service.js'

/**
 * Fills a draft through the service as a citizen would through the pages: the submitter from the
 * account, the first case group, a scan for every required component (but `leaveEmpty`), the
 * paper originals and the result at the office. Used by the demo profile and by tests.
 */
export async function fillDraft (dossiers: DossiersService, accountId: string, procedureCode: string, scan: (draftId: string, slotKey: string) => Buffer | Promise<Buffer>, options: { leaveEmpty?: string | undefined } = {}): Promise<string> {
  const id = await dossiers.startDraft(accountId, procedureCode)
  const draft = await dossiers.draft(accountId, id)
  const s = draft.submitter as unknown as Record<string, string | null>
  await dossiers.saveParties(accountId, id, {
    onBehalf: 'no', 's-fullName': s['fullName']!, 's-dateOfBirth': (s['dateOfBirth'] ?? '').split('-').reverse().join('/'), 's-idNumber': s['idNumber']!,
    's-phone': s['phone']!, 's-email': s['email'] ?? '', 's-address': s['address']!
  })
  if (draft.caseGroups.length >= 2) await dossiers.saveCase(accountId, id, draft.caseGroups[0])
  for (const slot of (await dossiers.draft(accountId, id)).slots.filter(x => x.required && x.key !== options.leaveEmpty)) {
    await dossiers.addFiles(accountId, { id }, slot.key, [{ name: `${slot.key}.pdf`, data: await scan(id, slot.key) }])
  }
  if (!options.leaveEmpty) await dossiers.completeComponents(accountId, id)
  await dossiers.saveDelivery(accountId, id, { submission: 'office', result: 'office' })
  return id
}
