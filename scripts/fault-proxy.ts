/**
 * Opt-in fault injection for the reliability suite (`start-local --fault-proxies`): a TCP proxy between the app and a
 * stand-in that can be "unplugged" (open connections cut, new ones reset) and plugged back, plus a tiny admin server
 * to do so: POST /faults/<name>/down and /faults/<name>/up. The stand-in itself keeps running, as a real dependency
 * behind a failed network path would.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  port: number;
  setDown(down: boolean): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  let down = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) { client.resetAndDestroy(); return; }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setDown(value) {
      down = value;
      if (down) for (const socket of sockets) socket.resetAndDestroy();
    },
    stop: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** The admin server: POST /faults/{name}/{down|up}; answers 204, or 404 for an unknown proxy. */
export async function startFaultControl(proxies: Record<string, FaultProxy>): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const match = /^\/faults\/([a-z]+)\/(down|up)$/.exec(req.url ?? '');
    const proxy = match && req.method === 'POST' ? proxies[match[1]!] : undefined;
    if (!match || !proxy) { res.writeHead(404).end(); return; }
    proxy.setDown(match[2] === 'down');
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
