/**
 * Variables set by scripts/test.ts for the test processes. Test helpers read them here; the
 * application itself reads the environment only in src/config.ts.
 */
export const testEnv = {
  engine: (process.env['TEST_ENGINE'] ?? 'pglite') as 'pglite' | 'postgres',
  pgliteTemplate: process.env['TEST_PGLITE_TEMPLATE'],
  pgAdminUrl: process.env['TEST_PG_ADMIN_URL'],
  pgTemplateDb: process.env['TEST_PG_TEMPLATE_DB'] ?? 'mc_template',
  chromium: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  /** dist/ was built from the sources by the runner: processes start from it, as `npm start` does (no tsx). */
  built: process.env['TEST_BUILT'] === '1'
}
