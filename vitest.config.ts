import { defineConfig } from 'vitest/config';

// isolated-vm needs --no-node-snapshot, and a real child process per test file keeps isolates apart.
export default defineConfig({
  test: {
    pool: 'forks',
    execArgv: ['--no-node-snapshot', '--disable-warning=ExperimentalWarning'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
  },
});
