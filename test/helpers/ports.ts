import net from 'node:net';

/**
 * A loopback port with nothing listening (bound to port 0, then closed): for a server to start on,
 * or for a client to be refused by.
 */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
