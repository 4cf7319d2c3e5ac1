// @ts-check
/**
 * The entry of every `toolsmith` process (`npm start`, `npm run chat`, bin/toolsmith.js). Plain
 * JavaScript on purpose: Node's compile cache is switched on here, before the first TypeScript file
 * loads, so that every module of a start after the first, main.ts included, comes from the cache. An
 * entry written in TypeScript is type-stripped at every start, which loads Node's TypeScript parser
 * (~50 ms of CPU) for that one file. The cache lives in the OS temp folder (`NODE_COMPILE_CACHE=dir`
 * moves it, `NODE_DISABLE_COMPILE_CACHE=1` turns it off), and a file whose source changed is not used.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
