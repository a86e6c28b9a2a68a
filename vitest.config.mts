import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites start real servers (Samba, TDS, Chromium) and child processes: two at a time
    // fits a 2-core machine.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
