/**
 * The chart worker thread: sets Vega up once (fonts, text measuring, the Vega-Lite schema), says
 * `ready`, then renders one request at a time. The host terminates it when a render runs too long.
 */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../../../errors.ts';
import { createRenderChart, type RenderRequest } from './render-chart.ts';

const port = parentPort;
if (!port) throw new Error('chart-worker.ts runs as a worker thread (see chart-renderer.ts)');

const render = createRenderChart();
port.on('message', async (message: { id: number; request: RenderRequest }) => {
  try {
    const output = await render(message.request);
    // resvg's buffer lives outside the JS heap; a copy of it can be handed over without another copy.
    const png = new Uint8Array(output.png);
    port.postMessage({ id: message.id, ok: true, output: { ...output, png } }, [png.buffer]);
  } catch (error) {
    port.postMessage({ id: message.id, ok: false, error: describeError(error) });
  }
});
port.postMessage({ ready: true });
