import { tmpdir } from 'node:os';
import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

// Node's compile cache in the test workers, as the CLI turns it on for itself (src/cli/start.js): the
// workers load vitest and the libraries once each, and the sandbox processes the app starts
// reuse it through their parent.
process.env.NODE_COMPILE_CACHE ??= path.join(tmpdir(), 'node-compile-cache');

// isolated-vm needs --no-node-snapshot in every worker (the forks pool passes execArgv).
//
// Test files share their worker (isolate: false): a fresh process per file, re-importing vitest and
// the app's ~1,000 modules, cost about 1.5 s of CPU per file, half of the whole suite. Sharing is safe
// because nothing in src/ keeps state between uses except caches (the sandbox runtime, library
// bundles), and test files restore what they change (timers, cwd, environment); the isolates a file
// loses beyond recovery are counted per process, so files compare that count before and after. The
// file whose subject is that count stays in a process of its own: after 3 losses a process refuses
// new sandboxes.
const ISOLATED = ['test/sandbox/lost-isolates.test.ts'];

export default defineConfig({
  test: {
    // Test files and src/ load through Node's own loader, as the app runs (type stripping; the code is
    // written for it: erasable syntax only), not through Vite's transforms: ~13 s of CPU less per run,
    // and Node's compile cache applies. No test mocks modules, which this would not support.
    experimental: { viteModuleRunner: false },
    pool: 'forks',
    execArgv: ['--no-node-snapshot', '--disable-warning=ExperimentalWarning'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two test files at once. A third on this machine's 2 cores kept the CPU busy through the short
    // files at the end (median 85 s against 89 s), but 2 clean-clone runs of 7 with it failed a Discord
    // upload test that runs with two have not failed; until that is understood, two.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...ISOLATED],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
    ],
  },
});
