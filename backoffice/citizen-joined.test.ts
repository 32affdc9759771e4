// What the citizen reads when an agent joins: a first name at most.
import { say } from '../bot/i18n';
import { joinedNotice, NOTICES } from './citizen';

describe('joinedNotice', () => {
  it('names the agent by the first name only', () => {
    expect(say(joinedNotice('Camille Martin-Durand'), 'fr')).toBe(
      'L’agent Camille a rejoint la conversation et va vous répondre.',
    );
    expect(say(joinedNotice('  Jean-Pierre  Morel '), 'en')).toMatch(
      /^Jean-Pierre, a member of staff, has joined/,
    );
  });

  it('says "an agent" when the back office has no name (an administrator token)', () => {
    expect(joinedNotice(null)).toBe(NOTICES.joined);
    expect(joinedNotice('   ')).toBe(NOTICES.joined);
  });
});
