import { AppError, type FieldError } from '../../platform/http/errors.js'
import { formatInstant } from '../../platform/vn-time.js'
import { formatSize } from '../files/sniff.js'
import { STATUSES, type FeedbackStatus } from './model.js'

export type Values = Record<string, string | undefined>

/** Paragraphs of stored text, escaped by the renderer (never HTML). */
export function Paragraphs ({ text }: { text: string }) {
  return <>{text.split(/\n{2,}/).map((p, i) => <p class='body' key={i}>{p.split('\n').map((line, j) => <>{j > 0 && <br />}{line}</>)}</p>)}</>
}

export function StatusTag ({ status, overdue }: { status: FeedbackStatus, overdue?: boolean }) {
  return <><strong class={`tag${status === 'published' ? ' tag--green' : ''}`}>{STATUSES[status]}</strong>{overdue && <> <strong class='tag tag--red'>Quá hạn</strong></>}</>
}

export function Timeline ({ events }: { events: Array<{ at: Date, message: string | null, note?: string | null, actorName?: string | null }> }) {
  return (
    <ol class='timeline'>
      {events.map((e, i) => (
        <li class='timeline__item' key={i}>
          <p class='timeline__meta'>{formatInstant(e.at)}{e.actorName && <> · {e.actorName}</>}</p>
          {e.message && <p class='timeline__title'>{e.message}</p>}
          {e.note && <p class='timeline__title'><em>{e.note}</em></p>}
        </li>
      ))}
    </ol>
  )
}

/**
 * Runs a form's change; an error about fields (VALIDATION, a duplicate, the day's share) shows the page
 * again with each message beside its field and what was typed kept; anything else goes on as it was.
 */
export async function attempt (run: () => Promise<unknown>, again: (errors: FieldError[], page: { status: number, hasErrors: true }) => Promise<unknown>) {
  try {
    return await run()
  } catch (err) {
    if (err instanceof AppError && err.fields && err.fields.length > 0 && ['VALIDATION', 'CONFLICT', 'RATE_LIMITED'].includes(err.code)) {
      return again(err.fields, { status: err.code === 'RATE_LIMITED' ? 429 : 422, hasErrors: true })
    }
    throw err
  }
}

/** The files attached to a feedback, each a download link (a file still being scanned says so). */
export function Attachments ({ files, href }: { files: Array<{ id: string, name: string, size: number, state: string }>, href: (id: string) => string }) {
  if (files.length === 0) return null
  return (
    <>
      <h2 class='heading-m'>Tệp đính kèm</h2>
      <ul class='list list--bullet'>
        {files.map(f => <li key={f.id}>{f.state === 'clean' ? <a href={href(f.id)}>{f.name}</a> : <>{f.name} (đang kiểm tra mã độc)</>} <span class='hint'>{formatSize(f.size)}</span></li>)}
      </ul>
    </>
  )
}
