import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback between a process and a server (database, Redis, S3) that can cut every
 * connection or delay its traffic on command: the network faults of the chaos suite. Written for the
 * tests because it is 60 lines, while the proxies on npm (toxiproxy and the like) are a Go binary that
 * would have to be downloaded.
 */
export class FaultProxy {
  readonly #target: { host: string; port: number };
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  #delayMs = 0;
  /** Faults injected so far, by kind. */
  readonly injected = { cuts: 0, delays: 0 };

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
    this.#server = createServer((client) => this.#accept(client));
  }

  /** Listens on a free loopback port in front of `target`. */
  static async start(target: { host: string; port: number }): Promise<FaultProxy> {
    const proxy = new FaultProxy(target);
    await new Promise<void>((ready) => proxy.#server.listen(0, '127.0.0.1', ready));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  #accept(client: Socket): void {
    const upstream = connect(this.#target.port, this.#target.host);
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (this.#delayMs === 0) to.write(chunk);
        else {
          // Paused so order is kept: a delayed chunk must not be overtaken by the next one.
          from.pause();
          setTimeout(() => {
            to.write(chunk);
            from.resume();
          }, this.#delayMs);
        }
      });
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) socket.on('error', close).on('close', close);
  }

  /** Resets every open connection, as a network partition or a restarted server would. */
  cut(): void {
    this.injected.cuts += 1;
    for (const [client, upstream] of this.#pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
  }

  /** Delays every chunk by `ms` for `forMs`. */
  async delay(ms: number, forMs: number): Promise<void> {
    this.injected.delays += 1;
    this.#delayMs = ms;
    await new Promise((wake) => setTimeout(wake, forMs));
    this.#delayMs = 0;
  }

  async close(): Promise<void> {
    for (const [client, upstream] of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise((done) => this.#server.close(done));
  }
}
