import { createLogger, redact } from './logger';

describe('logger', () => {
  it('redacts phone numbers, emails and secrets', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (l) => lines.push(l));
    logger.info('sms from +33612345678', {
      email: 'marie.dupont@example.fr',
      token: 'abc',
      nested: { tel: '06 12 34 56 78' },
    });
    const line = lines[0]!;
    expect(line).not.toMatch(/33612345678|marie\.dupont|abc|06 12 34 56 78/);
    expect(JSON.parse(line)).toMatchObject({
      msg: 'sms from [phone]',
      email: '[email]',
      token: '[redacted]',
      nested: { tel: '[phone]' },
    });
  });

  it('respects the level', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (l) => lines.push(l));
    logger.info('hidden');
    logger.error('shown');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });

  it('leaves ordinary text alone', () => {
    expect(redact('DEM-2026-000123 ouvert à 14h30')).toBe('DEM-2026-000123 ouvert à 14h30');
  });
});
