import type { ComponentChildren } from 'preact'
import { ActionButton } from '../../../platform/html/components/form.js'
import { DataTable, formatVnd, SummaryList } from '../../../platform/html/components/layout-parts.js'
import { dmy, formatInstant } from '../../../platform/vn-time.js'
import { COPY_TYPE } from '../../catalog/views/labels.js'
import { formatSize } from '../../files/sniff.js'
import { formatAddress, RESULT_LABELS, submissionLabel, type Delivery, type Person } from '../dossier-form.js'
import type { AttachedFile, ComponentSlot, FeeLine } from '../model.js'
import { ISSUED_FORMS } from '../issued-forms.js'
import { STATUS_LABELS, type DossierStatus } from '../status.js'

export const when = (t: Date | null | undefined) => (t ? formatInstant(t) : '—')
export const dateOf = (iso: string | null | undefined) => (iso ? iso.split('-').reverse().join('/') : '')

const ID_LABEL: Record<Person['kind'], string> = { individual: 'Số định danh cá nhân', organization: 'Mã số thuế', foreigner: 'Số hộ chiếu' }

/** A person's details as the confirmation shows them ("Người nộp hồ sơ" table of guide 001). */
export function PersonList ({ p }: { p: Person }) {
  const rows: Array<[string, ComponentChildren]> = [
    [p.kind === 'organization' ? 'Tên tổ chức' : 'Họ và tên', p.fullName],
    ...(p.dateOfBirth ? [['Ngày sinh', dateOf(p.dateOfBirth)] as [string, string]] : []),
    [ID_LABEL[p.kind], p.idNumber],
    ...(p.idIssuedBy ? [['Nơi cấp', p.idIssuedBy] as [string, string]] : []),
    ...(p.nationality ? [['Quốc tịch', p.nationality] as [string, string]] : []),
    ...(p.representative ? [['Người đại diện', p.representative] as [string, string]] : []),
    ['Số điện thoại', p.phone],
    ['Thư điện tử', p.email ?? '—'],
    ['Địa chỉ', p.address]
  ]
  return <SummaryList rows={rows} />
}

export function fileHref (fileId: string) {
  return `/ca-nhan/tep/${fileId}`
}

/** The files chosen so far for one component, each removable (a button of the surrounding upload form). */
export function FileList ({ files, removeHref }: { files: AttachedFile[], removeHref: (f: AttachedFile) => string }) {
  if (files.length === 0) return null
  return (
    <ul class='file-list'>
      {files.map(f => (
        <li key={f.attachmentId}>
          <a href={fileHref(f.id)}>{f.name}</a> ({formatSize(f.size)}){f.state === 'quarantine' ? ' – đang kiểm tra virus' : ''}{f.reused ? ` – dùng lại từ kho dữ liệu (hồ sơ ${f.reused.dossierCode ?? ''})` : ''}
          <ActionButton action={removeHref(f)}>Xóa<span class='visually-hidden'> tệp {f.name}</span></ActionButton>
        </li>
      ))}
    </ul>
  )
}

/** The components table: name, quantity and copy type, files (with earlier versions when there are any). */
/** `newRound`: the supplement round just answered, whose files the back office sees marked as new. */
export function ComponentsTable ({ slots, files, caption = 'Thành phần hồ sơ', hrefFor = fileHref, newRound, paper = [] }: { slots: ComponentSlot[], files: AttachedFile[], caption?: string, hrefFor?: (fileId: string) => string, newRound?: number | undefined, paper?: string[] }) {
  const filesOf = (s: ComponentSlot) => {
    const mine = files.filter(f => f.component === s.key)
    const current = mine.filter(f => !f.superseded)
    const old = mine.filter(f => f.superseded)
    return (
      <div>
        {current.length === 0 && <span>{paper.includes(s.key) ? 'Đã nhận bản giấy tại bộ phận một cửa' : 'Không có tệp'}</span>}
        <ul class='table-files'>
          {current.map(f => <li key={f.attachmentId}><a href={hrefFor(f.id)}>{f.name}</a> ({formatSize(f.size)}){f.round > 0 ? ` – bổ sung lần ${f.round}` : ''}{f.reused ? ` – dùng lại ${f.reused.digitisation === 3 ? 'kết quả' : 'giấy tờ'} của hồ sơ ${f.reused.dossierCode ?? ''} (kho dữ liệu)` : ''}{f.validUntil ? ` – có hiệu lực đến hết ngày ${dmy(f.validUntil)}` : ''}{newRound !== undefined && f.round === newRound ? <> <strong class='tag tag--green'>Mới bổ sung</strong></> : null}</li>)}
        </ul>
        {old.length > 0 && (
          <details>
            <summary>Phiên bản trước ({old.length})</summary>
            <ul class='table-files'>{old.map(f => <li key={f.attachmentId}><a href={hrefFor(f.id)}>{f.name}</a> ({formatSize(f.size)}, nộp {when(f.attachedAt)})</li>)}</ul>
          </details>
        )}
      </div>
    )
  }
  return (
    <DataTable caption={caption} captionHidden={false} rows={slots} rowKey={s => s.key} columns={[
      { label: 'Tên giấy tờ', cell: s => `${s.name}${s.required ? '' : ' (không bắt buộc)'}` },
      { label: 'Số lượng / loại bản', cell: s => `${s.quantity ?? 1} ${s.copyType ? COPY_TYPE[s.copyType].toLowerCase() : 'bản'}` },
      { label: 'Tệp tin', cell: filesOf }
    ]} />
  )
}

/** The fees table of guide 001 (kind, amount, total); items whose amount depends on the case say so. */
export function FeesTable ({ fees, payable }: { fees: FeeLine[], payable?: { amountVnd: number, note: string | null } | null }) {
  const total = fees.reduce((n, f) => n + (f.amountVnd ?? 0), 0)
  const open = fees.some(f => f.amountVnd === null) && !payable
  const rows = fees.length === 0 ? [{ text: 'Không thu phí, lệ phí', amountVnd: 0 }] : fees
  return (
    <DataTable caption='Lệ phí hồ sơ' captionHidden={false} rows={rows} rowKey={(_, i) => String(i)} columns={[
      { label: 'Loại phí, lệ phí', cell: f => f.text },
      { label: 'Mức phí', cell: f => f.amountVnd === null ? 'Theo trường hợp cụ thể' : formatVnd(f.amountVnd) }
    ]} foot={<>
      <tr><th scope='row'>Tổng</th><td><strong>{formatVnd(total)}</strong>{open ? ' (chưa gồm khoản tính theo trường hợp; cơ quan sẽ thông báo)' : ''}</td></tr>
      {payable && <tr><th scope='row'>Phải nộp cho hồ sơ này (xác định khi tiếp nhận)</th><td><strong>{formatVnd(payable.amountVnd)}</strong>{payable.note ? ` – ${payable.note}` : ''}</td></tr>}
    </>} />
  )
}

export function DeliveryList ({ d }: { d: Delivery }) {
  return (
    <SummaryList rows={[
      ['Nộp bản gốc', <>{submissionLabel(d)}{d.pickupAddress && <><br />{formatAddress(d.pickupAddress)}</>}</>],
      ['Nhận kết quả', <>{RESULT_LABELS[d.result]}{d.resultAddress && <><br />{formatAddress(d.resultAddress)}</>}</>]
    ]} />
  )
}

/** The result of a dossier (the decision, the licence, or the letter refusing it), with a link to each file. */
export function ResultFiles ({ files, hrefFor, children }: { files: ReadonlyArray<{ attachmentId: number, id: string, name: string, size: number, component: string }>, hrefFor: (fileId: string) => string, children?: ComponentChildren }) {
  const result = files.filter(f => f.component === 'result')
  if (result.length === 0) return null
  return (
    <section class='section' aria-labelledby='ket-qua'>
      <h2 class='heading-m' id='ket-qua'>Kết quả giải quyết</h2>
      {children}
      <ul class='file-list'>{result.map(f => <li key={f.attachmentId}><a href={hrefFor(f.id)}>{f.name}</a> ({formatSize(f.size)})</li>)}</ul>
    </section>
  )
}

/** The forms issued to a dossier so far, in the order of the circular. */
export const issuedForms = (events: ReadonlyArray<{ action: string }>) => ISSUED_FORMS.filter(f => events.some(e => e.action === f.action))

/** Links to the PDFs of the forms issued so far (`{url}/mau-NN.pdf`). */
export function IssuedFormLinks ({ url, events }: { url: string, events: ReadonlyArray<{ action: string }> }) {
  const forms = issuedForms(events)
  if (forms.length === 0) return null
  return <p class='body'>{forms.map((f, i) => <span key={f.form}>{i > 0 ? ' · ' : ''}<a href={`${url}/mau-${f.form}.pdf`}>{f.label}</a></span>)}</p>
}

/**
 * The timeline of a dossier: each event, the status it led to, when and by which agency. The back
 * office (`internal`) also reads who did it and the officials' notes; the citizen never does.
 */
export function Timeline ({ events, internal = false }: { events: ReadonlyArray<{ id: number, label: string, toStatus: number | null, fromStatus: number | null, at: Date, agencyName: string | null, actorType: string, actorName: string | null, message: string | null, note?: string | null }>, internal?: boolean }) {
  return (
    <>
      <h2 class='heading-m'>Quá trình xử lý</h2>
      <ol class='timeline'>
        {events.map(e => (
          <li key={e.id} class='timeline__item'>
            <p class='timeline__title'><strong>{e.label}</strong>{e.toStatus !== null && e.toStatus !== e.fromStatus ? ` → ${STATUS_LABELS[e.toStatus as DossierStatus]}` : ''}</p>
            <p class='timeline__meta'>{when(e.at)}{e.agencyName ? ` · ${e.agencyName}` : ''}{internal && e.actorName ? ` · ${e.actorName}` : ''}</p>
            {e.message && <p class='body message-body'>{e.message}</p>}
            {internal && e.note && <p class='body message-body'><strong>Ghi chú nội bộ:</strong> {e.note}</p>}
          </li>
        ))}
      </ol>
    </>
  )
}
