import type { ProcedureDetail } from '../catalog.types.js'
import { templateHtml, type FormTemplate } from '../import/form-templates.js'

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
