/**
 * Where the widget remembers the visitor between page loads: localStorage by default, or a
 * first-party cookie (`data-storage="cookie"`) for sites that share a visitor across
 * subdomains or clear storage. Falls back to memory when the browser refuses both (private
 * modes, sandboxed frames), so the chat still works for the page's lifetime.
 */
export interface KeyValue {
  get(name: string): string | null;
  set(name: string, value: string): void;
  remove(name: string): void;
}

export type StorageKind = 'local' | 'cookie';

const YEAR_SECONDS = 365 * 24 * 60 * 60;

function memoryStore(): KeyValue {
  const values = new Map<string, string>();
  return {
    get: (name) => values.get(name) ?? null,
    set: (name, value) => values.set(name, value),
    remove: (name) => values.delete(name),
  };
}

function localStore(scope: string, fallback: KeyValue): KeyValue {
  const key = (name: string): string => `parley:${scope}:${name}`;
  return {
    get(name) {
      try {
        return localStorage.getItem(key(name)) ?? fallback.get(name);
      } catch {
        return fallback.get(name);
      }
    },
    set(name, value) {
      fallback.set(name, value);
      try {
        localStorage.setItem(key(name), value);
      } catch {
        // Quota or privacy mode: the memory copy keeps this page working.
      }
    },
    remove(name) {
      fallback.remove(name);
      try {
        localStorage.removeItem(key(name));
      } catch {
        // As above.
      }
    },
  };
}

/** `parley_<scope>_<name>` with every character a cookie name cannot hold made `_`. */
export function cookieName(scope: string, name: string): string {
  return `parley_${`${scope}:${name}`.replace(/[^a-zA-Z0-9]/g, '_')}`;
}

function cookieStore(scope: string, fallback: KeyValue): KeyValue {
  const write = (name: string, value: string, maxAge: number): void => {
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `${cookieName(scope, name)}=${encodeURIComponent(value)}; path=/; max-age=${maxAge}; SameSite=Lax${secure}`;
  };
  return {
    get(name) {
      const prefix = `${cookieName(scope, name)}=`;
      for (const part of document.cookie.split(/;\s*/)) {
        if (part.startsWith(prefix)) return decodeURIComponent(part.slice(prefix.length));
      }
      return fallback.get(name);
    },
    set(name, value) {
      fallback.set(name, value);
      write(name, value, YEAR_SECONDS);
    },
    remove(name) {
      fallback.remove(name);
      write(name, '', 0);
    },
  };
}

/** A store for one widget: `scope` is the bot key, or `preview:<key>` in preview mode. */
export function openStorage(kind: StorageKind, scope: string): KeyValue {
  const memory = memoryStore();
  return kind === 'cookie' ? cookieStore(scope, memory) : localStore(scope, memory);
}
