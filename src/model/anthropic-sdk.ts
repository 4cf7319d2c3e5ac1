/**
 * The Anthropic SDK's runtime values, loaded through `require`. The SDK loads ~300 files at every
 * start (all its resources, OpenTelemetry's API), and its CommonJS build does that ~60 ms of CPU
 * faster than its ES module build. Every runtime use in src/ comes from here, so there is one copy of
 * the SDK's classes in a process (`instanceof APIError` holds); types come from the package itself.
 */
import { createRequire } from 'node:module';

const sdk = createRequire(import.meta.url)('@anthropic-ai/sdk') as typeof import('@anthropic-ai/sdk');

/** The client class (the package's default export). */
export const Anthropic = sdk.Anthropic;
/** The client's instance type. */
export type Anthropic = import('@anthropic-ai/sdk').Anthropic;
/** The errors the retry policy tells apart. */
export const { APIConnectionError, APIError } = sdk;
