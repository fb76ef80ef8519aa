/**
 * Serves the console (docs/console.md): the files Vite built into `dist/console/`, under `/console/`. Hashed
 * assets are cached for good, `index.html` is revalidated every time (so a new build is seen at once), and every
 * answer carries a Content-Security-Policy that allows nothing but this origin: no inline script or style, no
 * other host, no framing. A path with no file, the console off or not built answer Graph's 404.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorAnswer } from '../format/errors.js';
import { newIds } from './client-errors.js';

export const CONSOLE_PREFIX = '/console';

/** Self only. `data:` images: Chart.js draws on canvas, never loads images, but a browser may ask for a favicon. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  // The admin key arrives in the fragment, which no Referer carries; no-referrer keeps paths private too.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Vite names built assets `name-<hash>.ext` under `assets/`: their content never changes under one name. */
const HASHED = /(^|\/)assets\/[^/]+-[\w-]{8,}\.\w+$/;

function notFound(req: FastifyRequest, reply: FastifyReply, message: string): FastifyReply {
  const a = errorAnswer('ResourceNotFound', message, newIds(req.headers));
  return reply.code(a.status).headers(a.headers).send(a.body);
}

export interface ConsoleOptions {
  /** The built console (`dist/console`); undefined when `--console off`. */
  readonly dir: string | undefined;
}

/** Adds the console's routes to a shell; the static files load with the shell's other plugins, on `listen`. */
export function registerConsole(app: FastifyInstance, opts: ConsoleOptions): void {
  const dir = opts.dir;
  if (dir === undefined || !existsSync(join(dir, 'index.html'))) {
    const message =
      dir === undefined
        ? 'The console is off on this server (--console off).'
        : `The console is not built: run 'npm run build' (looked for ${join(dir, 'index.html')}).`;
    const answer = (req: FastifyRequest, reply: FastifyReply) => notFound(req, reply, message);
    app.get(CONSOLE_PREFIX, answer);
    app.get(`${CONSOLE_PREFIX}/*`, answer);
    return;
  }
  // `/console` is the directory without its slash: relative asset URLs need the slash.
  app.get(CONSOLE_PREFIX, async (_req, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 301));
  void app.register(
    async (scope) => {
      scope.addHook('onSend', async (_req, reply, payload) => {
        reply.headers(SECURITY_HEADERS);
        return payload;
      });
      scope.setNotFoundHandler((req, reply) =>
        notFound(req, reply, `The console has no file at '${req.url.split('?')[0]}'.`),
      );
      await scope.register(fastifyStatic, {
        root: dir,
        prefix: '/',
        index: 'index.html',
        wildcard: true,
        decorateReply: false,
        cacheControl: false,
        dotfiles: 'ignore',
        setHeaders(reply, path) {
          reply.header(
            'Cache-Control',
            HASHED.test(path.replaceAll('\\', '/')) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    },
    { prefix: CONSOLE_PREFIX },
  );
}
