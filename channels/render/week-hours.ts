// A week of opening hours, compressed for SMS. The hours answer lists one line per day ("Lundi : 9 h – 12 h,
// 14 h – 17 h"), which is clear on a screen but costs a segment for a week; on SMS, consecutive days with the
// same hours become one line ("Lun-Ven 9h-12h 14h-17h") and the times lose their spaces. Only whole runs of
// day lines are rewritten: every other line (the address, the notes) is left as it is.

interface DayNames {
  /** Full day name as the hours answer writes it → its short form. */
  short: Record<string, string>;
}

const FRENCH: DayNames = {
  short: {
    lundi: 'Lun',
    mardi: 'Mar',
    mercredi: 'Mer',
    jeudi: 'Jeu',
    vendredi: 'Ven',
    samedi: 'Sam',
    dimanche: 'Dim',
  },
};

const ENGLISH: DayNames = {
  short: {
    monday: 'Mon',
    tuesday: 'Tue',
    wednesday: 'Wed',
    thursday: 'Thu',
    friday: 'Fri',
    saturday: 'Sat',
    sunday: 'Sun',
  },
};

const DAY_LINE = /^\s*([A-Za-zÀ-ÿ]+)\s*:\s*(.+?)\s*$/u;

interface DayLine {
  day: string;
  hours: string;
}

function parseDayLine(line: string): DayLine | undefined {
  const m = DAY_LINE.exec(line);
  if (!m?.[1] || !m[2]) return undefined;
  const name = m[1].toLowerCase();
  const day = FRENCH.short[name] ?? ENGLISH.short[name];
  return day ? { day, hours: compactTimes(m[2]) } : undefined;
}

/**
 * "9 h – 12 h, 14 h 30 – 17 h" → "9h-12h 14h30-17h"; "fermé" and other words stay. English times keep the
 * comma between ranges ("12 pm-1:45 pm, 5 pm-8 pm"): without it "pm 5 pm" reads as one.
 */
export function compactTimes(hours: string): string {
  const french = !/\b[ap]m\b/iu.test(hours);
  const compact = hours
    .replace(/(\d{1,2})\s*h\s*(\d{2})/gu, '$1h$2')
    .replace(/(\d{1,2})\s+h\b/gu, '$1h')
    .replace(/\s*[–—-]\s*/gu, '-');
  return (french ? compact.replace(/\s*,\s*(?=\d)/gu, ' ') : compact).replace(/\s+/gu, ' ').trim();
}

/** Consecutive days with the same hours, as "Lun-Ven 9h-12h" (or "Sam 9h-12h" for one day). */
function group(lines: DayLine[]): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 1; i <= lines.length; i += 1) {
    const first = lines[start];
    const current = lines[i];
    if (current && first && current.hours === first.hours) continue;
    const last = lines[i - 1];
    if (first && last) {
      const days = first === last ? first.day : `${first.day}-${last.day}`;
      out.push(`${days} ${first.hours}`);
    }
    start = i;
  }
  return out;
}

/**
 * Rewrites every run of at least three "Day : hours" lines of `text` in the compact form. Shorter runs are
 * kept: two lines are not worth the less familiar abbreviations.
 */
export function compressWeekHours(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let run: DayLine[] = [];
  let raw: string[] = [];
  const flush = () => {
    if (run.length >= 3) out.push(...group(run));
    else out.push(...raw);
    run = [];
    raw = [];
  };
  for (const line of lines) {
    const day = parseDayLine(line);
    if (day) {
      run.push(day);
      raw.push(line);
    } else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join('\n');
}
