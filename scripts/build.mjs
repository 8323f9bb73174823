// Bundles the three process entries (server, worker, CLI) into dist/ with esbuild.
// Dependencies stay in node_modules (packages: 'external'); only our TypeScript/TSX is compiled.
import { build } from 'esbuild'
import { NODE_BUNDLE } from './bundle-options.mjs'

const started = Date.now()
await build({
  ...NODE_BUNDLE,
  entryPoints: ['src/server.ts', 'src/worker.ts', 'src/cli.ts'],
  outdir: 'dist'
})
// The progressive-enhancement scripts for the browser (served at /assets/js/).
await build({
  entryPoints: ['src/client/suggest.ts'],
  outdir: 'dist/client',
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2020',
  minify: true,
  logLevel: 'warning'
})
console.log(`built dist/ in ${Date.now() - started} ms`)
