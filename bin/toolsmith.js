#!/usr/bin/env node
// The `toolsmith` command. Runs the TypeScript sources on the project's pinned Node 24 (whatever
// `node` is on the PATH) and passes the exit code through. It starts with Node's start-up snapshot:
// isolates live in worker processes started with the flag isolated-vm needs (src/sandbox/isolate-flag.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/start.js', import.meta.url));
const pinned = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);
const node = major >= 24 || !existsSync(pinned) ? process.execPath : pinned;
const flags = ['--disable-warning=ExperimentalWarning'];
const result = spawnSync(node, [...flags, main, ...process.argv.slice(2)], { stdio: 'inherit' });
if (result.error) {
  process.stderr.write(`error: cannot start Node 24 (${result.error.message}); run npm ci first\n`);
  process.exit(2);
}
process.exit(result.status ?? 1);
