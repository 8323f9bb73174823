import net from 'node:net'

export type ScanResult = { clean: true } | { clean: false, signature: string }

export type ClamdAddress = { socket: string } | { host: string, port: number }

/**
 * Scans bytes with ClamAV's daemon over its INSTREAM command (a zero-terminated command, then chunks
 * each prefixed by its 4-byte big-endian length, then a zero length). clamd answers
 * "stream: OK" or "stream: <signature> FOUND".
 */
export async function clamdScan (address: ClamdAddress, input: Buffer | readonly Buffer[], timeoutMs = 30_000): Promise<ScanResult> {
  const answer = await clamd(address, timeoutMs, (socket) => {
    socket.write('zINSTREAM\0')
    const CHUNK = 64 * 1024
    for (const data of Buffer.isBuffer(input) ? [input] : input) {
      for (let i = 0; i < data.length; i += CHUNK) {
        const part = data.subarray(i, i + CHUNK)
        const size = Buffer.alloc(4)
        size.writeUInt32BE(part.length)
        socket.write(size)
        socket.write(part)
      }
    }
    socket.end(Buffer.alloc(4))
  })
  if (/:\s*OK$/.test(answer)) return { clean: true }
  const found = /:\s*(.+)\s+FOUND$/.exec(answer)
  if (found) return { clean: false, signature: found[1]! }
  throw new Error(`clamd answered: ${answer.slice(0, 200) || '(nothing)'}`)
}

/** Whether clamd answers (its PING command, answered PONG); throws when it does not. */
export async function clamdPing (address: ClamdAddress, timeoutMs = 2_000): Promise<void> {
  const answer = await clamd(address, timeoutMs, socket => socket.end('zPING\0'))
  if (answer !== 'PONG') throw new Error(`clamd answered: ${answer.slice(0, 100) || '(nothing)'}`)
}

/** One command to clamd: `send` writes it once connected; resolves with the answer, without its NUL terminators. */
function clamd (address: ClamdAddress, timeoutMs: number, send: (socket: net.Socket) => void): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = 'socket' in address ? net.createConnection(address.socket) : net.createConnection(address.port, address.host)
    const chunks: Buffer[] = []
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('clamd did not answer in time')))
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8').replace(/\0/g, '').trim()))
    socket.on('connect', () => send(socket))
  })
}
