import type { ProcedureDetail } from '../catalog.types.js'
import { templateFor, templateHtml, type FormTemplate } from '../import/form-templates.js'
import { fold } from '../import/text.js'

/** A component's form: straight to its template (and its download) when the decision printed it, else the procedure's list of forms. */
export function TemplateLink ({ code, templates, name }: { code: string, templates: FormTemplate[] | undefined, name: string }) {
  const base = `/thu-tuc/${encodeURIComponent(code)}`
  const n = templateFor(name, templates, fold)
  return n === undefined
    ? <a href={`${base}#mau-don`}>{name}</a>
    : <><a href={`${base}/mau/${n + 1}`}>{name}</a> (<a href={`${base}/mau/${n + 1}/tai-ve`} download>tải mẫu</a>)</>
}

/** A form template as the decision prints it, to read, print or download for Word. */
export function TemplatePage ({ p, t, n }: { p: ProcedureDetail, t: FormTemplate, n: string }) {
  const base = `/thu-tuc/${encodeURIComponent(p.code)}`
  return (
    <>
      <a class='back-link' href={`${base}#mau-don`}>Quay lại thủ tục</a>
      <span class='caption'>{p.name}</span>
      <h1 class='heading-l'>{t.title}</h1>
      <p class='body'>
        <a href={`${base}/mau/${n}/tai-ve`} download>Tải về tệp Word (.doc) để điền</a> · In trang này bằng lệnh in của trình duyệt.
      </p>
      {/* templateHtml escapes the decision's text and adds only its own paragraph, list, table and emphasis tags. */}
      <div class='form-template' dangerouslySetInnerHTML={{ __html: templateHtml(t.markdown) }} />
    </>
  )
}
