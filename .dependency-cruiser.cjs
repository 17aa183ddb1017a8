/**
 * Ownership, enforced: each rule here is a promise the architecture makes, checked by `npm test`
 * (`npm run lint:boundaries`). Paths are resolved through the workspace symlinks, so `@shop/x` imports
 * are judged by where they land.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-other-service-internals',
      comment:
        'A service reaches another only through its published contracts package (events, HTTP DTOs, typed client).',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: ['^services/$1/', '^services/[^/]+/contracts/'] },
    },
    {
      name: 'contracts-hold-no-logic',
      comment:
        'A contracts package depends at runtime on the schema library only; @seams types may be imported as types.',
      severity: 'error',
      from: { path: '^services/[^/]+/contracts/' },
      to: { dependencyTypesNot: ['type-only', 'local'], pathNot: ['node_modules/typebox/'] },
    },
    {
      name: 'contracts-import-no-service',
      comment: 'A contracts package never reaches into any service.',
      severity: 'error',
      from: { path: '^services/[^/]+/contracts/' },
      to: { path: '^services/[^/]+/src/' },
    },
    {
      name: 'toolkit-knows-no-shop',
      comment:
        'packages/ is the toolkit: library code with no shop vocabulary and no dependency on services or apps. ' +
        'Its integration specs may start the reference shop, to fail a real process (none of them is exported).',
      severity: 'error',
      from: { path: '^packages/', pathNot: '^packages/[^/]+/src/.+\\.int\\.spec\\.ts$' },
      to: { path: '^(services|apps)/' },
    },
    {
      name: 'no-toolkit-internals',
      comment:
        "Services and apps use a toolkit package's public API (`@seams/x`, src/index.ts). Its plumbing " +
        '(`@seams/x/internal`, src/internal.ts) is for the toolkit itself and its tests.',
      severity: 'error',
      from: { path: '^(services|apps)/' },
      to: { path: '^packages/[^/]+/src/internal\\.ts$' },
    },
    {
      name: 'core-depends-on-no-toolkit-package',
      comment: 'Toolkit dependencies flow one way: everything builds on core.',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^packages/', pathNot: '^packages/core/' },
    },
    {
      name: 'gateway-owns-no-data',
      comment:
        'The gateway has no database and no events machinery: it routes, authenticates, composes and caches. ' +
        'It only follows events (to drop cached entries) through the transport eventing offers on its own.',
      severity: 'error',
      from: { path: '^services/gateway/' },
      to: {
        path: ['node_modules/postgres/', '^packages/(outbox|inbox|saga|projector|eventing)/'],
        pathNot: '^packages/eventing/src/transport\\.ts$',
      },
    },
    {
      name: 'services-start-no-shop',
      comment: 'Only tests may use the launcher (to start real processes); service code never does.',
      severity: 'error',
      from: { path: '^services/', pathNot: ['\\.spec\\.ts$', '/src/testing/'] },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|\\.seams/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.json'],
    },
    skipAnalysisNotInRules: true,
  },
}
