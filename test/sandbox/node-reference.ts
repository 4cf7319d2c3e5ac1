/**
 * The reference for fidelity.test.ts: runs snippets in plain Node (this process, Node 24) as async
 * function bodies with a real `console.Console` writing to buffers, and prints, as JSON, what each
 * logged (stream and text, one entry per console call) and its return value through util.inspect.
 * Reads a JSON array of snippets on stdin.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import util from 'node:util';

interface Outcome {
  ok: boolean;
  logs: { stream: 'out' | 'err'; text: string }[];
  value?: string;
  error?: string;
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const snippets: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
if (!Array.isArray(snippets)) throw new TypeError('expected a JSON array of snippets on stdin');

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (console: Console) => Promise<unknown>;

const outcomes: Outcome[] = [];
for (const code of snippets) {
  const logs: Outcome['logs'] = [];
  const sink = (stream: 'out' | 'err') =>
    new Writable({
      write(chunk, _encoding, callback) {
        logs.push({ stream, text: String(chunk).replace(/\n$/, '') });
        callback();
      },
    });
  const console = new Console({ stdout: sink('out'), stderr: sink('err'), colorMode: false });
  try {
    const value = await new AsyncFunction('console', String(code))(console);
    outcomes.push({ ok: true, logs, ...(value === undefined ? {} : { value: util.inspect(value) }) });
  } catch (error) {
    outcomes.push({ ok: false, logs, error: String(error) });
  }
}
process.stdout.write(JSON.stringify(outcomes));
