import type { ComponentChildren } from 'preact'
import { DataTable, formatVnd, SummaryList, Tag } from '../../../platform/html/components/layout-parts.js'
import type { Component, ProcedureDetail } from '../catalog.types.js'
import { ASSURANCE_LABELS, LEVEL_LABELS } from '../catalog.types.js'
import { COPY_TYPE, ONLINE_TAG, shortDuration } from './labels.js'
import { TemplateLink } from './TemplatePage.js'

function groupsOf (components: Component[]): Array<[string | null, Component[]]> {
  const groups = new Map<string | null, Component[]>()
  for (const c of components) groups.set(c.group, [...(groups.get(c.group) ?? []), c])
  return [...groups.entries()]
}

function Section ({ id, title, children }: { id: string, title: string, children: ComponentChildren }) {
  return <section class='section' aria-labelledby={id}><h2 class='heading-m' id={id}>{title}</h2>{children}</section>
}

function Lines ({ text }: { text: string }) {
  return <>{text.split('\n').map((line, i) => <p class='body' key={i}>{line}</p>)}</>
}

export function ProcedurePage ({ p }: { p: ProcedureDetail }) {
  const agencies = (list: ProcedureDetail['agencies']['processing']) => list.map(a => a.name).join('; ')
  return (
    <>
      <a href='/thu-tuc' class='back-link'>Danh sách thủ tục</a>
      <span class='caption'>{p.sector.name}</span>
      <h1 class='heading-l'>{p.name}</h1>
      <p><Tag kind={ONLINE_TAG[p.onlineLevel].kind}>{ONLINE_TAG[p.onlineLevel].text}</Tag></p>
      {p.minAssurance !== 'basic' && (
        <div class='notice'><p>Nộp hồ sơ thủ tục này cần đăng nhập bằng <strong>{ASSURANCE_LABELS[p.minAssurance].toLowerCase()}</strong> (VNeID).</p></div>
      )}
      {p.onlineLevel !== 'none' && (
        <p><a class='button button--start' href={`/thu-tuc/${encodeURIComponent(p.code)}/nop-ho-so`}>Nộp hồ sơ trực tuyến</a></p>
      )}
      <SummaryList rows={[
        ['Mã thủ tục', p.code],
        ['Lĩnh vực', p.sector.name],
        ['Cơ quan thực hiện', agencies(p.agencies.processing) || p.agencyText],
        ['Nơi tiếp nhận', agencies(p.agencies.receiving) || p.place],
        ['Cấp thực hiện', p.levels.map(l => LEVEL_LABELS[l]).join(', ')],
        ['Thời hạn giải quyết', <><strong>{shortDuration(p.processingTime)}</strong><Lines text={p.processingTime.text} /></>],
        ['Đối tượng thực hiện', p.applicantText],
        ['Kết quả', p.result],
        ['Căn cứ công bố', p.decision.kind === 'manual'
          ? 'Nhập tay theo hướng dẫn sử dụng; chưa có quyết định công bố trong hệ thống'
          : `Quyết định ${p.decision.number}${p.decision.date ? ` ngày ${p.decision.date.split('-').reverse().join('/')}` : ''} (phiên bản ${p.version})`]
      ]} />

      <Section id='trinh-tu' title='Trình tự thực hiện'>
        <ol class='list list--number'>{p.steps.map((s, i) => <li key={i}><Lines text={s} /></li>)}</ol>
      </Section>

      <Section id='cach-thuc' title='Cách thức thực hiện'>
        <Lines text={p.methods.text} />
      </Section>

      <Section id='thanh-phan' title='Thành phần hồ sơ'>
        {p.components.length === 0
          ? <Lines text={p.componentsText} />
          : groupsOf(p.components).map(([group, items]) => (
            <DataTable key={group ?? '-'} caption={group ?? 'Giấy tờ phải nộp'} captionHidden={false} rows={items} rowKey={(_, i) => String(i)} columns={[
              { label: 'Tên giấy tờ', cell: c => <>{c.name}{c.formTemplate && <span class='hint'> (mẫu: <TemplateLink code={p.code} templates={p.templates} name={c.formTemplate} />)</span>}</> },
              { label: 'Loại bản', cell: c => c.copyType ? COPY_TYPE[c.copyType] : '—' },
              { label: 'Số lượng', cell: c => c.quantity ?? '—' },
              { label: 'Bắt buộc', cell: c => c.required ? 'Có' : 'Nếu có' }
            ]} />
          ))}
        {p.numberOfSets && <p class='body'>Số lượng hồ sơ: {p.numberOfSets}</p>}
      </Section>

      <Section id='phi' title='Phí, lệ phí'>
        {p.fees.length === 0
          ? <p class='body'>Không thu phí, lệ phí.</p>
          : <ul class='list list--bullet'>{p.fees.map((f, i) => <li key={i}>{f.text}{f.amountVnd !== null && <> — <strong>{formatVnd(f.amountVnd)}</strong></>}</li>)}</ul>}
      </Section>

      <Section id='mau-don' title='Mẫu đơn, tờ khai'>
        {p.forms.length === 0
          ? <p class='body'>Không có mẫu đơn, tờ khai.</p>
          : <ul class='list list--bullet'>{p.forms.map((f, i) => <li key={i}>{f}</li>)}</ul>}
        {(p.templates?.length ?? 0) > 0 && (
          <>
            <h3 class='heading-s'>Mẫu và phụ lục kèm theo quyết định công bố</h3>
            <ul class='list list--bullet'>
              {p.templates!.map((t, i) => (
                <li key={i}>
                  <a href={`/thu-tuc/${encodeURIComponent(p.code)}/mau/${i + 1}`}>{t.title}</a>
                  {' '}(<a href={`/thu-tuc/${encodeURIComponent(p.code)}/mau/${i + 1}/tai-ve`} download>tải về tệp Word</a>)
                </li>
              ))}
            </ul>
          </>
        )}
      </Section>

      <Section id='yeu-cau' title='Yêu cầu, điều kiện'>
        <Lines text={p.requirements || 'Không'} />
      </Section>

      <Section id='can-cu' title='Căn cứ pháp lý'>
        <ul class='list list--bullet'>{p.legalBasis.map((l, i) => <li key={i}>{l}</li>)}</ul>
      </Section>

      <Section id='phan-anh' title='Phản ánh, kiến nghị'>
        <ul class='list list--bullet'>
          <li><a href={`/phan-anh-kien-nghi?thu-tuc=${encodeURIComponent(p.code)}`}>Câu hỏi đã được trả lời về thủ tục này</a></li>
          <li><a href={`/phan-anh-kien-nghi/gui?thu-tuc=${encodeURIComponent(p.code)}`}>Gửi phản ánh, kiến nghị về thủ tục này</a></li>
        </ul>
      </Section>
    </>
  )
}
