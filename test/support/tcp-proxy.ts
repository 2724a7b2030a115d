import net from 'node:net';

/**
 * A TCP proxy the test controls, between the backend and Redis, to simulate an outage without
 * touching the machine's shared Redis: `cut()` drops every connection and refuses new ones,
 * `restore()` accepts again on the same port; `stall()`/`resume()` freeze traffic instead.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  private stalled = false;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();

  constructor(private readonly target: { host: string; port: number }) {}

  /** Starts listening (on an ephemeral port the first time, the same port afterwards). */
  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      if (this.stalled) this.pause(client, upstream);
      this.pairs.add([client, upstream]);
      client.once('close', () =>
        this.pairs.forEach((pair) => pair[0] === client && this.pairs.delete(pair)),
      );
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** The outage: close the listener and destroy every proxied connection. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * A stalled network: connections stay open but no byte moves (both directions paused, so data
   * waits in buffers as it would during a partition); no error, no FIN, no RST.
   */
  stall(): void {
    this.stalled = true;
    for (const [client, upstream] of this.pairs) this.pause(client, upstream);
  }

  /** The stalled network heals: buffered bytes flow again. */
  resume(): void {
    this.stalled = false;
    for (const [client, upstream] of this.pairs) {
      client.resume();
      upstream.resume();
    }
  }

  private pause(client: net.Socket, upstream: net.Socket): void {
    client.pause();
    upstream.pause();
  }

  /** The recovery: listen again on the same port. */
  restore(): Promise<void> {
    return this.start();
  }

  close(): Promise<void> {
    return this.cut();
  }
}
