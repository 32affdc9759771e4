// The back-office ports gathered in one object by delegation, for the callers that still take the whole
// BackofficeStore (the API handlers): the implementations themselves are split by domain.
import type { BackofficeStore, BackofficeStores } from './ports';

export function backofficeFacade(stores: BackofficeStores): BackofficeStore {
  const { tenants, tokens, requests, conversations, contacts, webhooks, indicators, audit, callbacks } =
    stores;
  return {
    listTenants: (scope) => tenants.listTenants(scope),
    tenantExists: (tenantId) => tenants.tenantExists(tenantId),

    findTokenByHash: (hash) => tokens.findTokenByHash(hash),
    createToken: (token) => tokens.createToken(token),
    listTokens: (scope) => tokens.listTokens(scope),
    revokeToken: (scope, id) => tokens.revokeToken(scope, id),
    touchToken: (id) => tokens.touchToken(id),

    listRequests: (scope, filter) => requests.listRequests(scope, filter),
    getRequest: (scope, id) => requests.getRequest(scope, id),
    getRequestByReference: (scope, reference) => requests.getRequestByReference(scope, reference),
    changeRequestStatus: (scope, id, plan) => requests.changeRequestStatus(scope, id, plan),
    assignRequest: (scope, id, assignment, actor) => requests.assignRequest(scope, id, assignment, actor),
    assignRequests: (scope, ids, assignment, actor) => requests.assignRequests(scope, ids, assignment, actor),
    setPublicDescription: (scope, id, text, actor) => requests.setPublicDescription(scope, id, text, actor),
    changeRequestStatuses: (scope, ids, plan) => requests.changeRequestStatuses(scope, ids, plan),
    createRequest: (request, outbox) => requests.createRequest(request, outbox),
    listOpenRequests: (tenantId, filter) => requests.listOpenRequests(tenantId, filter),

    listConversations: (scope, filter) => conversations.listConversations(scope, filter),
    getConversation: (scope, id) => conversations.getConversation(scope, id),
    updateConversation: (scope, id, plan) => conversations.updateConversation(scope, id, plan),

    getContact: (scope, id) => contacts.getContact(scope, id),
    exportContact: (scope, id) => contacts.exportContact(scope, id),
    eraseContact: (scope, id, actor, anonymise) => contacts.eraseContact(scope, id, actor, anonymise),

    createWebhook: (webhook) => webhooks.createWebhook(webhook),
    listWebhooks: (scope) => webhooks.listWebhooks(scope),
    deleteWebhook: (scope, id) => webhooks.deleteWebhook(scope, id),
    listDeliveries: (scope, filter) => webhooks.listDeliveries(scope, filter),

    indicators: (query) => indicators.indicators(query),

    audit: (entry) => audit.audit(entry),

    recordCallback: (callback) => callbacks.recordCallback(callback),
    listCallbacks: (scope, filter) => callbacks.listCallbacks(scope, filter),
    markCallback: (scope, id, outcome) => callbacks.markCallback(scope, id, outcome),
    eraseContactCallbacks: (scope, contactId) => callbacks.eraseContactCallbacks(scope, contactId),
  };
}
