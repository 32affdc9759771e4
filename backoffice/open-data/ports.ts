// What the open-data publication reads from the store: counts, never a row about a person.
import type { RequestStatus } from '../../bot/ports';

/** One day × category × commune × channel of a tenant's requests, before any suppression. */
export interface DailyCell {
  /** YYYY-MM-DD in the territory's time zone. */
  day: string;
  type: string;
  /** The incident category; null for request types without categories. */
  category: string | null;
  /** null when the request has no commune (not located). */
  commune: string | null;
  channel: string;
  requests: number;
  resolved: number;
  /** Median hours from creation to resolution of the resolved ones; null when none. */
  medianResolutionHours: number | null;
}

/** Medians over the whole window (a median cannot be rebuilt from the daily ones). */
export interface ResolutionMedian {
  /** null: every request of the window (the overall median). */
  type: string | null;
  category: string | null;
  resolved: number;
  medianResolutionHours: number | null;
}

/** An open request whose place is public space, as the public map may show it (position not yet blurred). */
export interface OpenPlace {
  type: string;
  category: string | null;
  status: RequestStatus;
  /** YYYY-MM-DD in the territory's time zone. */
  day: string;
  lat: number;
  lon: number;
}

export interface OpenDataWindow {
  tenantId: string;
  timeZone: string;
  /** First and last day included (YYYY-MM-DD, territory time). */
  fromDay: string;
  toDay: string;
}

/** Satisfaction answers (scores 1–5) given within the window: how many, how many 4 or 5, the mean score. */
export interface SatisfactionTotal {
  answered: number;
  satisfied: number;
  mean: number | null;
}

export interface OpenDataStore {
  dailyCells(window: OpenDataWindow): Promise<DailyCell[]>;
  satisfaction(window: OpenDataWindow): Promise<SatisfactionTotal>;
  resolutionMedians(window: OpenDataWindow): Promise<ResolutionMedian[]>;
  /** Open requests (received, in progress) of these types with a position, newest first, at most `limit`. */
  openPlaces(
    tenantId: string,
    timeZone: string,
    types: readonly string[],
    limit: number,
  ): Promise<OpenPlace[]>;
}
