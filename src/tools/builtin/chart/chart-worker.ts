/**
 * The chart worker process: sets Vega up once (fonts, text measuring, the Vega-Lite schema), says
 * `ready`, then renders one request at a time. The host kills it when a render runs too long; its heap
 * limit (--max-old-space-size) ends only this process, never the bot.
 */
import { describeError } from '../../../errors.ts';
import { createRenderChart, type RenderRequest } from './render-chart.ts';

const send = process.send?.bind(process);
if (!send)
  throw new Error('chart-worker.ts runs as a child process with an IPC channel (see chart-renderer.ts)');

const render = createRenderChart();
process.on('message', async (message: { id: number; request: RenderRequest }) => {
  try {
    const output = await render(message.request);
    send({ id: message.id, ok: true, output: { ...output, png: new Uint8Array(output.png) } });
  } catch (error) {
    send({ id: message.id, ok: false, error: describeError(error) });
  }
});
// The host going away (closed, or killed) ends this process too.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
