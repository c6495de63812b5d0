import type { MessageContent, WidgetConfig, WidgetMessage, WidgetSession } from '@parley/protocol';
import {
  isAnything,
  isConfig,
  isIdentified,
  isPoll,
  isSent,
  isSession,
  isStart,
  type WidgetContact,
  type WidgetPoll,
  type WidgetStart,
  type WidgetUpload,
} from './guards.js';
import { HttpClient } from './http.js';
import { uploadFile } from './upload.js';

/** Which widget the page embeds: a published bot, or the builder's preview of a draft. */
export type WidgetKey = { botKey: string } | { previewKey: string };

export type Variables = Record<string, string | number | boolean | null>;

export interface IdentifyInput {
  name?: string;
  email?: string;
  phone?: string;
  user_id?: string;
  identity_hash?: string;
  variables?: Variables;
}

/** The visitor API (`/widget/api/*`), one method per route. */
export class WidgetApi {
  readonly http: HttpClient;

  constructor(apiBase: string) {
    this.http = new HttpClient(`${apiBase}/widget/api`);
  }

  get token(): string | null {
    return this.http.token;
  }

  set token(token: string | null) {
    this.http.token = token;
  }

  config(key: WidgetKey): Promise<WidgetConfig> {
    const query =
      'botKey' in key
        ? `bot_key=${encodeURIComponent(key.botKey)}`
        : `preview_key=${encodeURIComponent(key.previewKey)}`;
    return this.http.get(`/config?${query}`, isConfig);
  }

  session(key: WidgetKey, visitorToken: string | null, pageUrl: string): Promise<WidgetSession> {
    const body = {
      ...('botKey' in key ? { bot_key: key.botKey } : { preview_key: key.previewKey }),
      ...(visitorToken === null ? {} : { visitor_token: visitorToken }),
      page_url: pageUrl,
    };
    return this.http.post('/sessions', body, isSession);
  }

  start(pageUrl: string): Promise<WidgetStart> {
    return this.http.post('/start', { page_url: pageUrl }, isStart);
  }

  restart(): Promise<WidgetSession> {
    return this.http.post('/restart', {}, isSession);
  }

  async send(clientId: string, content: MessageContent): Promise<WidgetMessage> {
    const answer = await this.http.post('/messages', { client_id: clientId, content }, isSent);
    return answer.message;
  }

  identify(input: IdentifyInput): Promise<{ contact: WidgetContact; visitor_token: string }> {
    return this.http.post('/identify', input, isIdentified);
  }

  async setVariables(variables: Variables): Promise<void> {
    await this.http.post('/variables', { variables }, isAnything);
  }

  async markRead(seq: number): Promise<void> {
    await this.http.post('/read', { seq }, isAnything);
  }

  /** Long-polls for what happened after `after`; the server holds it up to `wait` seconds. */
  poll(after: number, wait: number, signal: AbortSignal): Promise<WidgetPoll> {
    return this.http.get(`/messages?after=${after}&wait=${wait}`, isPoll, signal);
  }

  upload(file: File, onProgress: (fraction: number) => void): Promise<WidgetUpload> {
    return uploadFile(this.http.base, this.http.token, file, onProgress);
  }
}
