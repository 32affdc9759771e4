// botbuilder's CloudAdapter with the app credentials from the environment. Token validation (issuer,
// audience = app id, signing keys from the OpenID metadata, channel endorsements) is botbuilder's.
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';

/**
 * CloudAdapter whose token check + turn can be run without its HTTP wrapper (`process`), which prints each
 * rejected token's stack trace to stderr: our router logs the refusal itself, on one line.
 */
export class GuichetCloudAdapter extends CloudAdapter {
  processAuthenticated(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

export interface BotFrameworkCredentials {
  appId?: string;
  appPassword?: string;
  appTenantId?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
}

/**
 * `overrides`: extra botbuilder settings (ToBotFromChannelOpenIdMetadataUrl, ToBotFromChannelTokenIssuer, …)
 * for a sovereign cloud, or for tests pointing the key discovery at a local server.
 */
export function createCloudAdapter(
  credentials: BotFrameworkCredentials,
  overrides: Record<string, string> = {},
): GuichetCloudAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: credentials.appId ?? '',
    MicrosoftAppPassword: credentials.appPassword ?? '',
    MicrosoftAppTenantId: credentials.appTenantId ?? '',
    MicrosoftAppType: credentials.appType,
    ...overrides,
  };
  try {
    return new GuichetCloudAdapter(new ConfigurationBotFrameworkAuthentication(options));
  } catch (error) {
    // botbuilder asserts on inconsistent settings (SingleTenant without a tenant id, …): say which.
    throw new Error(`Bot Framework configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
}
