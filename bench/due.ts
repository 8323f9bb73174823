/**
 * Due-date computation for many dossiers (the reports recompute them): 1,000,000 computeDue calls
 * on the shipped calendar, beside a baseline loop that builds the same inputs and does nothing else.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from '../src/platform/paths.js'
import { WorkCalendar, type CalendarException } from '../src/modules/calendar/calendar.js'
import { computeDue, type DurationUnit } from '../src/modules/calendar/due.js'

export function benchDue (count = 1_000_000): string[] {
  const exceptions = (JSON.parse(fs.readFileSync(path.join(ROOT, 'seed/calendar/vn-2024-2026.json'), 'utf8')) as { exceptions: CalendarException[] }).exceptions
  const cal = new WorkCalendar({ exceptions })
  const units: DurationUnit[] = ['working_days', 'working_days', 'working_days', 'working_hours', 'calendar_days', 'same_day']
  const base = Date.UTC(2024, 0, 1)
  let seed = 1
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed }
  const input = (i: number) => ({ at: new Date(base + (next() % (3 * 365 * 1440)) * 60_000), value: 1 + (next() % 15), unit: units[i % units.length]! })

  let sink = 0
  let t = performance.now()
  for (let i = 0; i < count; i++) { const x = input(i); sink += x.at.getTime() + x.value }
  const baseline = performance.now() - t

  seed = 1
  t = performance.now()
  for (let i = 0; i < count; i++) {
    const x = input(i)
    sink += computeDue(cal, x.at, { value: x.value, unit: x.unit }).due.getTime()
  }
  const elapsed = performance.now() - t
  if (sink === 42) process.stdout.write('')
  return [
    `computeDue: ${count.toLocaleString('en')} dossiers in ${(elapsed / 1000).toFixed(2)} s = ${Math.round(count / (elapsed / 1000)).toLocaleString('en')} per second (explanations are built when read)`,
    `  baseline (inputs only): ${(baseline / 1000).toFixed(2)} s; computeDue costs ${((elapsed - baseline) / count * 1000).toFixed(2)} µs per dossier`
  ]
}
