import { sameSecret } from './constant-time';

describe('sameSecret', () => {
  it('is true only for the same bytes, whatever their form', () => {
    expect(sameSecret('s3cr3t', 's3cr3t')).toBe(true);
    expect(sameSecret(Buffer.from('s3cr3t'), 's3cr3t')).toBe(true);
    expect(sameSecret('s3cr3T', 's3cr3t')).toBe(false);
  });

  it('answers false, without throwing, for a value of another length (a truncated or padded guess)', () => {
    expect(sameSecret('s3cr3', 's3cr3t')).toBe(false);
    expect(sameSecret('', 's3cr3t')).toBe(false);
    expect(sameSecret('s3cr3t!', 's3cr3t')).toBe(false);
  });
});
