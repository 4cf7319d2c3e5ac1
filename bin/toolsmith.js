#!/usr/bin/env -S node --no-node-snapshot
// The `toolsmith` command. Node 24 runs the TypeScript sources directly (type stripping).
import '../src/cli/main.ts';
