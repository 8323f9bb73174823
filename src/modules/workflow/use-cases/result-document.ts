import { dmy, formatDay } from '../../../platform/vn-time.js'
import { officialFormPdf } from '../../../platform/pdf/forms-pdf.js'
import { declaredFields, fillResult } from '../../catalog/result-template.js'
import type { ResultTemplate } from '../../catalog/catalog.types.js'
import type { DossierView } from '../../dossiers/dossiers.service.js'
import type { WorkflowContext } from '../context.js'

/**
 * The result document made from the procedure's result template (issue 23): the dossier's particulars and
 * the answers of its declaration filled in, laid out like the other documents the agency issues, signed
 * by the leader who approves (with the agency's seal certificate, when it has one, like an uploaded PDF).
 */
export function resultDocuments (ctx: Pick<WorkflowContext, 'catalog' | 'dossiers' | 'deps' | 'particularsOf' | 'issuerOf'>) {
  const { catalog, dossiers, deps, particularsOf, issuerOf } = ctx
  return {
    /** The template in force for the dossier's procedure (the current version: results are issued under today's rules). */
    async templateOf (d: DossierView): Promise<ResultTemplate | undefined> {
      return (await catalog.getProcedure(d.procedure.code)).resultTemplate
    },

    /** The result as a PDF; `validUntil` is the day the leader gives (YYYY-MM-DD), if any. */
    async render (d: DossierView, template: ResultTemplate, at: Date, signer: string, validUntil: string | null): Promise<Buffer> {
      const values: Record<string, string> = {
        ...await particularsOf(d),
        issuedDay: formatDay(at),
        validUntil: validUntil ? dmy(validUntil) : ''
      }
      // The declarations the applicant filled online, by field id, as the template names their answers (the first one's, when ids repeat).
      const wanted = new Set(declaredFields(await catalog.getProcedure(d.procedure.code)).map(f => f.id))
      for (const x of await dossiers.declarationsOf(d.id, d.content, d.slots)) {
        for (const f of x.definition.fields) {
          const v = (x.answers as Record<string, unknown>)[f.id]
          if (wanted.has(f.id) && typeof v === 'string' && v !== '' && !(f.id in values)) values[f.id] = v
        }
      }
      const site = await deps.site.profile()
      return officialFormPdf({
        number: '',
        title: fillResult(template.title, values),
        issuer: await issuerOf(d.agency?.code ?? '', d),
        province: site.provinceName,
        date: at,
        body: template.body.map(line => fillResult(line, values)),
        // The signature stamps the QR code of the verification page beside this block.
        signatures: [{ title: template.signerTitle, note: '(Ký, ghi rõ họ tên và đóng dấu)', name: signer }]
      })
    }
  }
}
