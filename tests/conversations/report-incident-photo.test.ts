// The report form with a photo as the web chat now sends it: a message with no text, carrying the internal
// media: URL of the uploaded (and cleaned) photo. The form takes it as its photo and the request keeps it.
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import { jpegWithGps } from '../support/photos';
import { LILAS_12, banSearch } from './ban-fixtures';
import { NOW, announcedReference, done, withClosedNetworkContainer } from './helpers';

let container: Container;
withClosedNetworkContainer((c) => (container = c));

it('records a report whose photo was uploaded from the web chat', async () => {
  const photo = await container.media.accept('val-de-loue', await jpegWithGps());
  banSearch('12 rue des Lilas', LILAS_12);
  const t = talk(container.engine, { now: NOW, channel: 'webchat' })
    .send('il y a un nid de poule devant le 12 rue des Lilas')
    .expectReply(/Voirie/)
    .expectReply(/Décrivez le problème/)
    .send('Un trou profond au milieu de la chaussée')
    .expectReply(/Avez-vous une photo du problème \? Envoyez-la maintenant/)
    .send('', { media: [{ url: photo.url }] })
    .expectReply(/informé du traitement/)
    .send('jean.dupont@example.fr')
    .expectReply('Photo : photo jointe')
    .choose(/Oui, enregistrer/)
    .expectReply(/enregistré sous la référence/);
  await done(t);
  const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
  expect(request?.payload.photo).toEqual({ url: photo.url });
});
