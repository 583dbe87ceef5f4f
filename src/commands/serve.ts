// mem serve: starts the HTTP front end (src/serve/) over the home store's world, prints where it
// listens (the first line of stdout, so scripts and tests can read the port), and runs until
// SIGINT/SIGTERM, closing every store on the way out.
import type { Cli } from '../cli/act.js';
import type { ServeOpts } from '../cli/register/server.js';
import { openMem } from '../core/mem.js';
import { UsageError } from '../errors.js';
import { intOption } from '../util/io.js';

declare const MEM_VERSION: string;

export async function run({ mem, term }: Cli, opts: ServeOpts): Promise<void> {
  const config = mem.world.config;
  const host = opts.host ?? config.get<string>('serve.host');
  const port = opts.port === undefined ? config.get<number>('serve.port') : intOption(opts.port, '--port', 0, 65_535);
  const rateLimit = opts.rateLimit === undefined ? config.get<number>('serve.rate_limit') : intOption(opts.rateLimit, '--rate-limit', 0, 1_000_000);
  const auth = opts.auth !== false;
  // The HTTP framework loads here and only here: no other command pays for it.
  const { isLoopback, startServer } = await import('../serve/server.js');
  if (!auth && !isLoopback(host)) throw new UsageError(`--no-auth serves your store to anyone who can reach ${host}: it is allowed only on a loopback address (127.0.0.1, ::1, localhost)`);
  // A server has no working directory of interest to its clients: memories go to scope `default`
  // unless a request names one (or MEM_SCOPE says otherwise).
  const env = { ...mem.world.env, MEM_SCOPE: mem.world.env.MEM_SCOPE || 'default' };
  const home = openMem({ db: mem.world.paths.home ? undefined : mem.world.paths.store, env, cwd: mem.world.cwd, batchReads: true });
  const server = await startServer({
    home,
    env,
    host,
    port,
    auth,
    rateLimit,
    embedIntervalMs: config.get<number>('serve.embed_interval_s') * 1000,
    retryFailedIntervalMs: config.get<number>('serve.retry_failed_interval_s') * 1000,
    version: typeof MEM_VERSION === 'string' ? MEM_VERSION : 'dev',
  });
  const users = auth ? home.users.list().length : 0;
  if (term.json) term.out(JSON.stringify({ url: server.url, port: server.port, auth, users, rate_limit: rateLimit, store: auth ? null : home.world.paths.store }));
  else {
    term.out(`mem serve: listening on ${server.url}`);
    term.err(
      auth
        ? `  ${users} user${users === 1 ? '' : 's'} (mem users add NAME); every request needs Authorization: Bearer <token>; docs at ${server.url}/docs`
        : `  no auth: serving ${home.world.paths.store} to this machine only; docs at ${server.url}/docs`,
    );
  }
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().finally(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
