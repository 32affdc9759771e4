// The web chat channel assembled: JSON API, WebSocket pushes, widget files and demo page.
import type { Express, Router } from 'express';
import type { Engine } from '../../bot/engine';
import type { Logger } from '../../bot/logger';
import type { EventBus, SharedStore } from '../../bot/ports';
import type { MediaIntake } from '../../adapters/media';
import { createDemoSiteRouter, createWebchatAssetsRouter } from './assets';
import { createOriginPolicy } from './cors';
import { createWebchatRouter, type WebchatDeps } from './router';
import { WebchatSockets, type WebchatSocketOptions } from './socket';
import { originOf, type WebchatTenants } from './tenants';

export interface WebchatChannelDeps {
  engine: Engine;
  store: SharedStore;
  bus: EventBus;
  tenants: WebchatTenants;
  /** HMAC secret of the per-conversation tokens (shared by every instance). */
  secret: string;
  logger: Logger;
  /** Photo uploads from the widget (POST /channels/webchat/media). */
  media?: MediaIntake;
  /** The app's public URL: its origin may always call the API. */
  publicUrl?: string;
  greeting?: WebchatDeps['greeting'];
  geocoder?: WebchatDeps['geocoder'];
  map?: WebchatDeps['map'];
  /** Socket limits (tests lower them). */
  socket?: Pick<
    WebchatSocketOptions,
    'maxMessages' | 'windowMs' | 'maxUpgradesPerMinute' | 'maxSocketsPerConversation' | 'heartbeatMs'
  >;
}

export interface WebchatChannel {
  /** [mount path, router] pairs for the app. */
  routes: [string, Router][];
  sockets: WebchatSockets;
  /** Makes every server created by `app.listen` accept the widget's WebSocket. */
  attach(app: Express): void;
  close(): Promise<void>;
}

export function createWebchatChannel(deps: WebchatChannelDeps): WebchatChannel {
  const own = deps.publicUrl ? originOf(deps.publicUrl) : undefined;
  const origins = createOriginPolicy(deps.tenants, own ? [own] : []);
  const sockets = new WebchatSockets({
    ...deps.socket,
    bus: deps.bus,
    tenants: deps.tenants,
    origins,
    secret: deps.secret,
    logger: deps.logger,
  });
  return {
    routes: [
      ['/channels/webchat', createWebchatAssetsRouter()],
      [
        '/channels/webchat',
        createWebchatRouter({
          engine: deps.engine,
          store: deps.store,
          tenants: deps.tenants,
          origins,
          secret: deps.secret,
          media: deps.media,
          greeting: deps.greeting,
          geocoder: deps.geocoder,
          map: deps.map,
        }),
      ],
      ['/', createDemoSiteRouter()],
    ],
    sockets,
    attach: (app) => sockets.attachToApp(app),
    close: () => sockets.close(),
  };
}
