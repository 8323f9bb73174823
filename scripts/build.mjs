// Bundles the three process entries (server, worker, CLI) into dist/ with esbuild.
// Dependencies stay in node_modules (packages: 'external'); only our TypeScript/TSX is compiled.
import { build } from 'esbuild'

const started = Date.now()
await build({
  entryPoints: ['src/server.ts', 'src/worker.ts', 'src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: true,
  splitting: true,
  logLevel: 'warning'
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
