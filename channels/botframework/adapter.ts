// botbuilder's CloudAdapter with the app credentials from the environment. Token validation (issuer,
// audience = app id, signing keys from the OpenID metadata, channel endorsements) is botbuilder's.
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';

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
): CloudAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: credentials.appId ?? '',
    MicrosoftAppPassword: credentials.appPassword ?? '',
    MicrosoftAppTenantId: credentials.appTenantId ?? '',
    MicrosoftAppType: credentials.appType,
    ...overrides,
  };
  try {
    return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options));
  } catch (error) {
    // botbuilder asserts on inconsistent settings (SingleTenant without a tenant id, …): say which.
    throw new Error(`Bot Framework configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
}
