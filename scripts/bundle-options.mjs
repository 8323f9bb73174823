// How our TypeScript is bundled for Node, by the build (the server, worker and CLI) and by the test
// runner (the test files): ESM for Node 20, dependencies left in node_modules, Preact's JSX, source maps.
/** @type {import('esbuild').BuildOptions} */
export const NODE_BUNDLE = {
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: true,
  logLevel: 'warning'
}
