/**
 * The maintained libraries the sandbox runtime carries for web-platform globals: whatwg-url (the
 * WHATWG URL Standard's reference implementation: URL, URLSearchParams) and @noble/hashes (audited
 * SHA-1 and SHA-2 for crypto.subtle.digest). Bundled with esbuild into one function expression
 * that returns them, built once per install and cached beside the library bundles
 * (node_modules/.cache/toolsmith-runtime), then evaluated into the runtime snapshot.
 *
 * Two trims keep the snapshot small without changing results: the legacy multi-byte encodings
 * whatwg-url loads for HTML form encoding are left out (the URL API only ever uses UTF-8), and the
 * UTS #46 mapping table is parsed on first use, which an ASCII host never needs: for those, the
 * URL Standard's "domain to ASCII" is ASCII lowercasing (unless a label starts with `xn--`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.ts';
import { replaceFileSync } from '../store/replace-file.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'toolsmith-runtime');
const PACKAGES = ['whatwg-url', 'tr46', '@noble/hashes'] as const;

const ENTRY = `
import { URL, URLSearchParams } from 'whatwg-url';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
export { URL, URLSearchParams, sha1, sha256, sha384, sha512 };
`;

/** tr46 with the URL Standard's shortcut for ASCII domains (no table needed for them). */
const TR46_SHIM = `
const tr46 = require('tr46-original');
const hasNonAscii = /[^\\x00-\\x7f]/;
const punycodeLabel = /(^|\\.)xn--/i;
module.exports = {
  ...tr46,
  toASCII(domain, options) {
    if (!options?.useSTD3ASCIIRules && !hasNonAscii.test(domain) && !punycodeLabel.test(domain)) {
      return domain.toLowerCase();
    }
    return tr46.toASCII(domain, options);
  },
};
`;

const requireHere = createRequire(path.join(PROJECT_ROOT, 'package.json'));

/** The installed version of a package (its package.json may not be in its `exports`). */
function versionOf(name: string): string {
  try {
    const file = path.join(PROJECT_ROOT, 'node_modules', name, 'package.json');
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const version =
      typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : '';
    return typeof version === 'string' ? version : '0';
  } catch {
    return '0';
  }
}

/**
 * The source of a function expression returning `{ URL, URLSearchParams, sha1, sha256, sha384,
 * sha512 }`; it needs TextEncoder and TextDecoder (UTF-8) as globals when called.
 */
export function webVendorSource(): string {
  const key = PACKAGES.map((name) => `${name.replace('/', '+')}@${versionOf(name)}`).join('_');
  const file = path.join(CACHE_DIR, `web-vendor_${key}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // not built yet
  }
  const source = build();
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    replaceFileSync(file, source);
  } catch {
    // A read-only install: build again next time.
  }
  return source;
}

/** Bundle in a child process: esbuild's plugins (used for the trims) need its asynchronous API. */
function build(): string {
  try {
    const code = execFileSync(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', fileURLToPath(import.meta.url)],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (!code.includes('__toolsmith_web_vendor')) throw new Error('the bundler printed no bundle');
    return `(function () {\n${code}\nreturn __toolsmith_web_vendor;\n})`;
  } catch (error) {
    throw new ConfigError('whatwg-url', 'the sandbox runtime could not bundle its web libraries', {
      fix: 'Run `npm ci` to reinstall the dependencies (whatwg-url, @noble/hashes, esbuild)',
      cause: error,
    });
  }
}

async function bundle(): Promise<string> {
  const esbuild = await import('esbuild');
  const tr46Original = requireHere.resolve('tr46');
  const result = await esbuild.build({
    absWorkingDir: PROJECT_ROOT,
    stdin: { contents: ENTRY, resolveDir: PROJECT_ROOT },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__toolsmith_web_vendor',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    charset: 'ascii',
    logLevel: 'silent',
    plugins: [
      {
        name: 'toolsmith-web-vendor',
        setup(plugin) {
          plugin.onResolve({ filter: /^@exodus\/bytes\/encoding\.js$/ }, () => ({
            path: 'legacy-encodings',
            namespace: 'toolsmith-empty',
          }));
          plugin.onLoad({ filter: /.*/, namespace: 'toolsmith-empty' }, () => ({
            contents: '',
            loader: 'js',
          }));
          plugin.onResolve({ filter: /^tr46$/ }, () => ({ path: 'tr46', namespace: 'toolsmith-tr46' }));
          plugin.onLoad({ filter: /.*/, namespace: 'toolsmith-tr46' }, () => ({
            contents: TR46_SHIM,
            loader: 'js',
            resolveDir: PROJECT_ROOT,
          }));
          plugin.onResolve({ filter: /^tr46-original$/ }, () => ({ path: tr46Original }));
          plugin.onLoad({ filter: /tr46[\\/]lib[\\/]mappingTable\.json$/ }, async (args) => ({
            contents: lazyJson(await readFile(args.path, 'utf8')),
            loader: 'js',
          }));
        },
      },
    ],
  });
  return result.outputFiles[0]?.text ?? '';
}

/** A module whose export reads like the JSON array but parses it only on first access. */
function lazyJson(json: string): string {
  return `let table;
const load = () => (table ??= JSON.parse(${JSON.stringify(json)}));
module.exports = new Proxy([], {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
});`;
}

// Run as a script (by build() above): print the bundle.
if (import.meta.main) process.stdout.write(await bundle());
