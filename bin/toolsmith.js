#!/usr/bin/env -S node --no-node-snapshot --disable-warning=ExperimentalWarning --env-file-if-exists=.env
// The `toolsmith` command. Node 24 runs the TypeScript sources directly (type stripping).
import '../src/cli/main.ts';
