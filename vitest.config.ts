import { defineConfig } from 'vitest/config'

// Integration tests share one PostgreSQL and spawn real processes: run their files one at a time so
// that two suites never fight over the 2 cores and CPU-sensitive waits stay honest.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/**/src/**/*.unit.spec.ts',
            'services/**/*.unit.spec.ts',
            'apps/**/*.unit.spec.ts',
            'bench/**/*.unit.spec.ts',
            'scripts/**/*.unit.spec.ts',
          ],
        },
      },
      {
        test: {
          name: 'int',
          include: [
            'packages/**/src/**/*.int.spec.ts',
            'services/**/*.int.spec.ts',
            'apps/**/*.int.spec.ts',
            'checks/**/*.int.spec.ts',
            'e2e/**/*.e2e.spec.ts',
          ],
          globalSetup: ['packages/testing/src/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
