import net from 'node:net'
import { freePort } from './net.js'

/** The EICAR test string every anti-virus detects (it is harmless). */
export const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*')

/**
 * A stand-in for clamd at the process edge: a real TCP server speaking clamd's INSTREAM protocol,
 * which reports the EICAR signature and answers PING. `down` makes it drop connections (scanner unavailable).
 */
export async function fakeClamd () {
  const state = { down: false, scans: 0 }
  const server = net.createServer(socket => {
    if (state.down) { socket.destroy(); return }
    let buf = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      if (buf.subarray(0, 6).toString() === 'zPING\0') { socket.end('PONG\0'); return }
      const start = buf.indexOf(0) + 1 // after "zINSTREAM\0"
      if (start <= 0) return
      const parts: Buffer[] = []
      let at = start
      while (at + 4 <= buf.length) {
        const len = buf.readUInt32BE(at)
        if (len === 0) {
          state.scans++
          const data = Buffer.concat(parts)
          socket.end(data.includes(EICAR) ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0')
          return
        }
        if (at + 4 + len > buf.length) return
        parts.push(buf.subarray(at + 4, at + 4 + len))
        at += 4 + len
      }
    })
  })
  const port = await freePort()
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  return { port, state, close: () => new Promise<void>(resolve => server.close(() => resolve())) }
}
