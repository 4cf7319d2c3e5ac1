/**
 * A fetch that fails a streaming response whose body goes silent. The SDK's `timeout` only covers
 * the wait for response headers; a proxy or a half-dead connection can then hold the body open
 * forever. The API sends `ping` events while a long answer is being prepared, so silence longer
 * than `idleMs` means the stream is dead: the body errors with IdleTimeoutError and the client retries.
 */
import { IdleTimeoutError } from './retry.ts';

type Fetch = typeof globalThis.fetch;

/** Wrap `baseFetch` so that event-stream bodies error after `idleMs` without a byte. */
export function createIdleTimeoutFetch(idleMs: number, baseFetch: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    const response = await baseFetch(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.body || !type.includes('text/event-stream')) return response;
    const reader = response.body.getReader();
    let timer: NodeJS.Timeout | undefined;
    // Set once the wrapped stream is errored, closed or cancelled: a late read result is dropped.
    let ended = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        return new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            ended = true;
            const seconds = Math.round(idleMs / 100) / 10;
            controller.error(new IdleTimeoutError(`no data from the API for ${seconds} s`));
            reader.cancel().catch(() => {});
            resolve();
          }, idleMs);
          reader.read().then(
            ({ done, value }) => {
              clearTimeout(timer);
              if (ended) return resolve();
              if (done) {
                ended = true;
                controller.close();
              } else controller.enqueue(value);
              resolve();
            },
            (error: unknown) => {
              clearTimeout(timer);
              if (!ended) controller.error(error);
              ended = true;
              resolve();
            },
          );
        });
      },
      cancel(reason) {
        ended = true;
        clearTimeout(timer);
        return reader.cancel(reason);
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
