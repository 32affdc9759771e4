import twilio from 'twilio';
import { emptyMessagingTwiml, messagingTwiml } from './twiml';

/** What the twilio library writes for the same bodies. */
function library(bodies: readonly string[]): string {
  const response = new twilio.twiml.MessagingResponse();
  for (const body of bodies) response.message(body);
  return response.toString();
}

describe('SMS TwiML', () => {
  it.each([
    [[]],
    [['']],
    [['Bonjour, la mairie est ouverte de 9h à 12h.']],
    [['a & b <c> "d" \'e\' \r\n\t é 😀 &amp; ]]> €', 'second message']],
    [['Réponse 1', '', 'Réponse 3 : 1. Oui\n2. Non']],
  ])('writes what the twilio library writes for %j', (bodies) => {
    expect(messagingTwiml(bodies)).toBe(library(bodies));
  });

  it('an empty response is the library one', () => {
    expect(emptyMessagingTwiml()).toBe(new twilio.twiml.MessagingResponse().toString());
  });

  it.each(['a\u0001b', 'lone \uD800 surrogate', 'lone \uDC00 low', '\uFFFE'])(
    'refuses a character XML cannot carry, like the library (%j)',
    (body) => {
      expect(() => library([body])).toThrow(/Invalid character/);
      expect(() => messagingTwiml([body])).toThrow(/Invalid character/);
    },
  );
});
