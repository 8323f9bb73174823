import net from 'node:net'

/** Ports this process has handed out: the kernel may give a just-closed port again, to the next caller. */
const handedOut = new Set<number>()

/**
 * A TCP port free on loopback right now (for servers the tests and benchmarks start), and never one this
 * process handed out before: a port taken early and listened on later (the fault battery's app, started
 * after its drafts are made) is not given meanwhile to another server of the same process.
 */
export async function freePort (): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer()
      server.listen(0, '127.0.0.1', () => {
        const p = (server.address() as net.AddressInfo).port
        server.close(() => resolve(p))
      })
      server.on('error', reject)
    })
    if (!handedOut.has(port)) {
      handedOut.add(port)
      return port
    }
  }
}
