/** A small method + path-pattern router for the fake REST API (`/channels/:channelId/messages`). */
import type { RecordedFile } from './types.ts';

export interface RestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: RecordedFile[];
}

export interface RestResult {
  status: number;
  body?: unknown;
}

export type RestHandler = (context: RestContext) => RestResult | Promise<RestResult>;

export interface Route {
  method: string;
  pattern: string;
  /** Whether the route needs `Authorization: Bot <token>` (interaction and webhook routes do not). */
  auth: boolean;
  handler: RestHandler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export interface Router {
  match(method: string, path: string): RouteMatch | undefined;
}

/** Routes are tried in order, so literal routes (`/users/@me`) go before parameter ones (`/users/:userId`). */
export function createRouter(routes: Route[]): Router {
  const compiled = routes.map((route) => {
    const names: string[] = [];
    const source = route.pattern
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\@]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    return { route, names, regex: new RegExp(`^${source}/?$`) };
  });
  return {
    match(method, path) {
      for (const { route, names, regex } of compiled) {
        if (route.method !== method) continue;
        const found = regex.exec(path);
        if (!found) continue;
        const params: Record<string, string> = {};
        names.forEach((name, index) => {
          params[name] = found[index + 1] ?? '';
        });
        return { route, params };
      }
      return undefined;
    },
  };
}

/** A JSON 200 response. */
export const ok = (body: unknown): RestResult => ({ status: 200, body });
/** 204 No Content. */
export const noContent = (): RestResult => ({ status: 204 });
