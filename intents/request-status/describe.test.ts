// The status card in every status and both languages: what a citizen reads when following a request.
import path from 'node:path';
import { replyToPlainText } from '../../bot/messages';
import type { RequestRecord, SharedStore } from '../../bot/ports';
import { initialState } from '../../bot/state';
import { TurnContext } from '../../bot/turn-context';
import { TerritoryProvider, type Territory } from '../../knowledge/territory';
import { statusCard } from './describe';

let territory: Territory;

beforeAll(async () => {
  const provider = await TerritoryProvider.fromDirectories(
    path.resolve(__dirname, '../../knowledge/territories'),
  );
  territory = provider.current().get('val-de-loue')!;
});

function ctxIn(locale: 'fr' | 'en'): TurnContext {
  const state = { ...initialState(), locale };
  const now = new Date('2026-03-20T10:00:00Z');
  return new TurnContext(
    { tenantId: 'val-de-loue', channel: 'webchat', address: 'wc_unit', text: '' },
    {
      id: 'val-de-loue',
      name: 'Val de Loue',
      timeZone: 'Europe/Paris',
      noticeShort: '',
      contactPhone: '',
      contactHoursText: '',
    },
    {
      id: 'c1',
      tenantId: 'val-de-loue',
      channel: 'webchat',
      address: 'wc_unit',
      contactId: 'k1',
      owner: 'bot',
      status: 'open',
      agentId: null,
      createdAt: now,
      updatedAt: now,
    },
    state,
    now,
    {} as SharedStore,
  );
}

const request = (status: RequestRecord['status'], events: RequestRecord['events']): RequestRecord => ({
  id: 'r1',
  reference: 'DEM-2026-000042',
  tenantId: 'val-de-loue',
  type: 'report_incident',
  authorityId: 'commune-verniere',
  communeId: 'verniere',
  channel: 'sms',
  contactId: 'k1',
  conversationId: 'c1',
  payload: {
    category: 'eclairage',
    description: 'lampadaire',
    contact: { kind: 'phone', value: '+33611111111' },
  },
  status,
  createdAt: new Date('2026-03-10T08:15:00Z'),
  updatedAt: new Date('2026-03-12T13:00:00Z'),
  events,
});

const received = { status: 'received' as const, actor: 'bot', createdAt: new Date('2026-03-10T08:15:00Z') };

describe('statusCard', () => {
  it('tells an in-progress request with its dated history (territory time zone) and agent notes', () => {
    const card = statusCard(
      ctxIn('fr'),
      territory,
      request('in_progress', [
        received,
        {
          status: 'in_progress',
          note: 'intervention prévue jeudi',
          actor: 'agent:12',
          createdAt: new Date('2026-03-12T13:00:00Z'),
        },
      ]),
    );
    const text = replyToPlainText(card);
    expect(text).toContain('Demande DEM-2026-000042');
    expect(text).toContain(
      "Objet : Signalement d'un problème sur l'espace public — Éclairage public (Vernière)",
    );
    expect(text).toContain('Statut : en cours de traitement');
    expect(text).toContain(
      'Historique : 10/03/2026 09:15 : reçue ; 12/03/2026 14:00 : en cours de traitement (intervention prévue jeudi)',
    );
    expect(text).toContain('Prochaine étape : Mairie de Vernière s’en occupe');
    expect(text).not.toContain('+33611111111');
    expect(text).not.toContain('lampadaire');
  });

  it('says resolved and rejected in French and English, with who to call after a rejection', () => {
    expect(replyToPlainText(statusCard(ctxIn('fr'), territory, request('resolved', [received])))).toContain(
      'Statut : résolue',
    );
    expect(replyToPlainText(statusCard(ctxIn('en'), territory, request('resolved', [received])))).toContain(
      'Status : resolved',
    );
    const rejected = replyToPlainText(statusCard(ctxIn('fr'), territory, request('rejected', [received])));
    expect(rejected).toContain('Statut : rejetée');
    expect(rejected).toContain('contactez Mairie de Vernière au 01 99 00 12 12');
    const rejectedEn = replyToPlainText(statusCard(ctxIn('en'), territory, request('rejected', [received])));
    expect(rejectedEn).toContain('Status : rejected');
    expect(rejectedEn).toContain('Subject : Report a problem in a public space — Street lighting (Vernière)');
  });
});
