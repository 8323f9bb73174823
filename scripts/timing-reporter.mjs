/**
 * A node:test reporter that writes, for each top-level test, its file and duration (tab-separated), so the
 * runner can say which files the time goes to (scripts/test.ts prints the slowest).
 */
export default async function * timingReporter (source) {
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      yield `${event.data.file}\t${event.data.details.duration_ms}\n`
    }
  }
}
