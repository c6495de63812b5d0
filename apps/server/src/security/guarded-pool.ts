import type dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';

/**
 * Keep-alive connections for one series of guarded requests on one tenant's behalf (one
 * crawl), closed together when it ends. Without it the guarded client opens a connection per
 * request (and on a real site a TLS handshake per page).
 *
 * A connection is reused only by a request to the same scheme, host and port whose host
 * resolved, this time too, to the same checked addresses: each such combination has its own
 * agent, whose sockets are only ever opened through the client's pinned lookup with those
 * addresses. A host that now resolves differently gets new connections, checked again; another
 * host never shares one, even at the same address. A pool belongs to whoever made it and is
 * never shared across accounts: the crawler makes one per crawl.
 */
export class GuardedConnectionPool {
  readonly #agents = new Map<string, http.Agent>();
  #closed = false;

  /**
   * The agent for a request to `url` over exactly `addresses` (already checked by the
   * client), or undefined once the pool is closed: a fresh connection, as without a pool.
   */
  agentFor(url: URL, addresses: readonly dns.LookupAddress[]): http.Agent | undefined {
    if (this.#closed) return undefined;
    const pinned = addresses.map((entry) => `${String(entry.family)}/${entry.address}`).join(' ');
    const key = `${url.protocol}//${url.host} ${pinned}`;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      const options: http.AgentOptions = { keepAlive: true, timeout: IDLE_TIMEOUT_MS };
      agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /** Closes every connection, idle or in use; later requests open their own. */
  close(): void {
    this.#closed = true;
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }
}

/**
 * An idle connection is closed after this long: below the 5 s keep-alive timeout common
 * servers use (Node's own, Apache's), so it is usually us who closes it, not the server
 * just as a request is sent on it. (A server that announces a shorter `Keep-Alive:
 * timeout` is honoured by Node's agent.)
 */
const IDLE_TIMEOUT_MS = 4_000;
