// What the console's plain scripts share through `window` (type-checked by tsconfig.browser.json).
interface GuichetSigninApi {
  csrf: string | null;
  addHeaders(headers: Record<string, string>): Record<string, string>;
  resume(): Promise<boolean>;
  signOut(everywhere: boolean): Promise<void>;
}

interface GuichetAdminApi {
  start(
    me: { agentId?: string | null; role: string; tenantId: string | null },
    api: (path: string, options?: { method?: string; body?: unknown }) => Promise<any>,
    withTenant: (path: string) => string,
  ): void;
}

/** GET /api/v1/vocabulary (backoffice/vocabulary.ts): labels by id. */
interface GuichetVocabulary {
  statuses: Record<string, string>;
  requestTypes: Record<string, string>;
  categories: Record<string, string>;
  communes: Record<string, string>;
  authorities: Record<string, string>;
  channels: Record<string, string>;
  roles: Record<string, string>;
  eventKinds: Record<string, string>;
  teams: Record<string, string>;
  agents: Record<string, string>;
  interventionStatuses: Record<string, string>;
  priorities: Record<string, string>;
  timeZone: string;
}

type GuichetApiError = Error & { status?: number };

/** common.js latestOnly(): a load's answer passed on only if no later load of the same kind was asked since. */
interface GuichetLatestOnly {
  /** Settles like `pending` if it is still the last given; otherwise never settles. */
  <T>(pending: Promise<T>): Promise<T>;
  /** Every load given until now is passed over (a change that loads nothing itself). */
  ignorePending(): void;
}

/** common.js: what every console page shares. */
interface GuichetCommon {
  byId(id: string): HTMLElement;
  input(id: string): HTMLInputElement;
  select(id: string): HTMLSelectElement;
  textarea(id: string): HTMLTextAreaElement;
  button(id: string): HTMLButtonElement;
  el(
    tag: string,
    attrs?: Record<string, unknown>,
    children?: Array<Node | string | null | undefined | false>,
  ): HTMLElement;
  clear(node: Node): void;
  announce(text: string): void;
  when(iso: string | null | undefined, options?: { date?: boolean }): string;
  api(path: string, options?: { method?: string; body?: unknown }): Promise<any>;
  /** PUT of a file (a photo) with its own content type; same sign-in and errors as api(). */
  upload(path: string, file: Blob): Promise<any>;
  /** An API image (a photo) as an object URL, fetched with the page's credentials. */
  image(path: string): Promise<string>;
  /** "Écouter le message vocal": a button that fetches the audio at `path` (audited) and plays it. */
  voicePlayer(path: string, onSignedOut: () => void): HTMLElement;
  /** A fresh random id for an action sent later (idempotency). */
  clientId(): string;
  resume(): Promise<boolean>;
  /** Resumes the session (else rejects with a 401 saying `signInMessage`), then loads the vocabulary. */
  startPage(signInMessage: string): Promise<GuichetVocabulary>;
  /** A filter form listened to at once; `apply` runs once `started` has resolved (see common.js). */
  onFilters(formId: string, started: Promise<unknown>, apply: () => void): void;
  /** Shows an error in #page-error (`forbidden` for a 403 when given; a sign-in link after a 401). */
  pageError(e: unknown, forbidden?: string): void;
  withTenant(path: string): string;
  vocabulary(): Promise<GuichetVocabulary>;
  label(v: GuichetVocabulary | null, group: keyof GuichetVocabulary, id: string | null | undefined): string;
  /** A new "only the last load is drawn" for one kind of load (see common.js). */
  latestOnly(): GuichetLatestOnly;
}

/** requests-list.js: the requests list panel, started by console.js once signed in. */
interface GuichetRequestsApi {
  start(
    me: { role: string },
    api: (path: string, options?: { method?: string; body?: unknown }) => Promise<any>,
    withTenant: (path: string) => string,
    /** Called when the session has ended (HTTP 401): back to the sign-in page. */
    signedOut?: () => void,
  ): void;
}

/** indicators.js: the steering dashboard, shown by console.js when its tab opens. */
interface GuichetIndicatorsApi {
  show(me: { authorityId?: string | null }, withTenant: (path: string) => string): void;
}

interface Window {
  Guichet: GuichetCommon;
  GuichetIndicators: GuichetIndicatorsApi;
  /** Chart.js (its UMD build, /console/vendor/chart.js): only what indicators.js calls. */
  Chart?: new (canvas: HTMLElement, config: unknown) => { destroy(): void };
  GuichetRequests: GuichetRequestsApi;
  GuichetSignin: GuichetSigninApi;
  GuichetAdmin: GuichetAdminApi;
}
