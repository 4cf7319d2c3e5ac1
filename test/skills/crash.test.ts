import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSkillIndex } from '../../src/skills/index/open-skill-index.ts';
import { openSkillLibrary } from '../../src/skills/records/skill-library.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createDenseEmbedder } from './fixtures/dense-embedder.ts';

const CHILD = path.resolve(import.meta.dirname, 'fixtures/save-many.ts');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Is a save on disk right now? A temporary index file exists (a rebuild or compaction), index.json
 * shrank (an in-place write), or the journal grew since the last look (an append in progress).
 */
function writing(indexDir: string, last: { size: number; journal: number }): boolean {
  try {
    if (readdirSync(indexDir).some((file) => file.endsWith('.tmp'))) return true;
    const size = statSync(path.join(indexDir, 'index.json')).size;
    const shrank = size < last.size;
    last.size = size;
    let journal = 0;
    try {
      journal = statSync(path.join(indexDir, 'index.journal')).size;
    } catch {
      // no journal yet
    }
    const grew = journal !== last.journal;
    last.journal = journal;
    return shrank || grew;
  } catch {
    return false;
  }
}

/**
 * Run the child until it has acknowledged `acks` saves, then SIGKILL it in the middle of a save
 * (watching the index folder), or after 300 ms if none was seen. Resolves with what it acknowledged.
 */
function runAndKill(
  dataDir: string,
  acks: number,
): Promise<{ acked: Map<string, string>; midSave: boolean }> {
  const indexDir = path.join(dataDir, 'skills-index');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--no-warnings', CHILD, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<string, string>();
    let buffered = '';
    let stderr = '';
    let watching: NodeJS.Timeout | undefined;
    let midSave = false;
    const last = { size: 0, journal: 0 };
    const kill = (duringSave: boolean) => {
      if (child.exitCode !== null || child.killed) return;
      midSave = duringSave;
      child.kill('SIGKILL');
    };
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, id, name] = line.split(' ');
        if (word === 'ack' && id && name) acked.set(id, name);
      }
      if (acked.size >= acks && !watching) {
        const deadline = Date.now() + 300;
        watching = setInterval(() => {
          if (writing(indexDir, last)) kill(true);
          else if (Date.now() > deadline) kill(false);
        }, 1);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(watching);
      if (signal === 'SIGKILL') resolve({ acked, midSave });
      else reject(new Error(`the child exited by itself (code ${code}): ${stderr}`));
    });
  });
}

describe('a process killed during saves', () => {
  it('leaves an index that loads and holds every acknowledged skill', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'toolsmith-crash-'));
    dirs.push(dataDir);
    const indexDir = path.join(dataDir, 'skills-index');

    // Several rounds: each child is killed while a save is on disk, and what it leaves (index.json,
    // checked item by item by the codec, plus the journal) is opened before the next child starts.
    const acked = new Map<string, string>();
    let midSave = 0;
    for (let round = 0; round < 5; round++) {
      const run = await runAndKill(dataDir, 12);
      for (const [id, name] of run.acked) acked.set(id, name);
      if (run.midSave) midSave++;
      const opened = await openSkillIndex({ folder: indexDir, embedder: createDenseEmbedder().info });
      expect(opened.status).toBe('loaded');
      const ids = new Set((await opened.entries()).keys());
      expect([...acked.keys()].filter((id) => !ids.has(id))).toEqual([]);
    }
    expect(acked.size).toBeGreaterThanOrEqual(60);
    expect(midSave).toBeGreaterThanOrEqual(3);

    // And the library opens it without a rebuild, finding every acknowledged skill by name.
    const logs: string[] = [];
    const store = openStore({ dataDir });
    const library = await openSkillLibrary({
      store,
      embedder: createDenseEmbedder(),
      indexDir,
      log: (level, message) => logs.push(`${level}: ${message}`),
    });
    try {
      expect(logs.filter((line) => /corrupt|missing/.test(line))).toEqual([]);
      const names = new Set(library.list().map((skill) => skill.name));
      for (const name of acked.values()) expect(names.has(name)).toBe(true);
      expect(readdirSync(indexDir).filter((file) => file.endsWith('.tmp'))).toEqual([]);
    } finally {
      await library.close();
      store.close();
    }
  }, 90_000);
});
