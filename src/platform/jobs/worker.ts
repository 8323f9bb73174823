import crypto from 'node:crypto'
import os from 'node:os'
import type { Logger } from 'pino'
import { HEARTBEAT_MS, type JobQueue } from './queue.js'

export interface WorkerOptions {
  concurrency: number
  pollMs: number
  log: Logger
  id?: string
  /** Jobs not to claim for now (read before each claim): periodic work paused while something else does it. */
  held?: () => string[]
}

/**
 * Polls the jobs table, runs claimed jobs with their handlers, and records the outcome.
 * Several workers (threads of one process or several processes) can share one PostgreSQL.
 */
export function createWorker (queue: JobQueue, options: WorkerOptions) {
  const id = options.id ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`
  const running = new Set<Promise<void>>()
  let stopped = true
  let timer: NodeJS.Timeout | undefined
  let heartbeat: NodeJS.Timeout | undefined
  let wake: (() => void) | undefined

  async function runJob (job: Awaited<ReturnType<JobQueue['claim']>>[number]) {
    const log = options.log.child({ job: job.name, jobId: job.id, attempt: job.attempt })
    const handler = queue.handlerFor(job.name)
    try {
      if (!handler) throw new Error(`no handler registered for job "${job.name}"`)
      await handler(job, { log })
      await queue.complete(job.id, id)
      log.debug('job done')
    } catch (err) {
      const outcome = await queue.fail(job, id, err).catch((e: unknown) => { log.error({ err: e }, 'could not record job failure'); return 'unknown' })
      log.warn({ err, outcome }, 'job failed')
    }
  }

  /** Claims and runs what is due now; resolves when those jobs have finished. Returns how many ran. */
  async function drainOnce (): Promise<number> {
    const free = options.concurrency - running.size
    if (free <= 0) return 0
    const jobs = await queue.claim(id, free, options.held?.() ?? [])
    const runs = jobs.map(job => {
      const p = runJob(job).finally(() => running.delete(p))
      running.add(p)
      return p
    })
    await Promise.all(runs)
    return jobs.length
  }

  async function loop () {
    while (!stopped) {
      let ran = 0
      try {
        ran = await drainOnce()
      } catch (err) {
        options.log.error({ err }, 'job polling failed')
      }
      if (stopped) break
      if (ran === 0) {
        await new Promise<void>(resolve => {
          wake = resolve
          timer = setTimeout(resolve, options.pollMs)
        })
      }
    }
  }

  let loopDone: Promise<void> = Promise.resolve()

  return {
    id,
    drainOnce,
    /** Runs until nothing is due (tests and the CLI). */
    async drain (): Promise<number> {
      let total = 0
      for (;;) {
        const n = await drainOnce()
        if (n === 0) return total
        total += n
      }
    },
    start () {
      if (!stopped) return
      stopped = false
      queue.schedulePeriodic().catch((err: unknown) => options.log.error({ err }, 'could not schedule periodic jobs'))
      heartbeat = setInterval(() => {
        if (running.size > 0) queue.renew(id).catch((err: unknown) => options.log.warn({ err }, 'could not renew the running jobs’ lease'))
      }, HEARTBEAT_MS)
      heartbeat.unref()
      loopDone = loop()
    },
    /** Stops claiming and waits for running jobs to finish. */
    async stop () {
      stopped = true
      if (timer) clearTimeout(timer)
      clearInterval(heartbeat)
      wake?.()
      await loopDone
      await Promise.allSettled([...running])
    }
  }
}

export type Worker = ReturnType<typeof createWorker>
