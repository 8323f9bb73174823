import type { Component, OnlineLevel, ProcessingTime } from '../catalog.types.js'

export const COPY_TYPE: Record<NonNullable<Component['copyType']>, string> = {
  original: 'Bản chính',
  copy: 'Bản sao',
  certified_copy: 'Bản sao có chứng thực',
  original_or_copy: 'Bản chính hoặc bản sao'
}

export const ONLINE_TAG: Record<OnlineLevel, { text: string, kind: 'green' | 'blue' | 'grey' }> = {
  full: { text: 'Trực tuyến toàn trình', kind: 'green' },
  partial: { text: 'Trực tuyến một phần', kind: 'blue' },
  none: { text: 'Chưa trực tuyến', kind: 'grey' }
}

const UNIT: Record<NonNullable<ProcessingTime['unit']>, string> = {
  working_days: 'ngày làm việc',
  working_hours: 'giờ làm việc',
  calendar_days: 'ngày',
  same_day: 'trong ngày'
}

/** "05 ngày làm việc", "Trong ngày", or the decision's own words when it gives no single duration. */
export function shortDuration (t: ProcessingTime): string {
  if (t.unit === 'same_day') return 'Trong ngày'
  if (t.value !== null && t.unit) return `${String(t.value).padStart(2, '0')} ${UNIT[t.unit]}`
  return 'Theo từng trường hợp'
}
