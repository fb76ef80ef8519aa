/**
 * json-server 0.17 over the same db.json, held in memory (lowdb's Memory adapter: a PATCH does not rewrite
 * the file). The CLI (`json-server db.json`) rewrites the whole file after every write; this is its
 * fastest configuration, for a fair peer.
 *
 *   node bench/peers/json-server-memory.cjs DB.json PORT
 */
const { readFileSync } = require('node:fs');
const jsonServer = require('json-server');

const [file, port] = process.argv.slice(2);
const server = jsonServer.create();
server.use(jsonServer.defaults({ logger: false }));
server.use(jsonServer.router(JSON.parse(readFileSync(file, 'utf8'))));
const listener = server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`json-server (memory) listening on http://127.0.0.1:${listener.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
