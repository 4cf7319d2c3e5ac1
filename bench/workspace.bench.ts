/**
 * Big files through the workspace tools (hub -> in-process MCP -> workspace server), each figure
 * timed round robin with its baseline in plain Node in rounds (bench/measure.ts), so load on the
 * machine falls on both; ratios are the median of the per-round ratios, with their range:
 *   - a 200 MB CSV read whole in 2 MiB text ranges, against fs.readFile of the same file;
 *   - the same CSV read in 100k-line parts with readLines, against node:readline over a stream;
 *   - the first 100 lines of the 200 MB file, against the first 100 lines of a 10 KB file (a read
 *     that stops early costs the same whatever the size);
 *   - a 1 MiB append under the workspace quota, against fs.appendFile;
 *   - an image made fit for the model (a 12 MP photo downscaled), against a small one sent as it is.
 */
import { createReadStream } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import sharp from 'sharp';
import { prepareImage } from '../src/agent/prepare-image.ts';
import { createToolHub } from '../src/tools/create-tool-hub.ts';
import { against, type BenchRow, roundRobin, rowOf } from './measure.ts';

const MiB = 1024 * 1024;

/** A baseline and its contender timed round robin in `rounds` rounds of `perRound` calls each. */
async function interleaved(
  rounds: number,
  perRound: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[number[][], number[][]]> {
  const [base = [], other = []] = await roundRobin([a, b], { rounds, perRound, warmup: 1 });
  return [base, other];
}

function pair(
  names: [string, string],
  [base, other]: [number[][], number[][]],
  unit = 'the baseline',
): BenchRow[] {
  return [
    rowOf(names[0], base),
    against(names[1], base, other, unit === 'the baseline' ? undefined : `baseline: ${unit}`),
  ];
}

/** A CSV of about `bytes`: id, region, amount. */
function csv(bytes: number): string {
  const regions = ['North', 'South', 'East', 'West', 'Zürich', 'Île-de-France'];
  const lines = ['id,region,amount'];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `${i},${regions[i % regions.length]},${((i * 7919) % 100_000) / 100}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

export default async function (): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-workspace-bench-'));
  const hub = await createToolHub({ workspace: { maxFileBytes: 10 * MiB, maxWorkspaceBytes: 2048 * MiB } });
  const ws = (tool: string, input: Record<string, unknown>) =>
    hub.call('workspace', tool, input, { workspaceDir: dir }) as Promise<Record<string, unknown>>;
  const big = path.join(dir, 'big.csv');
  await writeFile(big, csv(200 * MiB));
  await writeFile(path.join(dir, 'small.csv'), csv(10 * 1024));
  const rows: BenchRow[] = [];
  try {
    const readAllRanges = async () => {
      let chars = 0;
      for (let offset: number | null = 0; offset !== null; ) {
        const read: Record<string, unknown> = await ws('readText', { path: 'big.csv', offset });
        chars += (read.text as string).length;
        offset = read.nextOffset as number | null;
      }
      return chars;
    };
    rows.push(
      ...pair(
        [
          '200 MB CSV: fs.readFile + utf8 decode, whole',
          'tools.workspace.readText: the same, in 2 MiB ranges',
        ],
        await interleaved(3, 1, () => readFile(big, 'utf8'), readAllRanges),
      ),
    );

    const sumWithReadline = async () => {
      let sum = 0;
      let first = true;
      for await (const line of createInterface({ input: createReadStream(big), crlfDelay: Infinity })) {
        if (first) first = false;
        else sum += Number(line.slice(line.lastIndexOf(',') + 1));
      }
      return sum;
    };
    const sumWithReadLines = async () => {
      let sum = 0;
      for (let from: number | null = 2; from !== null; ) {
        const read: Record<string, unknown> = await ws('readLines', {
          path: 'big.csv',
          from,
          count: 100_000,
        });
        for (const line of read.lines as string[]) sum += Number(line.slice(line.lastIndexOf(',') + 1));
        from = read.nextFrom as number | null;
      }
      return sum;
    };
    if ((await sumWithReadline()) !== (await sumWithReadLines())) throw new Error('the sums differ');
    rows.push(
      ...pair(
        [
          '200 MB CSV summed: node:readline over a stream',
          'tools.workspace.readLines: the same sum, 100k-line parts',
        ],
        await interleaved(3, 1, sumWithReadline, sumWithReadLines),
      ),
    );

    rows.push(
      ...pair(
        ['first 100 lines of a 10 KB CSV (readLines)', 'first 100 lines of the 200 MB CSV (readLines)'],
        await interleaved(
          8,
          25,
          () => ws('readLines', { path: 'small.csv', count: 100 }),
          () => ws('readLines', { path: 'big.csv', count: 100 }),
        ),
        'the small file',
      ),
    );

    const chunk = Buffer.alloc(MiB, 0x61);
    const base64 = chunk.toString('base64');
    rows.push(
      ...pair(
        ['1 MiB append: fs.appendFile', 'tools.workspace.write append 1 MiB (base64), under the quota'],
        await interleaved(
          5,
          10,
          () => appendFile(path.join(dir, 'plain.bin'), chunk),
          () => ws('write', { path: 'quota.bin', content: base64, encoding: 'base64', append: true }),
        ),
      ),
    );

    const photo = await sharp({
      create: {
        width: 4000,
        height: 3000,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 30 },
      },
    })
      .png()
      .toBuffer();
    const small = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#36c' } })
      .png()
      .toBuffer();
    rows.push(
      ...pair(
        [
          'image for the model: 800x600 PNG, sent as it is',
          `image for the model: 12 MP PNG (${(photo.length / MiB).toFixed(1)} MB) downscaled to 1238x928`,
        ],
        await interleaved(
          5,
          2,
          () => prepareImage(small),
          () => prepareImage(photo),
        ),
        'the small image',
      ),
    );
  } finally {
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
