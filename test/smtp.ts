import http from 'node:http'
import { after, before } from 'node:test'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail { from: string, to: string[], data: string, subject: string }

/** RFC 2047 encoded words in a header ("=?UTF-8?B?…?=", "=?UTF-8?Q?…?=") back to text. */
export function decodeHeader (value: string): string {
  return value.replace(/\s*=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) => enc.toLowerCase() === 'b'
    ? Buffer.from(text, 'base64').toString('utf8')
    : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m: string, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'))
}

/**
 * A real SMTP server on loopback, the stand-in for the province's mail server at the process edge.
 * Recipients at @reject.test are refused with 550.
 */
export function useSmtpServer (): { url: string, received: ReceivedMail[] } {
  const ctx = { url: '', received: [] as ReceivedMail[] }
  let server: SMTPServer
  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo (address, _session, callback) {
        if (address.address.endsWith('@reject.test')) { callback(Object.assign(new Error('No such user'), { responseCode: 550 })); return }
        callback()
      },
      onData (stream, session, callback) {
        let data = ''
        stream.on('data', (chunk: Buffer) => { data += chunk.toString('utf8') })
        stream.on('end', () => {
          const raw = /^Subject: (.*(?:\r?\n[ \t].*)*)/mi.exec(data)?.[1] ?? ''
          ctx.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map(r => r.address),
            data,
            subject: decodeHeader(raw.replace(/\r?\n[ \t]/g, ' '))
          })
          callback()
        })
      }
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    ctx.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  })
  after(async () => { await new Promise<void>(resolve => server.close(() => resolve())) })
  return ctx
}

/** A local HTTP SMS gateway: records POSTed {to, text}; numbers ending in 9999 get a 503. */
export function useSmsGateway (): { url: string, received: Array<{ to: string, text: string }> } {
  const ctx = { url: '', received: [] as Array<{ to: string, text: string }> }
  let server: http.Server
  before(async () => {
    server = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => { body += c.toString() })
      req.on('end', () => {
        const message = JSON.parse(body) as { to: string, text: string }
        if (message.to.endsWith('9999')) { res.writeHead(503).end(); return }
        ctx.received.push(message)
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sms-${ctx.received.length}` }))
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    ctx.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`
  })
  after(async () => { await new Promise<void>(resolve => server.close(() => resolve())) })
  return ctx
}
