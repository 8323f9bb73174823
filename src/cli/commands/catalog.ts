import os from 'node:os'
import { cliActor } from '../../modules/audit/audit.service.js'
import { AppError } from '../../platform/http/errors.js'
import type { CliCommand } from '../command.js'

const USAGE = 'catalog import <decision.txt> | catalog agencies <agencies.json> | catalog manual <procedures.json> | catalog synonyms <synonyms.json> | catalog online-level <code> <full|partial|none> | catalog assurance <code> <basic|eid-1|eid-2> | catalog processing-time <code> <value> <working_days|working_hours|calendar_days|same_day> [căn cứ, khi khác quyết định] | catalog confirm-agency <code> | catalog versions <code> | catalog review'

export const catalogCommand: CliCommand = {
  name: 'catalog',
  usage: 'catalog import|agencies|manual|synonyms|online-level|assurance|processing-time|confirm-agency|versions|review …',
  summary: 'Import a published decision into the procedure catalog, load agencies, set online levels.',
  async run (services, args, out) {
    const actor = cliActor(os.userInfo().username)
    const [sub, a, b] = args
    if (sub === 'import' && a) {
      const s = await services.catalog.importDecision(actor, a)
      out(`Quyết định ${s.decision.number} ngày ${s.decision.date}`)
      for (const sector of s.sectors) out(`  ${sector.name}: ${sector.count}`)
      out(`  total: ${s.sectors.reduce((n, x) => n + x.count, 0)} (created ${s.outcomes.created}, updated ${s.outcomes.updated}, new versions ${s.outcomes.versioned}, unchanged ${s.outcomes.unchanged})`)
      out(`warnings: ${s.warnings.length}`)
      for (const w of s.warnings) out(`  line ${w.line}${w.procedure ? ` [${w.procedure}]` : ''}: ${w.message}`)
      return
    }
    if (sub === 'agencies' && a) { out(`loaded ${await services.catalog.loadAgencies(actor, a)} agencies`); return }
    if (sub === 'synonyms' && a) { out(`added ${await services.catalog.loadSynonyms(actor, a)} search synonyms`); return }
    if (sub === 'manual' && a) { out(JSON.stringify(await services.catalog.importManual(actor, a))); return }
    if (sub === 'online-level' && a && (b === 'full' || b === 'partial' || b === 'none')) {
      await services.catalog.setOnlineLevel(actor, a, b)
      out(`${a}: online level ${b}`)
      return
    }
    if (sub === 'assurance' && a && (b === 'basic' || b === 'eid-1' || b === 'eid-2')) {
      await services.catalog.setMinAssurance(actor, a, b)
      out(`${a}: minimum assurance ${b}`)
      return
    }
    const unit = args[3]
    if (sub === 'processing-time' && a && b && (unit === 'working_days' || unit === 'working_hours' || unit === 'calendar_days' || unit === 'same_day')) {
      await services.catalog.setProcessingTime(actor, a, Number(b), unit, args.slice(4).join(' '))
      out(`${a}: processing time ${b} ${unit}`)
      return
    }
    if (sub === 'review') {
      const flagged = await services.catalog.needingReview()
      out(`${flagged.length} procedure(s) need a processing time set by an administrator`)
      for (const p of flagged) out(`  ${p.code}  ${p.name}`)
      return
    }
    if (sub === 'confirm-agency' && a) { await services.catalog.confirmAgencyCode(actor, a); out(`${a}: code confirmed`); return }
    if (sub === 'versions' && a) {
      for (const v of await services.catalog.listVersions(a)) out(`v${v.version} decision#${v.decisionId} ${v.inUse ? 'in use' : 'unused'} ${v.contentHash.slice(0, 12)}`)
      return
    }
    throw new AppError('BAD_REQUEST', `usage: ${USAGE}`)
  }
}
