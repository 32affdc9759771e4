// Contract of ContactStore: a citizen's record and RGPD rights — access (export) and erasure — within
// the caller's tenant; erasure removes what identifies the person and keeps the requests for follow-up.
import type { ContactStore, PayloadAnonymiser } from '../../backoffice/ports';
import { count, newTenant, seed, tenantScope, type Db } from './backoffice-fixture';

/** Keeps the category only; the location stays for incidents (a place), not for anything else. */
const anonymise: PayloadAnonymiser = ({ type, payload }) => ({
  payload: { category: payload.category ?? null, anonymised: true },
  keepLocation: type === 'report_incident',
});

export function contactStoreContract(db: Db, port: () => ContactStore): void {
  describe('ContactStore', () => {
    it('shows a contact with its identities, conversations and requests, including those it follows', async () => {
      const a = await newTenant(db);
      const other = await seed(db, a, { requests: [{ authorityId: 'voirie' }] });
      const citizen = await seed(db, a, {
        requests: [{ authorityId: 'voirie' }],
        follows: [other.requests[0]!.id],
      });
      const contact = await port().getContact(tenantScope(a), citizen.contactId);
      expect(contact).toMatchObject({
        id: citizen.contactId,
        tenantId: a,
        optedOut: false,
        erasedAt: null,
        identities: [{ channel: 'sms', address: citizen.address }],
        conversations: [{ id: citizen.conversationId }],
      });
      expect(contact?.requests.map((r) => r.reference).sort()).toEqual(
        [citizen.requests[0]!.reference, other.requests[0]!.reference].sort(),
      );
    });

    it('exports everything stored about the contact: transcripts and request histories', async () => {
      const a = await newTenant(db);
      const citizen = await seed(db, a, { requests: [{ authorityId: 'voirie' }] });
      const exported = await port().exportContact(tenantScope(a), citizen.contactId);
      expect(exported).toMatchObject({
        exportedAt: expect.any(String),
        contact: { id: citizen.contactId, identities: [{ address: citizen.address }] },
        conversations: [
          {
            id: citizen.conversationId,
            messages: [
              { direction: 'in', text: 'Bonjour, un lampadaire est en panne' },
              { direction: 'out', text: 'Merci, c’est noté.' },
            ],
          },
        ],
        requests: [{ reference: citizen.requests[0]!.reference, events: [{ status: 'received' }] }],
      });
    });

    it('shows, exports and erases nothing for another tenant', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const citizen = await seed(db, a);
      expect(await port().getContact(tenantScope(b), citizen.contactId)).toBeNull();
      expect(await port().exportContact(tenantScope(b), citizen.contactId)).toBeNull();
      expect(await port().eraseContact(tenantScope(b), citizen.contactId, 'admin:b', anonymise)).toBeNull();
      expect(await port().getContact(tenantScope(a), 'not-a-uuid')).toBeNull();
      expect(
        await count(db, 'SELECT count(*) AS n FROM messages WHERE conversation_id = $1', [
          citizen.conversationId,
        ]),
      ).toBe(2);
      expect((await port().getContact(tenantScope(a), citizen.contactId))?.erasedAt).toBeNull();
    });

    it('erases the person and keeps anonymised requests; reports what it did', async () => {
      const a = await newTenant(db);
      const neighbour = await seed(db, a, { requests: [{ authorityId: 'voirie' }] });
      const citizen = await seed(db, a, {
        follows: [neighbour.requests[0]!.id],
        requests: [
          {
            authorityId: 'voirie',
            payload: {
              category: 'voirie',
              description: 'Je suis au 3 rue des Lilas',
              phone: '0612345678',
            },
            location: { lat: 43.46, lon: 3.42 },
            addressText: 'Place du marché',
          },
          {
            authorityId: 'ecoles',
            type: 'school_registration',
            payload: { child: 'Léa Martin', address: '3 rue des Lilas' },
            location: { lat: 43.46, lon: 3.42 },
            addressText: '3 rue des Lilas',
          },
        ],
      });

      await db().query(
        `INSERT INTO outbox (tenant_id, kind, payload, dedupe_key) VALUES ($1, 'notification', $2::jsonb, $3)`,
        [
          a,
          JSON.stringify({ to: citizen.address, text: 'Votre demande avance' }),
          `erase-test:${citizen.contactId}`,
        ],
      );

      const result = await port().eraseContact(tenantScope(a), citizen.contactId, 'admin:dpo', anonymise);
      expect(result).toEqual({
        contactId: citizen.contactId,
        erasedAt: expect.any(String),
        messagesDeleted: 2,
        identitiesDeleted: 1,
        requestsAnonymised: 2,
        conversations: [citizen.conversationId],
        media: [],
        // What the caller forgets outside the store: the address as it was, before anonymisation.
        forget: [
          {
            tenantId: a,
            channel: expect.any(String),
            address: citizen.address,
            conversationId: citizen.conversationId,
          },
        ],
      });

      const contact = await port().getContact(tenantScope(a), citizen.contactId);
      expect(contact).toMatchObject({ displayName: null, erasedAt: result?.erasedAt, identities: [] });
      expect(contact?.conversations[0]).toMatchObject({ status: 'closed', owner: 'bot' });
      expect(contact?.conversations[0]?.address).not.toContain(citizen.address);
      // It no longer follows the neighbour's request; its own requests stay, anonymised.
      expect(contact?.requests.map((r) => r.type).sort()).toEqual(['report_incident', 'school_registration']);
      const kept = new Map(contact?.requests.map((r) => [r.type, r]));
      expect(kept.get('report_incident')).toMatchObject({
        payload: { category: 'voirie', anonymised: true },
        location: { lat: 43.46, lon: 3.42 },
        addressText: 'Place du marché',
      });
      expect(kept.get('school_registration')).toMatchObject({
        payload: { category: null, anonymised: true },
        location: null,
        addressText: null,
      });
      expect(JSON.stringify(contact)).not.toContain('Lilas');
      expect(JSON.stringify(contact)).not.toContain('0612345678');
      expect(
        await count(db, 'SELECT count(*) AS n FROM outbox WHERE dedupe_key = $1', [
          `erase-test:${citizen.contactId}`,
        ]),
      ).toBe(0);
      expect(
        await db().query('SELECT actor, action FROM audit_log WHERE target_id = $1', [citizen.contactId]),
      ).toEqual([{ actor: 'admin:dpo', action: 'contact.erase' }]);

      // The neighbour is untouched.
      const untouched = await port().getContact(tenantScope(a), neighbour.contactId);
      expect(untouched).toMatchObject({ erasedAt: null, identities: [{ address: neighbour.address }] });
    });
  });
}
