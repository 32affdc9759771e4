import type { Reply } from '../../bot/messages';
import { renderWhatsApp, type WhatsAppMenuTemplate } from './whatsapp';

const confirm: Reply = {
  type: 'choices',
  text: 'Est-ce correct ? Je l’enregistre ?',
  choices: [
    { label: 'Oui, enregistrer', value: 'yes' },
    { label: 'Non, corriger', value: 'no' },
  ],
};
const summary: Reply = {
  type: 'card',
  title: 'Récapitulatif de votre signalement',
  fields: [
    { label: 'Lieu', value: '12 Rue des Lilas 25971 Montcey-sur-Loue' },
    { label: 'Description', value: 'Un nid-de-poule 🕳️' },
  ],
};
const BUTTONS: WhatsAppMenuTemplate = { kind: 'quick-reply', contentSid: `HX${'a'.repeat(32)}`, choices: 2 };
const LIST: WhatsAppMenuTemplate = { kind: 'list-picker', contentSid: `HX${'b'.repeat(32)}`, choices: 2 };

describe('renderWhatsApp', () => {
  it('without a template, keeps the numbered menu after the text, accents and emoji as they are', () => {
    expect(renderWhatsApp([summary, confirm])).toEqual([
      {
        kind: 'text',
        body: 'Récapitulatif de votre signalement\nLieu : 12 Rue des Lilas 25971 Montcey-sur-Loue\nDescription : Un nid-de-poule 🕳️\n\nEst-ce correct ? Je l’enregistre ?\n1. Oui, enregistrer\n2. Non, corriger\nRépondez 1 ou 2.',
      },
    ]);
  });

  it('sends the menu as the quick-reply template for its number of choices, after the summary', () => {
    const messages = renderWhatsApp([summary, confirm], { templates: [LIST, BUTTONS] });
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({
      kind: 'text',
      body: expect.stringMatching(/^Récapitulatif[^]*nid-de-poule/),
    });
    expect(messages[1]).toEqual({
      kind: 'content',
      contentSid: BUTTONS.contentSid,
      variables: { '1': 'Est-ce correct ? Je l’enregistre ?', '2': 'Oui, enregistrer', '3': 'Non, corriger' },
      body: 'Est-ce correct ? Je l’enregistre ?\n1. Oui, enregistrer\n2. Non, corriger\nRépondez 1 ou 2.',
    });
  });

  it('uses a list when a label is too long for a button, and numbered text when too long for a list', () => {
    const longer: Reply = {
      ...confirm,
      choices: [
        { label: 'Oui, enregistrer la demande', value: 'y' },
        { label: 'Non', value: 'n' },
      ],
    };
    // 27 characters: too long for both (20 and 24).
    expect(renderWhatsApp([longer], { templates: [BUTTONS, LIST] })[0]?.kind).toBe('text');
    const fitsList: Reply = {
      ...confirm,
      choices: [
        { label: 'Oui, enregistrer ma demande'.slice(0, 22), value: 'y' },
        { label: 'Non', value: 'n' },
      ],
    };
    expect(renderWhatsApp([fitsList], { templates: [BUTTONS, LIST] })[0]).toMatchObject({
      kind: 'content',
      contentSid: LIST.contentSid,
    });
    // A template for another number of choices is not used.
    const three: Reply = { ...confirm, choices: [...confirm.choices, { label: 'Annuler', value: 'c' }] };
    expect(renderWhatsApp([three], { templates: [BUTTONS, LIST] })[0]?.kind).toBe('text');
  });
});
