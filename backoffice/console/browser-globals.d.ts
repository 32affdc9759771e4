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

interface Window {
  GuichetSignin: GuichetSigninApi;
  GuichetAdmin: GuichetAdminApi;
}
