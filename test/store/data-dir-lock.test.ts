/**
 * The DATA_DIR lock between real processes: a second one refuses with the first one's pid, command
 * and start time; a holder that dies (even by SIGKILL) leaves nothing stale; release lets go.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, readHolder } from '../../src/store/data-dir-lock.ts';

const holderScript = path.join(import.meta.dirname, 'fixtures/hold-data-dir.ts');
let dataDir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'toolsmith-lock-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

/** A process holding (or refused) the lock, and the first line it said. */
async function holder(): Promise<{ child: ChildProcess; said: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [holderScript, dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const said = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`holder exited ${code} before saying anything`)));
  });
  return { child, said, exited };
}

describe('acquireDataDirLock', () => {
  it('refuses a second process, naming the first: pid, command and since when', async () => {
    const first = await holder();
    expect(first.said).toBe('locked');
    const second = await holder();
    expect(second.said).toMatch(
      new RegExp(
        `^refused: DATA_DIR ${dataDir} is in use by process ${first.child.pid} \\(hold-data-dir \\(test\\)\\), running since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\. Stop that Toolsmith first, or give this one its own DATA_DIR$`,
      ),
    );
    expect(await second.exited).toBe(2);
    // This process is refused too, with the same facts.
    expect(() => acquireDataDirLock(dataDir)).toThrow(`is in use by process ${first.child.pid}`);
    // The first one is untouched by the attempts, and lets go when it ends.
    first.child.stdin?.end();
    expect(await first.exited).toBe(0);
    expect(readHolder(dataDir)).toBeUndefined();
    const lock = acquireDataDirLock(dataDir, { command: 'after' });
    expect(readHolder(dataDir)).toMatchObject({ pid: process.pid, command: 'after' });
    lock.release();
  });

  it('takes over from a holder killed with SIGKILL (the lock dies with it; the record is replaced)', async () => {
    const first = await holder();
    expect(first.said).toBe('locked');
    const deadPid = first.child.pid;
    expect(readHolder(dataDir)?.pid).toBe(deadPid);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(readHolder(dataDir)?.pid).toBe(deadPid); // stale record left behind
    const second = await holder();
    expect(second.said).toBe('locked');
    expect(readHolder(dataDir)?.pid).toBe(second.child.pid);
  });

  it('takes over a stale record of a dead pid left by an older Toolsmith', async () => {
    await writeFile(
      path.join(dataDir, 'toolsmith.lock.json'),
      JSON.stringify({ pid: 999_999_999, command: 'old', since: '2020-01-01T00:00:00.000Z' }),
    );
    const lock = acquireDataDirLock(dataDir, { command: 'new', now: () => new Date('2026-01-02T03:04:05Z') });
    const record = JSON.parse(await readFile(path.join(dataDir, 'toolsmith.lock.json'), 'utf8'));
    expect(record).toMatchObject({ pid: process.pid, command: 'new', since: '2026-01-02T03:04:05.000Z' });
    lock.release();
    lock.release(); // idempotent
  });

  it('refuses a second lock in the same process too, and a garbled record still gives a clear refusal', async () => {
    const lock = acquireDataDirLock(dataDir);
    await writeFile(path.join(dataDir, 'toolsmith.lock.json'), '{ not json');
    expect(() => acquireDataDirLock(dataDir)).toThrow(
      `DATA_DIR ${dataDir} is in use by another process (it has not said which yet)`,
    );
    lock.release();
    acquireDataDirLock(dataDir).release();
  });
});
