// The SMS a phone call sends (a link the voice cannot read out) is never cut with "…": a caller cannot answer
// "SUITE" from a call, so every page of it is sent, in order, within the territory's segment budget.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { fitsSegments } from '../../channels/render/sms';
import type { Container } from '../../server/container';
import { REPO_ROOT, createTestContainer } from '../support/harness';
import {
  TWILIO_API,
  TWILIO_ENV,
  gatherAction,
  messageResource,
  messagesPath,
  mobile,
  postSigned,
  sid,
  spokenOf,
  voiceParams,
} from './twilio-helpers';

const PATH = '/channels/twilio/voice';
// Monday 10:00 in Paris: the line is open.
const MONDAY_10H_PARIS = new Date('2026-11-30T09:00:00Z');

let dir: string;
let container: Container;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  // The demo territory with a one-segment budget: the answer's SMS cannot fit in one message.
  dir = mkdtempSync(path.join(tmpdir(), 'guichet-voice-sms-'));
  const demo = path.join(dir, 'val-de-loue');
  cpSync(path.join(REPO_ROOT, 'knowledge/territories/val-de-loue'), demo, { recursive: true });
  const file = path.join(demo, 'territory.json');
  const territory = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...territory, sms: { segmentBudget: 1 } }));
  container = await createTestContainer(TWILIO_ENV, {
    clock: () => MONDAY_10H_PARIS,
    territoryDirs: [dir, path.join(REPO_ROOT, 'knowledge/fixtures/territories')],
  });
}, 120_000);
afterAll(async () => {
  await container.close();
  rmSync(dir, { recursive: true, force: true });
  nock.cleanAll();
  nock.enableNetConnect();
});

it('sends every page of the answer’s SMS, the link whole at the end, nothing cut', async () => {
  const bodies: string[] = [];
  nock(TWILIO_API)
    .persist()
    .post(messagesPath)
    .reply(201, (_uri, body) => {
      const form = Object.fromEntries(new URLSearchParams(String(body))) as Record<string, string>;
      bodies.push(form.Body ?? '');
      return messageResource(form);
    });
  const callSid = sid('CA');
  const from = mobile();
  const start = await postSigned(container.app, PATH, voiceParams(callSid, from)).expect(200);
  const answer = await postSigned(
    container.app,
    gatherAction(start.text),
    voiceParams(callSid, from, {
      SpeechResult: 'comment obtenir une copie de mon acte de naissance',
      Confidence: '0.9',
    }),
  ).expect(200);
  nock.cleanAll();

  expect(spokenOf(answer.text)).toMatch(/Je vous envoie le lien par SMS\./);
  expect(bodies.length).toBeGreaterThan(1);
  for (const body of bodies) {
    expect(fitsSegments(body, 1)).toBe(true);
    expect(body).not.toMatch(/…|\.\.\.$|\.\.\.\n/);
  }
  const all = bodies.join(' ');
  expect(all).toMatch(/mairie de votre commune de naissance/);
  expect(bodies[bodies.length - 1]).toMatch(
    /https:\/\/www\.service-public\.fr\/particuliers\/vosdroits\/F1427$/,
  );
});
